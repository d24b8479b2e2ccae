// Positions of the nodes being dragged, kept beside the editor store's `nodes` until the drag ends.
//
// Why: a drag moves a node ~60 times a second. Written into `nodes`, every move would build a
// new array through applyNodeChanges (a pass over all nodes) and wake every subscriber of the
// editor store (the inspector's node lookup, the toolbar's selection count, the runs link,
// the decor view, the draft mirror...), each of which scans the graph: O(graph) per move for
// a change to one or a few nodes. Here a move writes only the dragged ids into a small store of
// its own (O(dragged)); only the Canvas listens to it. The drag's end commits them to `nodes`
// in one edit (rev bump: undo point, draft, validation as before).
import type { XYPosition } from '@xyflow/react';
import { createStore } from 'zustand/vanilla';
import type { BlockNodeT } from '../graph/model';

export interface DragState {
  /** Node id -> its position while dragged; empty when no drag is in progress. */
  pos: ReadonlyMap<string, XYPosition>;
}

export const NO_DRAG: ReadonlyMap<string, XYPosition> = new Map();

export const createDragStore = () => createStore<DragState>()(() => ({ pos: NO_DRAG }));
export type DragStore = ReturnType<typeof createDragStore>;

/** Record moves of dragged nodes: a new map of the dragged ids only. */
export function moveDragged(drag: DragStore, moves: ReadonlyArray<{ id: string; position: XYPosition }>): void {
  if (!moves.length) return;
  const pos = new Map(drag.getState().pos);
  for (const m of moves) pos.set(m.id, m.position);
  drag.setState({ pos });
}

const indexCache = new WeakMap<readonly BlockNodeT[], Map<string, number>>();
/** id -> index in `nodes`, built once per nodes array (the array is immutable). */
export function indexOf(nodes: readonly BlockNodeT[]): Map<string, number> {
  let m = indexCache.get(nodes);
  if (!m) {
    m = new Map(nodes.map((n, i) => [n.id, i]));
    indexCache.set(nodes, m);
  }
  return m;
}

/**
 * The nodes as drawn: `nodes` with the dragged ones at their drag positions. Only the dragged
 * nodes get new objects, so React Flow (which compares node objects) re-renders only those.
 */
export function withDragPositions(nodes: BlockNodeT[], pos: ReadonlyMap<string, XYPosition>): BlockNodeT[] {
  if (!pos.size) return nodes;
  const idx = indexOf(nodes);
  const out = nodes.slice();
  for (const [id, p] of pos) {
    const i = idx.get(id);
    if (i !== undefined) out[i] = { ...nodes[i], position: p };
  }
  return out;
}
