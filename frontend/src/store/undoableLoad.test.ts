import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../types';
import { createEditorStore } from './editorStore';

const doc = (name: string, ids: string[]): GraphDoc => ({
  format: 'akid.graph/v1' as const,
  name,
  nodes: ids.map((id, i) => ({ id, type: 'Dense', params: { units: 4 }, position: { x: i * 200, y: 0 } })),
  edges: [],
});

describe('replacing the graph is undoable', () => {
  it('brings back a modified saved graph, as that saved graph and still modified', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().loadDoc(doc('mine', ['a']), { savedId: 7, savedVersion: 2 });
    s().setParam('a', 'units', 9); // unsaved change
    s().loadDoc(doc('template', ['t1', 't2']), { savedId: null, savedVersion: null });
    expect(s().nodes.map((n) => n.id)).toEqual(['t1', 't2']);
    expect(s().history.past.length).toBeGreaterThan(0);
    s().undo();
    expect(s().meta.name).toBe('mine');
    expect(s().nodes[0].data.params.units).toBe(9);
    expect(s().savedId).toBe(7);
    expect(s().savedVersion).toBe(2);
    expect(s().rev).not.toBe(s().savedRev); // still unsaved
    s().redo();
    expect(s().meta.name).toBe('template');
    expect(s().savedId).toBeNull();
  });

  it('an empty canvas leaves no undo step', () => {
    const store = createEditorStore();
    store.getState().loadDoc(doc('x', ['a']));
    expect(store.getState().history.past).toHaveLength(0);
  });
});
