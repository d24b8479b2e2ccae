// A long left-to-right graph in a small canvas: either the fit shrinks the blocks past reading,
// or the view shows only the start. Instead the layered layout is cut between layers into rows
// stacked top to bottom (like lines of text), only when the graph is wider than the canvas shows
// at a readable zoom *and* the rows then fit. Within a row every edge still runs left to right;
// an edge into the next row leaves its block to the right, runs back left through the empty gap
// between the rows and enters its target from the left (ShapeEdge's wrapEdgePath), so it never
// crosses a block.
import type { XYPosition } from '@xyflow/react';
import { PORT_TOP } from './layout';
import { READABLE_ZOOM } from './readableFit';

/** Empty space between rows: the wrapped edges and their labels run there. */
export const ROW_GAP = 96;
/** Share of the canvas the fitted graph may use (the fit pads by 0.15). */
const USABLE = 0.85;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Positions cut into rows when the graph (boxes keyed by node id) is wider than ``maxWidth`` and
 *  the rows stay within ``maxHeight``; otherwise the positions unchanged. */
export function wrapIntoRows(
  boxes: Record<string, Box>,
  maxWidth: number,
  maxHeight: number,
): Record<string, XYPosition> {
  const ids = Object.keys(boxes);
  const same = () => Object.fromEntries(ids.map((id) => [id, { x: boxes[id].x, y: boxes[id].y }]));
  if (ids.length < 2 || !(maxWidth > 0) || !(maxHeight > 0)) return same();
  const minX = Math.min(...ids.map((id) => boxes[id].x));
  const minY = Math.min(...ids.map((id) => boxes[id].y));
  const maxX = Math.max(...ids.map((id) => boxes[id].x + boxes[id].w));
  const height = Math.max(...ids.map((id) => boxes[id].y + boxes[id].h)) - minY;
  if (maxX - minX <= maxWidth) return same();
  // layers: nodes whose x ranges overlap share a layer (ELK places a layer's nodes at one x)
  const order = [...ids].sort((a, b) => boxes[a].x - boxes[b].x);
  const layers: { x0: number; x1: number; ids: string[] }[] = [];
  for (const id of order) {
    const b = boxes[id];
    const last = layers[layers.length - 1];
    if (last && b.x < last.x1) {
      last.ids.push(id);
      last.x1 = Math.max(last.x1, b.x + b.w);
    } else layers.push({ x0: b.x, x1: b.x + b.w, ids: [id] });
  }
  const rows: (typeof layers)[] = [];
  for (const layer of layers) {
    const row = rows[rows.length - 1];
    if (row && layer.x1 - row[0].x0 <= maxWidth) row.push(layer);
    else rows.push([layer]);
  }
  const total = rows.length * height + (rows.length - 1) * ROW_GAP;
  if (rows.length < 2 || total > maxHeight) return same();
  const out: Record<string, XYPosition> = {};
  rows.forEach((row, r) => {
    const dx = minX - row[0].x0;
    const dy = r * (height + ROW_GAP);
    for (const layer of row) for (const id of layer.ids) out[id] = { x: boxes[id].x + dx, y: boxes[id].y + dy };
  });
  return out;
}

/** The widest / tallest graph (in flow units) the canvas shows whole at READABLE_ZOOM. */
export function readableArea(): { width: number; height: number } {
  const el = typeof document !== 'undefined' ? (document.querySelector('.canvas') as HTMLElement | null) : null;
  const w = el?.clientWidth || 0;
  const h = el?.clientHeight || 0;
  return { width: (w * USABLE) / READABLE_ZOOM, height: (h * USABLE) / READABLE_ZOOM };
}

/** An edge into the next row: right out of the source, down into the gap above the target's row,
 *  back left, down and into the target from the left: [path, labelX, labelY]. */
export function wrapEdgePath(
  sx: number,
  sy: number,
  tx: number,
  ty: number,
  off = 22,
  r = 10,
): [string, number, number] {
  const by = Math.max(sy + r * 2, ty - PORT_TOP - ROW_GAP / 2);
  const a = sx + off;
  const b = tx - off;
  const d = [
    `M ${sx},${sy}`,
    `L ${a - r},${sy}`,
    `Q ${a},${sy} ${a},${sy + r}`,
    `L ${a},${by - r}`,
    `Q ${a},${by} ${a - r},${by}`,
    `L ${b + r},${by}`,
    `Q ${b},${by} ${b},${by + r}`,
    `L ${b},${ty - r}`,
    `Q ${b},${ty} ${b + r},${ty}`,
    `L ${tx},${ty}`,
  ].join(' ');
  return [d, (a + b) / 2, by];
}
