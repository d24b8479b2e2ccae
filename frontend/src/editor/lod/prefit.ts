// The viewport a big graph will be fitted to, computed from saved positions before its first render.
//
// Why: the first render of a fitted 2,000-node graph used to happen at the old zoom (1): React
// Flow mounts every unmeasured node to measure it (as full blocks), culls to the few on screen,
// and only after the fit mounts them all again as boxes: three passes over 2,000 nodes. Setting
// this viewport first (in a layout effect, before React Flow receives the nodes) makes the first
// pass draw boxes at the final level of detail; the measured fit afterwards only adjusts it.
import type { Viewport } from '@xyflow/react';
import type { BlockNodeT } from '../../graph/model';

const W = 184;
const H = 80;

/** Fit the nodes' saved positions (default block size) into width x height with `pad` padding. */
export function prefitViewport(
  nodes: readonly BlockNodeT[],
  width: number,
  height: number,
  pad = 0.15,
  zoomRange: [number, number] = [0.05, 1.2],
): Viewport | null {
  if (!nodes.length || width <= 0 || height <= 0) return null;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const n of nodes) {
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + (n.measured?.width ?? W));
    y1 = Math.max(y1, n.position.y + (n.measured?.height ?? H));
  }
  const zoom = Math.min(
    Math.max(Math.min(width / ((x1 - x0) * (1 + pad)), height / ((y1 - y0) * (1 + pad))), zoomRange[0]),
    zoomRange[1],
  );
  return { x: width / 2 - ((x0 + x1) / 2) * zoom, y: height / 2 - ((y0 + y1) / 2) * zoom, zoom };
}
