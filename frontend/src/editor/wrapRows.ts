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
/** ... and when feedback edges run back below their row (ShapeEdge's backEdgePath) too. */
export const ROW_GAP_FEEDBACK = 150;
/** Rows are chosen to show a wrapped graph at least this large (titles about 10 px tall). */
export const WRAP_ZOOM = 0.75;
/** Share of the canvas the fitted graph may use (the fit pads by 0.15). */
const USABLE = 0.85;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Edges the wrapping must know: a feedback edge's loop is never cut (it runs back within a row). */
export interface WrapEdge {
  source: string;
  target: string;
  data?: { feedback?: boolean };
}

/** Positions cut into rows when the graph (boxes keyed by node id) cannot be shown whole in
 *  ``area`` (canvas pixels) at READABLE_ZOOM: as few rows as show it at WRAP_ZOOM or more, or,
 *  when none do, the rows that show it largest. Rows are cut between layers, never inside a
 *  feedback loop. Otherwise (it fits, or rows do not help) the positions unchanged. */
export function wrapIntoRows(
  boxes: Record<string, Box>,
  area: { width: number; height: number },
  edges: WrapEdge[] = [],
): Record<string, XYPosition> {
  const ids = Object.keys(boxes);
  const same = () => Object.fromEntries(ids.map((id) => [id, { x: boxes[id].x, y: boxes[id].y }]));
  if (ids.length < 2 || !(area.width > 0) || !(area.height > 0)) return same();
  const gap = rowGap(edges);
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
  const layerOf = new Map<string, number>();
  for (const id of order) {
    const b = boxes[id];
    const last = layers[layers.length - 1];
    if (last && b.x < last.x1) {
      last.ids.push(id);
      last.x1 = Math.max(last.x1, b.x + b.w);
    } else layers.push({ x0: b.x, x1: b.x + b.w, ids: [id] });
    layerOf.set(id, layers.length - 1);
  }
  // canCut[k]: a row may end after layer k (no feedback loop spans the cut)
  const canCut = layers.map(() => true);
  for (const e of edges) {
    if (!e.data?.feedback) continue;
    const a = layerOf.get(e.source);
    const b = layerOf.get(e.target);
    if (a === undefined || b === undefined) continue;
    for (let k = Math.min(a, b); k < Math.max(a, b); k++) canCut[k] = false;
  }
  /** Row start indices when rows are at most `limit` wide (wider where no cut is allowed). */
  const pack = (limit: number): number[] => {
    const starts = [0];
    let lastCut = -1;
    for (let i = 1; i < layers.length; i++) {
      if (canCut[i - 1]) lastCut = i;
      const start = starts[starts.length - 1];
      if (layers[i].x1 - layers[start].x0 > limit && lastCut > start) starts.push(lastCut);
    }
    return starts;
  };
  const measure = (starts: number[]) => {
    let width = 0;
    starts.forEach((st, r) => {
      const end = (starts[r + 1] ?? layers.length) - 1;
      width = Math.max(width, layers[end].x1 - layers[st].x0);
    });
    return zoomFor(width, starts.length * height + (starts.length - 1) * gap);
  };
  let best = { zoom: flat, starts: [0] };
  for (let j = layers.length - 2; j >= 0; j--) {
    const starts = pack(layers[j].x1 - layers[0].x0);
    if (starts.length < 2) continue;
    const zoom = measure(starts);
    if (zoom >= WRAP_ZOOM) {
      best = { zoom, starts }; // the fewest rows that read well: every wrap is one more turn to follow
      break;
    }
    if (zoom > best.zoom) best = { zoom, starts };
  }
  if (best.starts.length < 2) return same();
  const out: Record<string, XYPosition> = {};
  best.starts.forEach((st, r) => {
    const end = best.starts[r + 1] ?? layers.length;
    const dx = minX - layers[st].x0;
    const dy = r * (height + gap);
    for (const layer of layers.slice(st, end))
      for (const id of layer.ids) out[id] = { x: boxes[id].x + dx, y: boxes[id].y + dy };
  });
  return out;
}

/** The gap between rows for these edges (feedback edges need room below their row). */
export function rowGap(edges: { data?: { feedback?: boolean } }[]): number {
  return edges.some((e) => e.data?.feedback) ? ROW_GAP_FEEDBACK : ROW_GAP;
}

/** Graphs with more blocks are never rearranged: they are not "of typical size" and are fitted
 * whole (zoomed out) instead (readableFit.ts). */
const WRAP_MAX_NODES = 60;

/** For a graph that arrives with positions (a template or text laid out by the server, a saved
 * graph): the positions cut into rows when it is too wide to read whole in this canvas, else null.
 * Not recorded in the history and not a modification: it is how this window shows the graph. */
export function wrapPlaced(
  nodes: { id: string; position: XYPosition; measured?: { width?: number; height?: number } }[],
  edges: WrapEdge[],
  area = readableArea(),
): Record<string, XYPosition> | null {
  if (nodes.length < 2 || nodes.length > WRAP_MAX_NODES) return null;
  const boxes: Record<string, Box> = {};
  for (const n of nodes) {
    boxes[n.id] = { x: n.position.x, y: n.position.y, w: n.measured?.width ?? 184, h: n.measured?.height ?? 80 };
  }
  const pos = wrapIntoRows(boxes, area, edges);
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
