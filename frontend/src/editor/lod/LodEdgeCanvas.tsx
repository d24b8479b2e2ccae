// Edges at the "box" level of detail: every edge a straight line on one <canvas>.
//
// Why: React Flow mounts an EdgeWrapper per edge (store subscriptions, two SVG paths); with
// thousands of edges each drag move re-checks and repaints them all. Far out nobody can pick
// an edge anyway, so the Canvas hands React Flow no edges at this level and this layer draws
// them: source right-middle -> target left-middle, in screen space.
//
// A drag changes a few nodes (the store replaces only their objects), so a move redraws only
// the rectangle their edges covered before and cover now (`dirtyRect`), and the browser
// re-rasterises only that; a pan, zoom, resize or new graph redraws everything.
import { type ReactFlowState, useStore } from '@xyflow/react';
import { useLayoutEffect, useRef } from 'react';
import type { BlockNodeT, GraphEdgeT } from '../../graph/model';

const DEFAULT_W = 160;
const DEFAULT_H = 40;
const PLAIN = '#64748b';
const FEEDBACK = '#d97706';
/** More changed nodes than this and a full redraw is cheaper than the bookkeeping. */
const MAX_PARTIAL = 32;
const sizeSelector = (s: ReactFlowState) => `${s.width}x${s.height}`;

type Seg = [number, number, number, number];

function segment(s: BlockNodeT, t: BlockNodeT): Seg {
  return [
    s.position.x + (s.measured?.width ?? DEFAULT_W),
    s.position.y + (s.measured?.height ?? DEFAULT_H) / 2,
    t.position.x,
    t.position.y + (t.measured?.height ?? DEFAULT_H) / 2,
  ];
}

/** Bounding box (flow coordinates) of the edges touching `changed`, before and after, or null. */
export function dirtyRect(
  prev: Map<string, BlockNodeT>,
  next: Map<string, BlockNodeT>,
  edges: GraphEdgeT[],
  changed: Set<string>,
): [number, number, number, number] | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  const grow = (g: Seg) => {
    x0 = Math.min(x0, g[0], g[2]);
    y0 = Math.min(y0, g[1], g[3]);
    x1 = Math.max(x1, g[0], g[2]);
    y1 = Math.max(y1, g[1], g[3]);
  };
  for (const id of changed) {
    for (const m of [prev, next]) {
      const n = m.get(id);
      if (n)
        grow([
          n.position.x,
          n.position.y,
          n.position.x + (n.measured?.width ?? DEFAULT_W),
          n.position.y + (n.measured?.height ?? DEFAULT_H),
        ]);
    }
  }
  for (const e of edges) {
    if (!changed.has(e.source) && !changed.has(e.target)) continue;
    for (const m of [prev, next]) {
      const s = m.get(e.source),
        t = m.get(e.target);
      if (s && t) grow(segment(s, t));
    }
  }
  return x0 === Infinity ? null : [x0, y0, x1, y1];
}

export function LodEdgeCanvas({ nodes, edges }: { nodes: BlockNodeT[]; edges: GraphEdgeT[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ byId: Map<string, BlockNodeT>; edges: GraphEdgeT[]; view: string } | null>(null);
  const transform = useStore((s) => s.transform);
  const size = useStore(sizeSelector);
  useLayoutEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const [tx, ty, zoom] = transform;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth,
      h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const view = `${tx},${ty},${zoom},${size},${dpr}`;
    const prev = last.current;
    last.current = { byId, edges, view };
    let clip: [number, number, number, number] | null = null; // flow coordinates, padded
    if (prev && prev.view === view && prev.edges === edges && prev.byId.size === byId.size) {
      const changed = new Set<string>();
      for (const n of nodes) if (prev.byId.get(n.id) !== n) changed.add(n.id);
      if (changed.size === 0) return;
      const r = changed.size <= MAX_PARTIAL ? dirtyRect(prev.byId, byId, edges, changed) : null;
      const pad = 2 / zoom;
      if (r) clip = [r[0] - pad, r[1] - pad, r[2] + pad, r[3] + pad];
    }
    const lw = 1.6 / zoom;
    ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * tx, dpr * ty);
    ctx.save();
    if (clip) {
      const [x0, y0, x1, y1] = clip;
      ctx.beginPath();
      ctx.rect(x0, y0, x1 - x0, y1 - y0);
      ctx.clip();
      ctx.clearRect(x0, y0, x1 - x0, y1 - y0);
    } else {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * tx, dpr * ty);
    }
    const plain = new Path2D();
    const feedback = new Path2D();
    for (const e of edges) {
      const s = byId.get(e.source),
        t = byId.get(e.target);
      if (!s || !t) continue;
      const g = segment(s, t);
      // only what may reach into the cleared rectangle (a stroke reaches lw/2 past its segment)
      if (
        clip &&
        (Math.max(g[0], g[2]) + lw < clip[0] ||
          Math.min(g[0], g[2]) - lw > clip[2] ||
          Math.max(g[1], g[3]) + lw < clip[1] ||
          Math.min(g[1], g[3]) - lw > clip[3])
      )
        continue;
      const path = e.data?.feedback ? feedback : plain;
      path.moveTo(g[0], g[1]);
      path.lineTo(g[2], g[3]);
    }
    ctx.lineWidth = lw;
    ctx.strokeStyle = PLAIN;
    ctx.stroke(plain);
    ctx.strokeStyle = FEEDBACK;
    ctx.stroke(feedback);
    ctx.restore();
  }, [nodes, edges, transform, size]);
  return <canvas ref={ref} className="akid-lod-edges" data-testid="lod-edges" data-edges={edges.length} />;
}
