import { describe, expect, it } from 'vitest';
import { canonical, docToFlow, FormatError, flowToDoc } from '../src/graph/convert';
import type { GraphDoc } from '../src/types';
import { goldenGraphs } from './helpers';

/** akid.graph.schema.dump_graph, re-stated independently: the canonical form. */
function dumpGraph(doc: GraphDoc): GraphDoc {
  const out: Record<string, unknown> = { format: 'akid.graph/v1', name: doc.name ?? 'graph' };
  if (doc.description) out.description = doc.description;
  if (doc.params && Object.keys(doc.params).length) out.params = doc.params;
  if (doc.blocks && Object.keys(doc.blocks).length) out.blocks = doc.blocks;
  out.nodes = doc.nodes.map((n) => {
    const d: Record<string, unknown> = { id: n.id, type: n.type, params: n.params ?? {} };
    for (const k of ['position', 'ui', 'label', 'shares'] as const) if (n[k] !== undefined) d[k] = n[k];
    return d;
  });
  out.edges = (doc.edges ?? []).map((e, i) => {
    const d: Record<string, unknown> = {
      id: e.id ?? `e${i}`,
      source: e.source,
      source_port: e.source_port ?? 'out',
      target: e.target,
      target_port: e.target_port ?? 'in',
    };
    if (e.feedback) d.feedback = true;
    if (e.ui !== undefined) d.ui = e.ui;
    return d;
  });
  if (doc.ui !== undefined) out.ui = doc.ui;
  return out as unknown as GraphDoc;
}

const golden = goldenGraphs();

describe('graph (de)serialisation', () => {
  it('finds the golden graphs', () => {
    expect(golden.length).toBeGreaterThan(0);
  });

  it.each(golden)('%s round-trips through the editor model', (_name, doc) => {
    const flow = docToFlow(doc);
    expect(flow.nodes).toHaveLength(doc.nodes.length);
    expect(flowToDoc(flow)).toEqual(dumpGraph(doc));
    // and again: load(save(load(x))) is stable
    expect(flowToDoc(docToFlow(flowToDoc(flow)))).toEqual(dumpGraph(doc));
  });

  it.each(golden)('%s keeps ports, feedback flags and composite blocks', (_name, doc) => {
    const flow = docToFlow(doc);
    for (const [i, e] of (doc.edges ?? []).entries()) {
      const fe = flow.edges[i];
      expect(fe.sourceHandle).toBe(e.source_port ?? 'out');
      expect(fe.targetHandle).toBe(e.target_port ?? 'in');
      expect(fe.data?.feedback).toBe(!!e.feedback);
    }
    expect(flowToDoc(flow).blocks).toEqual(doc.blocks && Object.keys(doc.blocks).length ? doc.blocks : undefined);
  });

  it('fills defaults and omits missing positions', () => {
    const doc: GraphDoc = {
      format: 'akid.graph/v1',
      name: 'x',
      nodes: [
        { id: 'a', type: 'Input' },
        { id: 'b', type: 'Output', position: { x: 1, y: 2 } },
      ],
      edges: [{ source: 'a', target: 'b' }],
    };
    const out = canonical(doc);
    expect(out.nodes[0]).toEqual({ id: 'a', type: 'Input', params: {} });
    expect(out.nodes[1].position).toEqual({ x: 1, y: 2 });
    expect(out.edges![0]).toEqual({ id: 'e0', source: 'a', source_port: 'out', target: 'b', target_port: 'in' });
  });

  it('refuses unknown format versions with a clear message', () => {
    expect(() => docToFlow({ format: 'akid.graph/v9' } as unknown as GraphDoc)).toThrow(FormatError);
    expect(() => docToFlow({ format: 'akid.graph/v9' } as unknown as GraphDoc)).toThrow(/unsupported graph format/);
  });

  it('prunes composite definitions no node uses when asked', () => {
    const doc: GraphDoc = {
      format: 'akid.graph/v1',
      name: 'x',
      blocks: {
        Used: {
          nodes: [
            { id: 'i', type: 'Input' },
            { id: 'n', type: 'Inner' },
          ],
        },
        Inner: { nodes: [] },
        Unused: { nodes: [] },
      },
      nodes: [{ id: 'u', type: 'Used' }],
      edges: [],
    };
    expect(Object.keys(flowToDoc(docToFlow(doc), { pruneBlocks: true }).blocks!).sort()).toEqual(['Inner', 'Used']);
  });
});
