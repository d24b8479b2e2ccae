import { describe, expect, it } from 'vitest';
import { groupSelection } from '../src/graph/composite';
import { checkConnection, reaches } from '../src/graph/connect';
import { docToFlow } from '../src/graph/convert';
import { compositePorts } from '../src/graph/ports';
import type { GraphDoc } from '../src/types';

const doc: GraphDoc = {
  format: 'akid.graph/v1',
  name: 't',
  nodes: [
    { id: 'x', type: 'Input', position: { x: 0, y: 0 } },
    { id: 'a', type: 'Dense', position: { x: 100, y: 0 } },
    { id: 'b', type: 'ReLU', position: { x: 200, y: 0 } },
    { id: 'c', type: 'Dense', position: { x: 300, y: 0 } },
    { id: 'm', type: 'Add', position: { x: 400, y: 0 } },
    { id: 'y', type: 'Output', position: { x: 500, y: 0 } },
    { id: 'z', type: 'Output', position: { x: 500, y: 100 } },
  ],
  edges: [
    { id: 'e1', source: 'x', target: 'a' },
    { id: 'e2', source: 'a', target: 'b' },
    { id: 'e3', source: 'b', target: 'm' },
    { id: 'e4', source: 'x', target: 'c' },
    { id: 'e5', source: 'c', target: 'm' },
    { id: 'e6', source: 'm', target: 'y' },
    { id: 'e7', source: 'b', target: 'z' },
    { id: 'e8', source: 'm', target: 'a', feedback: true },
  ],
};

describe('group a selection into a composite', () => {
  const g = docToFlow(doc);

  it('one port per distinct value crossing the boundary, named by the inner Input/Output ids', () => {
    const r = groupSelection(g.nodes, g.edges, new Set(['a', 'b']), 'AB', 'ab1', { e1: [4], e8: [4] })!;
    const ports = compositePorts(r.def);
    // x.out and m.out (feedback) come in; b.out leaves (to m and z: one value, one port)
    expect(ports.inputs.map((p) => p.name)).toEqual(['in0', 'in1']);
    expect(ports.outputs.map((p) => p.name)).toEqual(['out']);
    expect(r.def.nodes.find((n) => n.id === 'in0')!.params).toMatchObject({ shape: [4] });
    const outer = r.edges.filter((e) => e.source === 'ab1' || e.target === 'ab1');
    expect(outer.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle, !!e.data?.feedback]).sort()).toEqual([
      ['ab1', 'out', 'm', 'in', false],
      ['ab1', 'out', 'z', 'in', false],
      ['m', 'out', 'ab1', 'in1', true],
      ['x', 'out', 'ab1', 'in0', false],
    ]);
    expect(r.nodes.map((n) => n.id).sort()).toEqual(['ab1', 'c', 'm', 'x', 'y', 'z']);
  });

  it("leaves the graph's own Input/Output nodes outside", () => {
    const r = groupSelection(g.nodes, g.edges, new Set(['x', 'a', 'y']), 'XA', 'xa1')!;
    expect(r.def.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output').map((n) => n.id)).toEqual(['a']);
    expect(r.nodes.some((n) => n.id === 'x') && r.nodes.some((n) => n.id === 'y')).toBe(true);
  });

  it('returns null when nothing groupable is selected', () => {
    expect(groupSelection(g.nodes, g.edges, new Set(['x']), 'N', 'n1')).toBeNull();
  });
});

describe('connection rules', () => {
  const ports = (id: string) =>
    id === 'm'
      ? { inputs: [{ name: 'in', multi: true }], outputs: [{ name: 'out', multi: false }] }
      : id === 'y'
        ? { inputs: [{ name: 'in', multi: false }], outputs: [] }
        : { inputs: [{ name: 'in', multi: false }], outputs: [{ name: 'out', multi: false }] };
  const edges = docToFlow(doc).edges;

  it('reaches follows forward edges only', () => {
    expect(reaches('x', 'y', edges)).toBe(true);
    expect(reaches('m', 'a', edges)).toBe(false); // only through the feedback edge
  });

  it('merge inputs accept more; a cycle becomes feedback', () => {
    expect(
      checkConnection({ source: 'y', target: 'm', sourceHandle: 'out', targetHandle: 'in' }, ports, edges),
    ).toMatchObject({ ok: false });
    expect(
      checkConnection({ source: 'z', target: 'm', sourceHandle: 'out', targetHandle: 'in' }, ports, edges),
    ).toMatchObject({ ok: true, feedback: false });
    expect(
      checkConnection({ source: 'm', target: 'm', sourceHandle: 'out', targetHandle: 'in' }, ports, edges),
    ).toMatchObject({ ok: false });
    const freeA = edges.filter((e) => e.target !== 'a'); // a -> b -> m remains
    expect(
      checkConnection({ source: 'm', target: 'a', sourceHandle: 'out', targetHandle: 'in' }, ports, freeA),
    ).toEqual({ ok: true, feedback: true });
    expect(checkConnection({ source: null, target: 'b' }, ports, edges)).toMatchObject({ ok: false });
  });
});
