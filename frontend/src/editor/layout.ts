// Auto-layout with elkjs (layered, left to right); feedback edges are left out so that
// loops do not fold the drawing.
import type { XYPosition } from '@xyflow/react';
import type { BlockNodeT, GraphEdgeT } from '../graph/model';
import type { NodePorts } from '../graph/ports';

type Elk = { layout(g: unknown): Promise<{ children?: { id: string; x?: number; y?: number }[] }> };
let elkPromise: Promise<Elk> | null = null;
// elkjs is large: load it on first use, in its own chunk.
const getElk = () => (elkPromise ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default() as Elk));

export async function autoLayout(
  nodes: BlockNodeT[],
  edges: GraphEdgeT[],
  portsOf: (id: string) => NodePorts | undefined,
  aspect = 1.4,
): Promise<Record<string, XYPosition>> {
  const ids = new Set(nodes.map((n) => n.id));
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '50',
      'elk.spacing.nodeNode': '30',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Long chains wrap into rows so that a fitted view stays readable.
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      'elk.aspectRatio': String(aspect),
    },
    children: nodes.map((n) => {
      const p = portsOf(n.id);
      const h = Math.max(n.measured?.height ?? 0, 90 + 14 * Math.max(p?.outputs.length ?? 1, p?.inputs.length ?? 1));
      return { id: n.id, width: n.measured?.width ?? 190, height: h };
    }),
    edges: edges
      .filter((e) => !e.data?.feedback && ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await (await getElk()).layout(graph);
  const pos: Record<string, XYPosition> = {};
  for (const c of out.children ?? []) pos[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
  return pos;
}

/** Width / height of the canvas, the shape the layout aims for. */
export function canvasAspect(): number {
  const r = typeof document !== 'undefined' ? document.querySelector('.canvas')?.getBoundingClientRect() : null;
  return r && r.height > 0 ? Math.max(0.5, Math.min(4, r.width / r.height)) : 1.4;
}

/** Positions for the nodes that have none, next to a placed neighbour; placed nodes stay put. */
export function placeNear(nodes: BlockNodeT[], edges: GraphEdgeT[]): Record<string, XYPosition> {
  const pos = new Map(nodes.filter((n) => n.data.placed).map((n) => [n.id, n.position]));
  const maxY = Math.max(0, ...[...pos.values()].map((p) => p.y));
  const out: Record<string, XYPosition> = {};
  let spare = 0;
  for (let round = 0; round < nodes.length; round++) {
    let progressed = false;
    for (const n of nodes) {
      if (pos.has(n.id)) continue;
      const pred = edges.find((e) => e.target === n.id && pos.has(e.source));
      const succ = edges.find((e) => e.source === n.id && pos.has(e.target));
      const p = pred ? pos.get(pred.source)! : succ ? pos.get(succ.target)! : null;
      if (!p) continue;
      const at = { x: p.x + (pred ? 240 : -240), y: p.y + 40 };
      pos.set(n.id, at);
      out[n.id] = at;
      progressed = true;
    }
    if (!progressed) break;
  }
  for (const n of nodes) {
    if (!pos.has(n.id)) {
      const at = { x: (spare++ % 5) * 240, y: maxY + 200 };
      pos.set(n.id, at);
      out[n.id] = at;
    }
  }
  return out;
}
