// akid.graph/v1 document <-> React Flow nodes/edges. flowToDoc emits the canonical form of
// akid.graph.schema.dump_graph, so load -> save is the identity on canonical documents.
import type { BlockDoc, GraphDoc, GraphEdge, GraphNode } from '../types';
import { type BlockNodeT, FORMAT, type GraphEdgeT, type GraphMeta, type SweepStructure } from './model';

export interface FlowGraph {
  meta: GraphMeta;
  nodes: BlockNodeT[];
  edges: GraphEdgeT[];
}

export class FormatError extends Error {}

export function docToFlow(doc: GraphDoc): FlowGraph {
  if (!doc || typeof doc !== 'object') throw new FormatError('a graph must be a JSON object');
  if (doc.format !== FORMAT)
    throw new FormatError(`unsupported graph format ${JSON.stringify(doc.format)}; this editor reads '${FORMAT}'`);
  const meta: GraphMeta = { name: doc.name ?? 'graph' };
  if (doc.description) meta.description = doc.description;
  if (doc.params && Object.keys(doc.params).length) meta.params = { ...doc.params };
  if (doc.blocks && Object.keys(doc.blocks).length) meta.blocks = { ...doc.blocks };
  if (doc.ui !== undefined) meta.ui = doc.ui;
  const sweep = readSweep(doc);
  if (sweep) meta.sweep = sweep;
  const nodes: BlockNodeT[] = (doc.nodes ?? []).map((n) => ({
    id: n.id,
    type: 'block',
    position: n.position ? { x: n.position.x, y: n.position.y } : { x: 0, y: 0 },
    data: {
      type: n.type,
      params: { ...(n.params ?? {}) },
      ...(n.label !== undefined ? { label: n.label } : {}),
      ...(n.ui !== undefined ? { ui: n.ui } : {}),
      ...(n.shares ? { shares: n.shares } : {}),
      placed: !!n.position,
    },
  }));
  const edges: GraphEdgeT[] = (doc.edges ?? []).map((e, i) => ({
    id: e.id ?? `e${i}`,
    type: 'akid',
    source: e.source,
    target: e.target,
    sourceHandle: e.source_port ?? 'out',
    targetHandle: e.target_port ?? 'in',
    data: { feedback: !!e.feedback, ...(e.ui !== undefined ? { ui: e.ui } : {}) },
  }));
  return { meta, nodes, edges };
}

export function nodeToDoc(n: BlockNodeT): GraphNode {
  const d: GraphNode = { id: n.id, type: n.data.type, params: { ...n.data.params } };
  if (n.data.placed) d.position = { x: Math.round(n.position.x * 100) / 100, y: Math.round(n.position.y * 100) / 100 };
  if (n.data.ui !== undefined) d.ui = n.data.ui;
  if (n.data.label !== undefined) d.label = n.data.label;
  if (n.data.shares) d.shares = n.data.shares;
  return d;
}

export function edgeToDoc(e: GraphEdgeT): GraphEdge {
  const d: GraphEdge = {
    id: e.id,
    source: e.source,
    source_port: e.sourceHandle ?? 'out',
    target: e.target,
    target_port: e.targetHandle ?? 'in',
  };
  if (e.data?.feedback) d.feedback = true;
  if (e.data?.ui !== undefined) d.ui = e.data.ui;
  return d;
}

/** Only the composite definitions the graph (transitively) uses are written out. */
export function usedBlocks(
  nodes: { type: string }[],
  blocks: Record<string, BlockDoc> | undefined,
): Record<string, BlockDoc> {
  const out: Record<string, BlockDoc> = {};
  if (!blocks) return out;
  const visit = (types: string[]) => {
    for (const t of types) {
      if (blocks[t] && !out[t]) {
        out[t] = blocks[t];
        visit((blocks[t].nodes ?? []).map((n) => n.type));
      }
    }
  };
  visit(nodes.map((n) => n.type));
  return out;
}

export function flowToDoc(g: FlowGraph, opts: { pruneBlocks?: boolean } = {}): GraphDoc {
  const head: Partial<GraphDoc> = { format: FORMAT, name: g.meta.name };
  if (g.meta.description) head.description = g.meta.description;
  if (g.meta.params && Object.keys(g.meta.params).length) head.params = { ...g.meta.params };
  const blocks = opts.pruneBlocks
    ? usedBlocks(
        g.nodes.map((n) => n.data),
        g.meta.blocks,
      )
    : (g.meta.blocks ?? {});
  if (Object.keys(blocks).length) head.blocks = blocks;
  const doc: GraphDoc = { ...head, format: FORMAT, nodes: g.nodes.map(nodeToDoc), edges: g.edges.map(edgeToDoc) };
  if (g.meta.ui !== undefined) doc.ui = g.meta.ui;
  writeSweep(doc, g.meta.sweep);
  return doc;
}

/** Sweep marks of a document (`$optional` nodes, `$repeats`), kept in the meta while editing. */
function readSweep(doc: GraphDoc): SweepStructure | null {
  const raw = doc as GraphDoc & { $repeats?: SweepStructure['repeats'] };
  const optional = (doc.nodes ?? []).filter((n) => (n as { $optional?: boolean }).$optional === true).map((n) => n.id);
  if (!optional.length && !raw.$repeats?.length) return null;
  return { ...(optional.length ? { optional } : {}), ...(raw.$repeats?.length ? { repeats: raw.$repeats } : {}) };
}

/** Write the sweep marks back, dropping those of nodes that no longer exist. */
function writeSweep(doc: GraphDoc, sweep: SweepStructure | undefined): void {
  if (!sweep) return;
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const n of doc.nodes) if (sweep.optional?.includes(n.id)) (n as { $optional?: boolean }).$optional = true;
  const repeats = (sweep.repeats ?? []).filter((r) => r.nodes.length && r.nodes.every((id) => ids.has(id)));
  if (repeats.length) (doc as GraphDoc & { $repeats?: unknown }).$repeats = repeats;
}

/** The canonical form of a document (what akid's dump_graph would write). */
export function canonical(doc: GraphDoc): GraphDoc {
  return flowToDoc(docToFlow(doc));
}
