// Auto-layout with elkjs (layered, left to right, edges attached at the ports the nodes draw);
// chains are never wrapped into rows, so every forward edge runs left to right. Feedback edges
// are left out so that loops do not fold the drawing (ShapeEdge draws them as back-edges). A graph
// too wide to read whole in the canvas is cut into rows (wrapRows.ts).
import type { XYPosition } from '@xyflow/react';
import type { BlockNodeT, GraphEdgeT } from '../graph/model';
import type { NodePorts } from '../graph/ports';
import { readableArea, wrapIntoRows } from './wrapRows';

type Elk = {
  layout(g: unknown): Promise<{ children?: { id: string; x?: number; y?: number; width?: number; height?: number }[] }>;
};
let elkPromise: Promise<Elk> | null = null;
// elkjs is large: load it on first use, in its own chunk.
const getElk = () => (elkPromise ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default() as Elk));

/** Where BlockNode draws its handles: the layout attaches edges to the same spots. */
export const PORT_TOP = 14;
export const PORT_GAP = 20;

/** The ELK graph for a left-to-right layered layout with fixed ports; feedback edges are left
 *  out so that loops do not fold the drawing (they are drawn as back-edges instead). */
export function elkGraph(nodes: BlockNodeT[], edges: GraphEdgeT[], portsOf: (id: string) => NodePorts | undefined) {
  const ids = new Set(nodes.map((n) => n.id));
  const portIds = new Set<string>();
  const end = (node: string, side: 'in' | 'out', port: string) => {
    const id = `${node}/${side}/${port}`;
    return portIds.has(id) ? id : node; // an unknown port: attach to the node
  };
  const children = nodes.map((n) => {
    const p = portsOf(n.id);
    const ins = p?.inputs ?? [{ name: 'in' }];
    const outs = p?.outputs ?? [{ name: 'out' }];
    const w = n.measured?.width ?? 184;
    const h = Math.max(n.measured?.height ?? 0, 80, PORT_TOP + Math.max(ins.length, outs.length) * PORT_GAP);
    const ports = [
      ...ins.map((q, i) => ({
        id: `${n.id}/in/${q.name}`,
        x: 0,
        y: PORT_TOP + i * PORT_GAP,
        width: 1,
        height: 1,
        layoutOptions: { 'elk.port.side': 'WEST' },
      })),
      ...outs.map((q, i) => ({
        id: `${n.id}/out/${q.name}`,
        x: w - 1,
        y: PORT_TOP + i * PORT_GAP,
        width: 1,
        height: 1,
        layoutOptions: { 'elk.port.side': 'EAST' },
      })),
    ];
    for (const q of ports) portIds.add(q.id);
    return { id: n.id, width: w, height: h, layoutOptions: { 'elk.portConstraints': 'FIXED_POS' }, ports };
  });
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
    },
    children,
    edges: edges
      .filter((e) => !e.data?.feedback && ids.has(e.source) && ids.has(e.target))
      .map((e) => ({
        id: e.id,
        sources: [end(e.source, 'out', e.sourceHandle ?? 'out')],
        targets: [end(e.target, 'in', e.targetHandle ?? 'in')],
      })),
  };
}

export async function autoLayout(
  nodes: BlockNodeT[],
  edges: GraphEdgeT[],
  portsOf: (id: string) => NodePorts | undefined,
  _aspect = 1.4,
  area: { width: number; height: number } = readableArea(),
): Promise<Record<string, XYPosition>> {
  const out = await (await getElk()).layout(elkGraph(nodes, edges, portsOf));
  const boxes = Object.fromEntries(
    (out.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 184, h: c.height ?? 80 }]),
  );
  return wrapIntoRows(boxes, area, edges);
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
