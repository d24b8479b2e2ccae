import type { NodeChange } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BlockNodeT } from '../../graph/model';
import { createEditorStore } from '../../store/editorStore';
import type { BlockDoc, GraphDoc } from '../../types';
import {
  collapseAll,
  expandedView,
  expandStore,
  FRAME_HEAD,
  FRAME_PAD,
  innerLayout,
  innerWires,
  setExpanded,
  takeInnerChanges,
} from './expand';

const unit: BlockDoc = {
  name: 'Unit',
  nodes: [
    { id: 'in', type: 'Input', params: { shape: [4] } },
    { id: 'd', type: 'Dense', params: { units: 4 } },
    { id: 'add', type: 'Add', params: {} },
    { id: 'out', type: 'Output', params: {} },
  ],
  edges: [
    { id: 'a', source: 'in', source_port: 'out', target: 'd', target_port: 'in' },
    { id: 'b', source: 'd', source_port: 'out', target: 'add', target_port: 'in' },
    { id: 'c', source: 'in', source_port: 'out', target: 'add', target_port: 'in' },
    { id: 'e', source: 'add', source_port: 'out', target: 'out', target_port: 'in' },
  ],
} as BlockDoc;
const doc: GraphDoc = {
  format: 'akid.graph/v1',
  name: 'g',
  blocks: { Unit: unit },
  nodes: [
    { id: 'x', type: 'Input', params: { shape: [4] }, position: { x: 0, y: 0 } },
    { id: 'u', type: 'Unit', params: {}, position: { x: 300, y: 100 } },
  ],
  edges: [{ id: 'e1', source: 'x', source_port: 'out', target: 'u', target_port: 'in' }],
};
const defOf = (t: string) => (t === 'Unit' ? unit : undefined);

afterEach(() => {
  collapseAll();
  expandStore.setState({ measured: new Map() });
});

describe('expand a composite in place', () => {
  it('lays out a definition without positions by depth, inside the frame padding', () => {
    const lay = innerLayout(unit);
    const at = Object.fromEntries(lay.blocks.map((b) => [b.id, [b.x, b.y]]));
    expect(at.in[0]).toBe(FRAME_PAD);
    expect(at.in[1]).toBe(FRAME_HEAD + FRAME_PAD);
    expect(at.d[0]).toBeGreaterThan(at.in[0]);
    expect(at.add[0]).toBeGreaterThan(at.d[0]); // longest path: in -> d -> add
    expect(at.out[0]).toBeGreaterThan(at.add[0]);
    expect(lay.width).toBeGreaterThan(at.out[0]);
    expect(innerLayout(unit)).toBe(lay); // cached per definition
  });

  it('adds display-only inner blocks at the composite spot and leaves the document alone', () => {
    const store = createEditorStore({ doc });
    const before = JSON.stringify(store.getState().toDoc());
    const rev = store.getState().rev;
    const { nodes, edges } = store.getState();
    expect(expandedView(nodes, edges, new Set(), defOf, new Map()).nodes).toBe(nodes);
    setExpanded('u', true);
    const measured = new Map();
    const v = expandedView(nodes, edges, expandStore.getState().open, defOf, measured);
    const inner = v.nodes.filter((n) => n.id.startsWith('u::'));
    expect(inner.map((n) => n.id)).toEqual(['u::in', 'u::d', 'u::add', 'u::out']);
    expect(inner.every((n) => n.draggable === false && n.selectable === false && n.connectable === false)).toBe(true);
    expect(inner[0].position).toEqual({ x: 300 + FRAME_PAD, y: 100 + FRAME_HEAD + FRAME_PAD });
    expect(v.edges).toBe(edges); // inner wiring is drawn by the frame
    const frame = v.nodes.find((n) => n.id === 'u')!;
    expect(frame.zIndex).toBeGreaterThan(0); // over its neighbours
    expect(frame.data).toBe(nodes[1].data);
    // the same inputs give the same objects (React Flow re-renders nothing)
    const again = expandedView(nodes, edges, expandStore.getState().open, defOf, measured);
    expect(again.nodes[again.nodes.length - 1]).toBe(inner[inner.length - 1]);
    expect(JSON.stringify(store.getState().toDoc())).toBe(before);
    expect(store.getState().rev).toBe(rev);
  });

  it('moves the inner blocks with a dragged frame', () => {
    const store = createEditorStore({ doc });
    setExpanded('u', true);
    const open = expandStore.getState().open;
    const nodes = store.getState().nodes.map((n) => (n.id === 'u' ? { ...n, position: { x: 400, y: 150 } } : n));
    const v = expandedView(nodes, store.getState().edges, open, defOf, new Map());
    expect(v.nodes.find((n) => n.id === 'u::in')!.position).toEqual({
      x: 400 + FRAME_PAD,
      y: 150 + FRAME_HEAD + FRAME_PAD,
    });
  });

  it('keeps inner blocks measurements out of the editor store', () => {
    setExpanded('u', true);
    const changes = [
      { id: 'u::d', type: 'dimensions', dimensions: { width: 184, height: 70 } },
      { id: 'u', type: 'dimensions', dimensions: { width: 500, height: 200 } },
    ] as NodeChange<BlockNodeT>[];
    const rest = takeInnerChanges(changes);
    expect(rest.map((c) => (c as { id: string }).id)).toEqual(['u']);
    expect(expandStore.getState().measured.get('u::d')).toEqual({ width: 184, height: 70 });
  });

  it('draws a shortcut wire under the blocks it skips', () => {
    const lay = innerLayout(unit);
    const ports = () => ({ inputs: [{ name: 'in' }], outputs: [{ name: 'out' }] });
    const wires = Object.fromEntries(innerWires(lay, ports).map((w) => [w.id, w.d]));
    expect(Object.keys(wires)).toEqual(['a', 'b', 'c', 'e']);
    const ys = (d: string) =>
      d
        .match(/-?\d+(\.\d+)?/g)!
        .map(Number)
        .filter((_, i) => i % 2 === 1);
    const [y0, c1, c2] = ys(wires.c);
    expect(c1).toBeGreaterThan(y0 + 80); // the shortcut in -> add dips below d
    expect(c2).toBeGreaterThan(y0 + 80);
    const [b0, b1] = ys(wires.a);
    expect(b1).toBe(b0); // a neighbour wire stays level
  });
});
