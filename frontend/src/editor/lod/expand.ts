// Expand a composite in place: a view of its inner blocks inside a frame at the composite's spot.
//
// Why: big models are built from composites (a residual unit, a transformer block), and graphs of
// thousands of blocks stay drawable because each composite is one node. Graph viewers for big
// models (Model Explorer, Netron) keep the hierarchy collapsed and let a person open one group
// where it stands. Opening a composite for *editing* (double-click) swaps the whole canvas for
// its definition; expanding only *shows* the inside, next to its neighbours.
//
// What it is: view state, never document state. The set of expanded node ids lives here, not in
// the editor store, so the graph JSON, rev, undo history and draft do not change by viewing.
// Every graph starts with all composites collapsed (whatever its size) and a new graph, an opened
// or left composite, or an undo back to another graph collapses them again.
// - The composite's own node stays the React Flow node (same id): it is dragged, selected and
//   wired as before; it draws a frame sized to the inner layout (lod/ExpandedFrame) whose ports
//   sit at the height of the matching inner Input/Output blocks.
// - Inner blocks are extra display-only nodes with ids `<node>::<inner>` (node ids never contain
//   ':'): not draggable, selectable, connectable or deletable; their positions are absolute (the
//   frame's position + the layout's offset), so culling and the edge canvas need no parent/child
//   handling, and a drag of the frame moves them (new objects only for them). The inner wiring
//   is drawn by the frame itself (one SVG under the inner blocks): React Flow draws all edges in
//   one layer below all nodes, where the frame would hide them.
// - Neighbours are overlaid, not pushed: the frame and its blocks draw above other blocks
//   (zIndex), so expanding never moves a saved position; collapsing restores the view exactly.
import type { NodeChange, XYPosition } from '@xyflow/react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { BlockNodeT, GraphEdgeT } from '../../graph/model';
import { indexOf } from '../../store/dragPositions';
import type { BlockDoc } from '../../types';

export const INNER_SEP = '::';
const NODE_W = 184;
const NODE_H = 80;
const COL = 250;
const ROW = 110;
export const FRAME_PAD = 24;
export const FRAME_HEAD = 30;
/** Above neighbours (0) and a selected neighbour (1000, React Flow's elevation on select). */
const FRAME_Z = 1;
const INNER_Z = 2000;

type Size = { width: number; height: number };
interface ExpandState {
  /** Ids of the composite nodes shown expanded. */
  open: ReadonlySet<string>;
  /** Measured sizes of inner blocks (React Flow reports them as node changes). */
  measured: ReadonlyMap<string, Size>;
}

export const expandStore = createStore<ExpandState>()(() => ({ open: new Set(), measured: new Map() }));

export function setExpanded(id: string, on: boolean): void {
  const s = expandStore.getState();
  if (s.open.has(id) === on) return;
  const open = new Set(s.open);
  if (on) open.add(id);
  else open.delete(id);
  expandStore.setState({ open });
}

export function collapseAll(): void {
  if (expandStore.getState().open.size) expandStore.setState({ open: new Set() });
}

/** Whether node `id` is shown expanded (one boolean per node: only toggled nodes re-render). */
export const useExpanded = (id: string): boolean => useStore(expandStore, (s) => s.open.has(id));

export const isInnerId = (id: string): boolean => id.includes(INNER_SEP);

/**
 * Take the changes React Flow reports for inner blocks (their measured sizes) out of `changes`:
 * they are view state and must never reach the editor store.
 */
export function takeInnerChanges<T extends NodeChange<BlockNodeT>>(changes: T[]): T[] {
  if (!expandStore.getState().open.size) return changes;
  const rest: T[] = [];
  let measured: Map<string, Size> | null = null;
  for (const c of changes) {
    if (!('id' in c) || !isInnerId(c.id)) {
      rest.push(c);
      continue;
    }
    if (c.type === 'dimensions' && c.dimensions) {
      measured ??= new Map(expandStore.getState().measured);
      measured.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
    }
  }
  if (measured) expandStore.setState({ measured });
  return rest;
}

export interface InnerBlock {
  id: string;
  type: string;
  params: Record<string, unknown>;
  label?: string;
  /** Offset from the frame's top-left corner. */
  x: number;
  y: number;
}
export interface InnerLayout extends Size {
  blocks: InnerBlock[];
  edges: NonNullable<BlockDoc['edges']>;
}

