// Level of detail of the canvas, from the zoom.
//
// Why: React Flow keeps one DOM element, a few store subscriptions and (for edges) two SVG
// paths per element; with hundreds or thousands of nodes on screen the per-frame cost of a
// drag is dominated by painting and re-checking elements the user cannot read at that zoom
// anyway (a 14 px title is under 4 px tall below zoom 0.25). Graph viewers for big models
// (Model Explorer, Netron) draw zoomed-out views cheaply for the same reason.
//   full - the editor's node (BlockNode; below its FAR_ZOOM it already drops params/shapes)
//   box  - below BOX_ZOOM: a node is a plain coloured box (no text, no handle components),
//          edges are straight lines drawn on one canvas (LodEdgeCanvas), and the minimap is
//          hidden (that far out the whole graph is on screen already)

import type { ReactFlowState } from '@xyflow/react';
import { createContext } from 'react';

export type Detail = 'full' | 'box';

/** Below this zoom nodes are plain boxes and edges straight lines. */
export const BOX_ZOOM = 0.25;

export function detailAt(zoom: number): Detail {
  return zoom < BOX_ZOOM ? 'box' : 'full';
}

/** React Flow store selector: read once by the Canvas (one subscription, not one per element). */
export const detailSelector = (s: ReactFlowState): Detail => detailAt(s.transform[2]);

export const DetailContext = createContext<Detail>('full');
