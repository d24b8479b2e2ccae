// Edges at the "box" level of detail: every edge a straight line on one <canvas>.
//
// Why: React Flow mounts an EdgeWrapper per edge (store subscriptions, two SVG paths); with
// thousands of edges each drag move re-checks and repaints them all. Far out nobody can pick
// an edge anyway, so the Canvas hands React Flow no edges at this level and this layer draws
// them in one pass per frame: source right-middle -> target left-middle, in screen space.
import { useStore, type ReactFlowState } from '@xyflow/react';
import { useLayoutEffect, useRef } from 'react';
import type { BlockNodeT, GraphEdgeT } from '../../graph/model';

const DEFAULT_W = 160;
const DEFAULT_H = 40;
const sizeSelector = (s: ReactFlowState) => `${s.width}x${s.height}`;

export function LodEdgeCanvas({ nodes, edges }: { nodes: BlockNodeT[]; edges: GraphEdgeT[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const transform = useStore((s) => s.transform);
  const size = useStore(sizeSelector);
  useLayoutEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const [tx, ty, zoom] = transform;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr * zoom, 0, 0, dpr * zoom, dpr * tx, dpr * ty);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const plain = new Path2D();
    const feedback = new Path2D();
    for (const e of edges) {
      const s = byId.get(e.source), t = byId.get(e.target);
      if (!s || !t) continue;
      const path = e.data?.feedback ? feedback : plain;
      path.moveTo(s.position.x + (s.measured?.width ?? DEFAULT_W), s.position.y + (s.measured?.height ?? DEFAULT_H) / 2);
      path.lineTo(t.position.x, t.position.y + (t.measured?.height ?? DEFAULT_H) / 2);
    }
    ctx.lineWidth = 1.6 / zoom;
    ctx.strokeStyle = '#64748b';
    ctx.stroke(plain);
    ctx.strokeStyle = '#d97706';
    ctx.stroke(feedback);
  }, [nodes, edges, transform, size]);
  return <canvas ref={ref} className="akid-lod-edges" data-testid="lod-edges" data-edges={edges.length} />;
}