/** Column per longest-path depth (feedback edges ignored), a row per block in that column. */
function layered(def: BlockDoc): Map<string, XYPosition> {
  const nodes = def.nodes ?? [];
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  const edges = (def.edges ?? []).filter((e) => !e.feedback);
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      const d = (depth.get(e.source) ?? 0) + 1;
      if (depth.has(e.target) && d > (depth.get(e.target) ?? 0)) {
        depth.set(e.target, d);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, number>();
  const out = new Map<string, XYPosition>();
  for (const n of nodes) {
    const d = depth.get(n.id) ?? 0;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    out.set(n.id, { x: d * COL, y: r * ROW });
  }
  return out;
}

const layoutCache = new WeakMap<BlockDoc, InnerLayout>();
/** Where the inner blocks of `def` sit inside its frame: saved positions, else a layered layout. */
export function innerLayout(def: BlockDoc): InnerLayout {
  let lay = layoutCache.get(def);
  if (lay) return lay;
  const nodes = def.nodes ?? [];
  const auto = nodes.every((n) => n.position) ? null : layered(def);
  const at = (n: (typeof nodes)[number]) => auto?.get(n.id) ?? (n.position as XYPosition);
  const xs = nodes.map((n) => at(n).x);
  const ys = nodes.map((n) => at(n).y);
  const x0 = nodes.length ? Math.min(...xs) : 0;
  const y0 = nodes.length ? Math.min(...ys) : 0;
  const blocks = nodes.map((n) => ({
    id: n.id,
    type: n.type,
    params: n.params ?? {},
    ...(n.label !== undefined ? { label: n.label } : {}),
    x: at(n).x - x0 + FRAME_PAD,
    y: at(n).y - y0 + FRAME_HEAD + FRAME_PAD,
  }));
  const width = Math.max(NODE_W + 2 * FRAME_PAD, ...blocks.map((b) => b.x + NODE_W + FRAME_PAD));
  const height = Math.max(NODE_H + FRAME_HEAD + 2 * FRAME_PAD, ...blocks.map((b) => b.y + NODE_H + FRAME_PAD));
  lay = { width, height, blocks, edges: def.edges ?? [] };
  layoutCache.set(def, lay);
  return lay;
}

const frameCache = new WeakMap<BlockNodeT, BlockNodeT>();
const innerCache = new Map<
  string,
  { key: string; lay: InnerLayout; measured: ExpandState['measured']; nodes: BlockNodeT[] }
>();

/** The inner blocks of expanded node `n`, reused while its position, layout and sizes hold. */
function innerOf(n: BlockNodeT, lay: InnerLayout, measured: ExpandState['measured']) {
  const key = `${n.id}@${n.position.x},${n.position.y}`;
  const hit = innerCache.get(n.id);
  if (hit && hit.key === key && hit.lay === lay && hit.measured === measured) return hit;
  const pre = `${n.id}${INNER_SEP}`;
  const nodes: BlockNodeT[] = lay.blocks.map((b) => {
    const id = pre + b.id;
    const m = measured.get(id);
    return {
      id,
      type: 'block',
      position: { x: n.position.x + b.x, y: n.position.y + b.y },
      data: { type: b.type, params: b.params, placed: true, inner: true, ...(b.label ? { label: b.label } : {}) },
      draggable: false,
      selectable: false,
      connectable: false,
      deletable: false,
      focusable: false,
      zIndex: INNER_Z,
      ...(m ? { measured: m } : {}),
    };
  });
  const entry = { key, lay, measured, nodes };
  innerCache.set(n.id, entry);
  return entry;
}

/**
 * The elements React Flow draws: `nodes`/`edges` as they are when nothing is expanded; else each
 * expanded composite raised above its neighbours plus its inner blocks. O(expanded
 * inner blocks) besides one array copy; element objects are reused while nothing moved.
 */
export function expandedView(
  nodes: BlockNodeT[],
  edges: GraphEdgeT[],
  open: ReadonlySet<string>,
  defOf: (type: string) => BlockDoc | undefined,
  measured: ExpandState['measured'],
): { nodes: BlockNodeT[]; edges: GraphEdgeT[] } {
  if (!open.size) return { nodes, edges };
  const idx = indexOf(nodes);
  const outN = nodes.slice();
  const extraN: BlockNodeT[] = [];
  for (const id of open) {
    const i = idx.get(id);
    if (i === undefined) continue;
    const n = nodes[i];
    const def = defOf(n.data.type);
    if (!def) continue;
    let frame = frameCache.get(n);
    if (!frame) frameCache.set(n, (frame = { ...n, zIndex: FRAME_Z }));
    outN[i] = frame;
    extraN.push(...innerOf(n, innerLayout(def), measured).nodes);
  }
  return { nodes: extraN.length ? [...outN, ...extraN] : outN, edges };
}

const PORT_TOP = 14;
const PORT_GAP = 20;
/** How far a skipping wire's control points lie below its ends (it passes ~3/4 of it: under an 80 px block). */
const SKIP_DIP = 110;
export interface Wire {
  id: string;
  d: string;
  feedback: boolean;
}
/**
 * The inner edges as paths in the frame's coordinates: from the source block's right side to the
 * target's left side, at the port rows BlockNode uses (`portsOf` gives each block's port order).
 */
export function innerWires(
  lay: InnerLayout,
  portsOf: (b: InnerBlock) => { inputs: { name: string }[]; outputs: { name: string }[] },
): Wire[] {
  const byId = new Map(lay.blocks.map((b) => [b.id, b]));
  const row = (names: { name: string }[], name: string) =>
    Math.max(
      0,
      names.findIndex((p) => p.name === name),
    );
  const out: Wire[] = [];
  lay.edges.forEach((e, i) => {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) return;
    const x1 = s.x + NODE_W;
    const y1 = s.y + PORT_TOP + row(portsOf(s).outputs, e.source_port ?? 'out') * PORT_GAP;
    const x2 = t.x;
    const y2 = t.y + PORT_TOP + row(portsOf(t).inputs, e.target_port ?? 'in') * PORT_GAP;
    // A wire that skips a column (a residual's shortcut) dips under the blocks it passes.
    const skips = x2 - x1 > COL;
    const dx = skips ? 40 : Math.max(40, Math.abs(x2 - x1) / 2);
    const dip = skips ? SKIP_DIP : 0;
    out.push({
      id: e.id ?? `e${i}`,
      d: `M${x1},${y1} C${x1 + dx},${y1 + dip} ${x2 - dx},${y2 + dip} ${x2},${y2}`,
      feedback: !!e.feedback,
    });
  });
  return out;
}
