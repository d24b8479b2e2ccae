import { describe, expect, it } from 'vitest';
import { specs } from '../../tests/helpers';
import { createEditorStore } from './editorStore';

describe('reconnect', () => {
  it('moves an edge end to another port as one undo step, keeping its id', () => {
    const store = createEditorStore({ specs });
    const s = () => store.getState();
    const x = s().addNode('Input', { x: 0, y: 0 });
    const a = s().addNode('Dense', { x: 300, y: 0 });
    const b = s().addNode('Dense', { x: 300, y: 300 });
    s().connect({ source: x, target: a, sourceHandle: 'out', targetHandle: 'in' });
    const id = s().edges[0].id;
    const v = s().reconnect(id, { source: x, target: b, sourceHandle: 'out', targetHandle: 'in' });
    expect(v.ok).toBe(true);
    expect(s().edges).toHaveLength(1);
    expect(s().edges[0]).toMatchObject({ id, source: x, target: b });
    s().undo();
    expect(s().edges[0]).toMatchObject({ id, source: x, target: a });
  });

  it('refuses a port that is taken', () => {
    const store = createEditorStore({ specs });
    const s = () => store.getState();
    const x = s().addNode('Input', { x: 0, y: 0 });
    const a = s().addNode('Dense', { x: 300, y: 0 });
    const b = s().addNode('Dense', { x: 300, y: 300 });
    s().connect({ source: x, target: a, sourceHandle: 'out', targetHandle: 'in' });
    s().connect({ source: a, target: b, sourceHandle: 'out', targetHandle: 'in' });
    const v = s().reconnect(s().edges[0].id, { source: x, target: b, sourceHandle: 'out', targetHandle: 'in' });
    expect(v.ok).toBe(false);
    expect(s().edges[0].target).toBe(a);
  });
});
