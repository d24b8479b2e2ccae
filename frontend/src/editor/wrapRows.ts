// A long left-to-right graph in a small canvas: either the fit shrinks the blocks past reading,
// or the view shows only the start. Instead the layered layout is cut between layers into rows
// stacked top to bottom (like lines of text), only when the graph is wider than the canvas shows
// at a readable zoom *and* the rows then fit. Within a row every edge still runs left to right;
// an edge into the next row leaves its block to the right, runs back left through the empty gap
// between the rows and enters its target from the left (ShapeEdge's wrapEdgePath), so it never
// crosses a block.
import type { XYPosition } from '@xyflow/react';
import { PORT_TOP } from './layout';
import { MAX_FIT_ZOOM, READABLE_ZOOM } from './readableFit';

/** Empty space between rows: the wrapped edges and their labels run there. */
export const ROW_GAP = 72;
/** Share of the canvas the fitted graph may use (the fit pads by 0.15). */
const USABLE = 0.85;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Positions cut into rows when the graph (boxes keyed by node id) cannot be shown whole in
 *  ``area`` (canvas pixels) at READABLE_ZOOM: the number of layers per row is the one that gives
 *  the largest zoom. Otherwise (it fits, or rows do not help) the positions unchanged. */
export function wrapIntoRows(
  boxes: Record<string, Box>,
  area: { width: number; height: number },
): Record<string, XYPosition> {
  const ids = Object.keys(boxes);
  const same = () => Object.fromEntries(ids.map((id) => [id, { x: boxes[id].x, y: boxes[id].y }]));
  if (ids.length < 2 || !(area.width > 0) || !(area.height > 0)) return same();
  const minX = Math.min(...ids.map((id) => boxes[id].x));
  const minY = Math.min(...ids.map((id) => boxes[id].y));
  const maxX = Math.max(...ids.map((id) => boxes[id].x + boxes[id].w));
  const height = Math.max(...ids.map((id) => boxes[id].y + boxes[id].h)) - minY;
  // the fit never zooms past MAX_FIT_ZOOM, so more rows than reach it only make the graph taller
  const zoomFor = (w: number, h: number) => Math.min(area.width / w, area.height / h, MAX_FIT_ZOOM);
  const flat = zoomFor(maxX - minX, height);
  if (flat >= READABLE_ZOOM) return same();
  // layers: nodes whose x ranges overlap share a layer (a layout places a layer's nodes at one x)
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
  let best = { zoom: flat, per: layers.length };
  for (let per = layers.length - 1; per >= 1; per--) {
    const rows = Math.ceil(layers.length / per);
    let width = 0;
    for (let r = 0; r < rows; r++) {
      const row = layers.slice(r * per, (r + 1) * per);
      width = Math.max(width, row[row.length - 1].x1 - row[0].x0);
    }
    const zoom = zoomFor(width, rows * height + (rows - 1) * ROW_GAP);
    if (zoom > best.zoom) best = { zoom, per };
  }
  if (best.per >= layers.length) return same();
  const out: Record<string, XYPosition> = {};
  for (let r = 0; r * best.per < layers.length; r++) {
    const row = layers.slice(r * best.per, (r + 1) * best.per);
    const dx = minX - row[0].x0;
    const dy = r * (height + ROW_GAP);
    for (const layer of row) for (const id of layer.ids) out[id] = { x: boxes[id].x + dx, y: boxes[id].y + dy };
  }
  return out;
}

/** Graphs with more blocks are never rearranged: they are not "of typical size" and are fitted
 * whole (zoomed out) instead (readableFit.ts). */
const WRAP_MAX_NODES = 60;

/** For a graph that arrives with positions (a template or text laid out by the server, a saved
 * graph): the positions cut into rows when it is too wide to read whole in this canvas, else null.
 * Not recorded in the history and not a modification: it is how this window shows the graph. */
export function wrapPlaced(
  nodes: { id: string; position: XYPosition; measured?: { width?: number; height?: number } }[],
  area = readableArea(),
): Record<string, XYPosition> | null {
  if (nodes.length < 2 || nodes.length > WRAP_MAX_NODES) return null;
  const boxes: Record<string, Box> = {};
  for (const n of nodes) {
    boxes[n.id] = { x: n.position.x, y: n.position.y, w: n.measured?.width ?? 184, h: n.measured?.height ?? 80 };
  }
  const pos = wrapIntoRows(boxes, area);
  return nodes.some((n) => pos[n.id].x !== n.position.x || pos[n.id].y !== n.position.y) ? pos : null;
}

/** The canvas area (pixels) a fitted graph may use. */
export function readableArea(): { width: number; height: number } {
  const el = typeof document !== 'undefined' ? (document.querySelector('.canvas') as HTMLElement | null) : null;
  return { width: (el?.clientWidth || 0) * USABLE, height: (el?.clientHeight || 0) * USABLE };
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
