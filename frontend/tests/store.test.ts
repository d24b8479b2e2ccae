import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../src/store/editorStore';
import { specs } from './helpers';

function chain() {
  const store = createEditorStore({ specs });
  const s = () => store.getState();
  const x = s().addNode('Input', { x: 0, y: 0 });
  const c = s().addNode('Conv2D', { x: 200, y: 0 });
  const r = s().addNode('ReLU', { x: 400, y: 0 });
  const f = s().addNode('Flatten', { x: 600, y: 0 });
  const d = s().addNode('Dense', { x: 800, y: 0 });
  const y = s().addNode('Output', { x: 1000, y: 0 });
  const ids = [x, c, r, f, d, y];
  for (let i = 0; i + 1 < ids.length; i++) {
    const v = s().connect({ source: ids[i], target: ids[i + 1], sourceHandle: 'out', targetHandle: 'in' });
    expect(v.ok).toBe(true);
  }
  return { store, s, ids };
}

describe('editor store', () => {
  it('adds nodes with spec defaults and unique ids', () => {
    const { s, ids } = chain();
    expect(ids).toEqual(['input1', 'conv2d1', 'relu1', 'flatten1', 'dense1', 'output1']);
    expect(s().nodes.find((n) => n.id === 'conv2d1')!.data.params).toMatchObject({ filters: 16, kernel_size: 3 });
    const doc = s().toDoc();
    expect(doc.edges).toHaveLength(5);
    expect(doc.edges![0]).toEqual({
      id: 'e1',
      source: 'input1',
      source_port: 'out',
      target: 'conv2d1',
      target_port: 'in',
    });
  });

  it('refuses nonsense connections', () => {
    const { s } = chain();
    expect(s().canConnect({ source: 'relu1', target: 'relu1', sourceHandle: 'out', targetHandle: 'in' })).toMatchObject(
      { ok: false },
    );
    // output -> output: the target "port" is not an input of the target
    expect(
      s().canConnect({ source: 'relu1', target: 'dense1', sourceHandle: 'out', targetHandle: 'out' }),
    ).toMatchObject({ ok: false });
    // a second edge into a single input
    expect(
      s().canConnect({ source: 'input1', target: 'dense1', sourceHandle: 'out', targetHandle: 'in' }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/one input/) });
    // Output has no output port
    expect(
      s().canConnect({ source: 'output1', target: 'dense1', sourceHandle: 'out', targetHandle: 'in' }),
    ).toMatchObject({ ok: false });
    // duplicate
    expect(
      s().canConnect({ source: 'input1', target: 'conv2d1', sourceHandle: 'out', targetHandle: 'in' }),
    ).toMatchObject({ ok: false });
  });

  it('merge blocks take several inputs; Split has one output per part', () => {
    const { s } = chain();
    const add = s().addNode('Add', { x: 0, y: 300 });
    expect(s().connect({ source: 'relu1', target: add, sourceHandle: 'out', targetHandle: 'in' }).ok).toBe(true);
    expect(s().connect({ source: 'conv2d1', target: add, sourceHandle: 'out', targetHandle: 'in' }).ok).toBe(true);
    const sp = s().addNode('Split', { x: 0, y: 500 });
    expect(
      s()
        .portsOf(sp)!
        .outputs.map((p) => p.name),
    ).toEqual(['out0', 'out1']);
    s().setParam(sp, 'num', 4);
    expect(
      s()
        .portsOf(sp)!
        .outputs.map((p) => p.name),
    ).toEqual(['out0', 'out1', 'out2', 'out3']);
    expect(s().canConnect({ source: sp, target: 'output1', sourceHandle: 'out3', targetHandle: 'in' }).ok).toBe(false); // output1 taken
  });

  it('an edge that closes a cycle becomes a feedback edge', () => {
    const { s } = chain();
    const add = s().addNode('Add', { x: 0, y: 300 });
    s().connect({ source: 'conv2d1', target: add, sourceHandle: 'out', targetHandle: 'in' });
    const back = s().connect({ source: 'relu1', target: add, sourceHandle: 'out', targetHandle: 'in' });
    expect(back).toEqual({ ok: true, feedback: false });
    // add -> conv would be a cycle conv -> add -> conv? conv has one input already, so use a merge:
    const cat = s().addNode('Concat', { x: 0, y: 400 });
    s().connect({ source: add, target: cat, sourceHandle: 'out', targetHandle: 'in' });
    const v = s().connect({ source: cat, target: add, sourceHandle: 'out', targetHandle: 'in' });
    expect(v).toEqual({ ok: true, feedback: true });
    const e = s().toDoc().edges!.at(-1)!;
    expect(e.feedback).toBe(true);
    expect(s().toDoc().params?.time_steps).toBeGreaterThan(1);
  });

  it('undo/redo walks the history, and a new edit clears redo', () => {
    const { s } = chain();
    const before = s().toDoc();
    s().setParam('conv2d1', 'filters', 32);
    s().deleteSelection(); // output1 is selected (last added) -> removed with its edge
    expect(s().nodes).toHaveLength(5);
    s().undo();
    expect(s().nodes).toHaveLength(6);
    expect(s().nodes.find((n) => n.id === 'conv2d1')!.data.params.filters).toBe(32);
    s().undo();
    expect(s().toDoc()).toEqual(before);
    s().redo();
    expect(s().nodes.find((n) => n.id === 'conv2d1')!.data.params.filters).toBe(32);
    s().setParam('dense1', 'units', 3);
    expect(s().history.future).toHaveLength(0);
    // everything back to the empty graph
    while (s().history.past.length) s().undo();
    expect(s().nodes).toHaveLength(0);
  });

  it('typing into one field is one undo step', () => {
    const { s } = chain();
    const n = s().history.past.length;
    s().setParam('dense1', 'units', 1);
    s().setParam('dense1', 'units', 12);
    s().setParam('dense1', 'units', 128);
    expect(s().history.past.length).toBe(n + 1);
    s().undo();
    expect(s().nodes.find((x) => x.id === 'dense1')!.data.params.units).toBe(10);
  });

  it('copy/paste duplicates the selection with its inner edges and fresh ids', () => {
    const { s, store } = chain();
    store.setState({ nodes: s().nodes.map((n) => ({ ...n, selected: n.id === 'conv2d1' || n.id === 'relu1' })) });
    expect(s().copySelection()).toBe(2);
    s().paste();
    const doc = s().toDoc();
    expect(doc.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['conv2d2', 'relu2']));
    expect(doc.edges!.filter((e) => e.source === 'conv2d2' && e.target === 'relu2')).toHaveLength(1);
    expect(
      s()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id)
        .sort(),
    ).toEqual(['conv2d2', 'relu2']);
    s().undo();
    expect(s().nodes).toHaveLength(6);
  });

  it('groups a selection into a composite whose ports are inner Input/Output ids', () => {
    const { s, store } = chain();
    store.setState({ nodes: s().nodes.map((n) => ({ ...n, selected: ['conv2d1', 'relu1'].includes(n.id) })) });
    s().setReport({
      ok: true,
      errorCount: 0,
      nodeIssues: {},
      paramIssues: {},
      graphIssues: [],
      edgeShapes: { e1: [8, 8, 1] },
      nodes: {},
      params: 0,
      flops: 0,
    });
    const def = s().groupSelection('ConvRelu')!;
    expect(def.nodes.map((n) => n.type).sort()).toEqual(['Conv2D', 'Input', 'Output', 'ReLU']);
    expect(def.nodes.find((n) => n.type === 'Input')!.params).toMatchObject({ shape: [8, 8, 1] });
    const doc = s().toDoc();
    expect(doc.blocks!.ConvRelu).toBe(def);
    const comp = doc.nodes.find((n) => n.type === 'ConvRelu')!;
    expect(doc.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'input1', target: comp.id, target_port: 'in' }),
        expect.objectContaining({ source: comp.id, source_port: 'out', target: 'flatten1' }),
      ]),
    );
    expect(s().portsOf(comp.id)).toEqual({
      inputs: [{ name: 'in', multi: false }],
      outputs: [{ name: 'out', multi: false }],
    });
    // edit inside, come back: the definition is updated, the outer graph restored
    expect(s().openComposite(comp.id)).toBe(true);
    expect(
      s()
        .nodes.map((n) => n.id)
        .sort(),
    ).toEqual(['conv2d1', 'in', 'out', 'relu1']);
    s().setParam('conv2d1', 'filters', 5);
    const closed = s().closeComposite()!;
    expect(closed.name).toBe('ConvRelu');
    expect(
      s()
        .toDoc()
        .blocks!.ConvRelu.nodes.find((n) => n.id === 'conv2d1')!.params!.filters,
    ).toBe(5);
    expect(s().nodes.some((n) => n.id === comp.id)).toBe(true);
    // grouping is one undo step
    s().undo();
    s().undo();
    expect(s().nodes.some((n) => n.id === 'conv2d1')).toBe(true);
  });

  it('bumps rev on model edits but not on selection', () => {
    const { s, store } = chain();
    const r = s().rev;
    s().onNodesChange([{ type: 'select', id: 'dense1', selected: true }]);
    expect(s().rev).toBe(r);
    s().setParam('dense1', 'units', 4);
    expect(s().rev).toBe(r + 1);
    void store;
  });
});
