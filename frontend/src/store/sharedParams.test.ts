import { describe, expect, it } from 'vitest';
import { specs } from '../../tests/helpers';
import { createEditorStore } from './editorStore';

/** Three Dense nodes: enc (owner), enc_call2 sharing it, other unrelated. */
function sharedStore() {
  const store = createEditorStore({
    specs,
    doc: {
      format: 'akid.graph/v1',
      nodes: [
        { id: 'enc', type: 'Dense', params: { units: 4 } },
        { id: 'enc_call2', type: 'Dense', params: { units: 4 }, shares: 'enc' },
        { id: 'enc_call3', type: 'Dense', params: { units: 4 }, shares: 'enc' },
        { id: 'other', type: 'Dense', params: { units: 4 } },
      ],
      edges: [],
    },
  });
  const s = () => store.getState();
  const node = (id: string) => s().nodes.find((n) => n.id === id);
  return { s, node };
}

describe('shared layers in the store', () => {
  it("editing the owner's params changes every node sharing it, in one undo step", () => {
    const { s, node } = sharedStore();
    s().setParam('enc', 'units', 8);
    expect(node('enc')?.data.params.units).toBe(8);
    expect(node('enc_call2')?.data.params.units).toBe(8);
    expect(node('enc_call3')?.data.params.units).toBe(8);
    expect(node('other')?.data.params.units).toBe(4);
    s().undo();
    expect(['enc', 'enc_call2', 'enc_call3'].map((id) => node(id)?.data.params.units)).toEqual([4, 4, 4]);
  });

  it("editing a sharer's params changes the owner and the other sharers too", () => {
    const { s, node } = sharedStore();
    s().setParam('enc_call3', 'activation', 'relu');
    expect(['enc', 'enc_call2', 'enc_call3', 'other'].map((id) => node(id)?.data.params.activation)).toEqual([
      'relu',
      'relu',
      'relu',
      undefined,
    ]);
  });

  it("deleting an owner clears its sharers' links in the same undo step, and says so", () => {
    const { s, node } = sharedStore();
    s().onNodesChange([{ id: 'enc', type: 'select', selected: true }]);
    s().deleteSelection();
    expect(node('enc')).toBeUndefined();
    expect(node('enc_call2')?.data.shares).toBeUndefined();
    expect(node('enc_call3')?.data.shares).toBeUndefined();
    expect(s().notice?.text).toMatch(/enc_call2, enc_call3 no longer share enc/);
    s().undo();
    expect(node('enc')).toBeDefined();
    expect(node('enc_call2')?.data.shares).toBe('enc');
    expect(node('enc_call3')?.data.shares).toBe('enc');
  });

  it('deleting an owner together with its sharers leaves no toast', () => {
    const { s, node } = sharedStore();
    s().selectAll();
    s().onNodesChange([{ id: 'other', type: 'select', selected: false }]);
    const before = s().notice;
    s().deleteSelection();
    expect(s().nodes.map((n) => n.id)).toEqual(['other']);
    expect(node('other')?.data.shares).toBeUndefined();
    expect(s().notice).toBe(before);
  });
});

describe('copying shared layers', () => {
  it('an owner pasted with its sharer: the copy shares the copied owner; a sharer alone keeps its owner', () => {
    const { s, node } = sharedStore();
    s().onNodesChange([
      { id: 'enc', type: 'select', selected: true },
      { id: 'enc_call2', type: 'select', selected: true },
    ]);
    s().copySelection();
    s().paste();
    const copies = s().nodes.filter((n) => n.selected);
    expect(copies).toHaveLength(2);
    const [owner, sharer] = copies;
    expect(owner.data.shares).toBeUndefined();
    expect(sharer.data.shares).toBe(owner.id);

    s().onNodesChange(s().nodes.map((n) => ({ id: n.id, type: 'select' as const, selected: n.id === 'enc_call3' })));
    s().copySelection();
    s().paste();
    const [alone] = s().nodes.filter((n) => n.selected);
    expect(alone.data.shares).toBe('enc');
    expect(node('enc')).toBeDefined();
  });
});
