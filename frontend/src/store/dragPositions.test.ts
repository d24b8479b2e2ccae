import type { NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { BlockNodeT } from '../graph/model';
import type { GraphDoc } from '../types';
import { withDragPositions } from './dragPositions';
import { createEditorStore } from './editorStore';

const doc = (ids: string[]): GraphDoc => ({
  format: 'akid.graph/v1' as const,
  name: 'g',
  nodes: ids.map((id, i) => ({ id, type: 'Dense', params: { units: 4 }, position: { x: i * 200, y: 0 } })),
  edges: [],
});
const move = (id: string, x: number, y: number, dragging: boolean): NodeChange<BlockNodeT> => ({
  id,
  type: 'position',
  position: { x, y },
  dragging,
});

describe('drag moves touch only the dragged nodes', () => {
  it('keeps `nodes` and rev untouched while dragging and notifies no editor-store subscriber', () => {
    const store = createEditorStore({ doc: doc(['a', 'b', 'c']) });
    const before = store.getState();
    let woken = 0;
    store.subscribe(() => woken++);
    store.getState().onNodesChange([move('a', 5, 6, true), move('b', 205, 6, true)]);
    store.getState().onNodesChange([move('a', 9, 9, true), move('b', 209, 9, true)]);
    expect(woken).toBe(0);
    expect(store.getState().nodes).toBe(before.nodes);
    expect(store.getState().rev).toBe(before.rev);
    expect([...store.drag.getState().pos.keys()]).toEqual(['a', 'b']);
    expect(store.drag.getState().pos.get('a')).toEqual({ x: 9, y: 9 });
  });

  it('draws the dragged nodes at their drag positions with new objects only for them', () => {
    const store = createEditorStore({ doc: doc(['a', 'b', 'c']) });
    store.getState().onNodesChange([move('b', 50, 60, true)]);
    const base = store.getState().nodes;
    const drawn = withDragPositions(base, store.drag.getState().pos);
    expect(drawn[1].position).toEqual({ x: 50, y: 60 });
    expect(drawn[0]).toBe(base[0]);
    expect(drawn[2]).toBe(base[2]);
    expect(withDragPositions(base, new Map())).toBe(base);
  });

  it('commits on the drag end in one edit that undo takes back', () => {
    const store = createEditorStore({ doc: doc(['a', 'b']) });
    const s = () => store.getState();
    const rev0 = s().rev;
    s().checkpoint(); // what the Canvas does on drag start
    s().onNodesChange([move('a', 10, 10, true), move('b', 210, 10, true)]);
    s().onNodesChange([move('a', 20, 30, true), move('b', 220, 30, true)]);
    s().onNodesChange([move('a', 25, 35, false), move('b', 225, 35, false)]);
    expect(store.drag.getState().pos.size).toBe(0);
    expect(s().nodes.map((n) => n.position)).toEqual([
      { x: 25, y: 35 },
      { x: 225, y: 35 },
    ]);
    expect(s().rev).toBe(rev0 + 1); // the draft mirror and validation see one change
    s().undo();
    expect(s().nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 0 },
      { x: 200, y: 0 },
    ]);
  });

  it('endDrag commits positions whose final change never came, and a load drops a drag', () => {
    const store = createEditorStore({ doc: doc(['a', 'b']) });
    const s = () => store.getState();
    s().onNodesChange([move('b', 7, 8, true)]);
    s().endDrag();
    expect(s().nodes[1].position).toEqual({ x: 7, y: 8 });
    expect(store.drag.getState().pos.size).toBe(0);
    s().onNodesChange([move('a', 1, 1, true)]);
    s().loadDoc(doc(['a']));
    expect(store.drag.getState().pos.size).toBe(0);
    expect(s().nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it('a drag end that names only some nodes still commits the others', () => {
    const store = createEditorStore({ doc: doc(['a', 'b']) });
    const s = () => store.getState();
    s().onNodesChange([move('a', 3, 3, true), move('b', 4, 4, true)]);
    s().onNodesChange([move('a', 5, 5, false)]);
    expect(s().nodes.map((n) => n.position)).toEqual([
      { x: 5, y: 5 },
      { x: 4, y: 4 },
    ]);
  });
});
