// Group a selection into a composite block. The selection becomes an inner graph whose
// Input/Output nodes (one per distinct value crossing the boundary) become the ports of a new
// node. The definition goes into graph.blocks[name] (see schema/graph.schema.json).
import type { BlockDoc, GraphEdge, GraphNode, Shape } from '../types';
import { edgeToDoc, nodeToDoc } from './convert';
import { type BlockNodeT, FORMAT, type GraphEdgeT } from './model';

export interface Grouped {
  def: BlockDoc;
  node: BlockNodeT;
  nodes: BlockNodeT[];
  edges: GraphEdgeT[];
}

const portNames = (n: number, base: string) => (n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}${i}`));

function uniqueName(name: string, taken: Set<string>): string {
  let s = name;
  for (let i = 1; taken.has(s); i++) s = `${name}_${i}`;
  taken.add(s);
  return s;
}

export function groupSelection(
  nodes: BlockNodeT[],
  edges: GraphEdgeT[],
  selected: Set<string>,
  name: string,
  nodeId: string,
  shapes: Record<string, Shape> = {},
): Grouped | null {
  // The graph's own Input/Output nodes stay outside: they bind data, not layers.
  const inside = new Set(
    nodes.filter((n) => selected.has(n.id) && n.data.type !== 'Input' && n.data.type !== 'Output').map((n) => n.id),
  );
  if (inside.size === 0) return null;
  const innerNodes = nodes.filter((n) => inside.has(n.id));
  const taken = new Set(innerNodes.map((n) => n.id));
  const key = (e: GraphEdgeT) => `${e.source}\u0000${e.sourceHandle ?? 'out'}`;

  const incoming = edges.filter((e) => !inside.has(e.source) && inside.has(e.target));
  const outgoing = edges.filter((e) => inside.has(e.source) && !inside.has(e.target));
  const inKeys = [...new Set(incoming.map(key))];
  const outKeys = [...new Set(outgoing.map(key))];
  const inNames = portNames(inKeys.length, 'in').map((n) => uniqueName(n, taken));
  const outNames = portNames(outKeys.length, 'out').map((n) => uniqueName(n, taken));

  const xs = innerNodes.map((n) => n.position.x);
  const ys = innerNodes.map((n) => n.position.y);
  const minX = Math.min(...xs),
    maxX = Math.max(...xs),
    minY = Math.min(...ys);
  const cx = xs.reduce((a, b) => a + b, 0) / xs.length,
    cy = ys.reduce((a, b) => a + b, 0) / ys.length;

  const defNodes: GraphNode[] = [];
  const defEdges: GraphEdge[] = [];
  inKeys.forEach((k, i) => {
    const first = incoming.find((e) => key(e) === k)!;
    const shape = shapes[first.id];
    defNodes.push({
      id: inNames[i],
      type: 'Input',
      params: { shape: shape?.every((d) => d !== null) ? shape : [1], feature: inNames[i] },
      position: { x: minX - 260, y: minY + i * 120 },
    });
  });
  defNodes.push(...innerNodes.map((n) => nodeToDoc({ ...n, data: { ...n.data, placed: true } })));
  outKeys.forEach((_, i) => {
    defNodes.push({
      id: outNames[i],
      type: 'Output',
      params: { target: outNames[i] },
      position: { x: maxX + 260, y: minY + i * 120 },
    });
  });
  let eid = 0;
  const newEdgeId = () => `e${++eid}`;
  for (const e of edges) {
    if (inside.has(e.source) && inside.has(e.target)) defEdges.push({ ...edgeToDoc(e), id: newEdgeId() });
  }
  for (const e of incoming) {
    const name_ = inNames[inKeys.indexOf(key(e))];
    defEdges.push({
      id: newEdgeId(),
      source: name_,
      source_port: 'out',
      target: e.target,
      target_port: e.targetHandle ?? 'in',
    });
  }
  outKeys.forEach((k, i) => {
    const first = outgoing.find((e) => key(e) === k)!;
    defEdges.push({
      id: newEdgeId(),
      source: first.source,
      source_port: first.sourceHandle ?? 'out',
      target: outNames[i],
      target_port: 'in',
    });
  });
  const def: BlockDoc = { format: FORMAT, name, nodes: defNodes, edges: defEdges };

  const node: BlockNodeT = {
    id: nodeId,
    type: 'block',
    position: { x: cx, y: cy },
    selected: true,
    data: { type: name, params: {}, placed: true },
  };
  const outerEdges: GraphEdgeT[] = [];
  const seenIn = new Set<string>();
  for (const e of edges) {
    const a = inside.has(e.source),
      b = inside.has(e.target);
    if (!a && !b) outerEdges.push(e);
    else if (!a && b) {
      const k = key(e);
      if (seenIn.has(k)) continue;
      seenIn.add(k);
      outerEdges.push({
        ...e,
        id: `${e.id}`,
        target: nodeId,
        targetHandle: inNames[inKeys.indexOf(k)],
        selected: false,
      });
    } else if (a && !b) {
      outerEdges.push({ ...e, source: nodeId, sourceHandle: outNames[outKeys.indexOf(key(e))], selected: false });
    }
  }
  const outerNodes = nodes.filter((n) => !inside.has(n.id)).map((n) => (n.selected ? { ...n, selected: false } : n));
  return { def, node, nodes: [...outerNodes, node], edges: outerEdges };
}
