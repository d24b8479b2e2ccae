// The editor store: a zustand store factory (one store per editor; tests make their own).
// Graph edits go through actions that record undo points; `rev` bumps on every model edit so
// live validation knows when to re-run.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import { createStore } from 'zustand/vanilla';
import { freeSpot, nodeRects } from '../editor/placement';
import { groupSelection } from '../graph/composite';
import { type Conn, checkConnection, type Verdict } from '../graph/connect';
import { docToFlow, flowToDoc } from '../graph/convert';
import { type BlockNodeT, emptyDoc, FORMAT, type GraphEdgeT, type GraphMeta } from '../graph/model';
import { type NodePorts, portsFor } from '../graph/ports';
import type { MappedReport } from '../graph/validation';
import type { BlockDoc, BlockSpec, GraphDoc } from '../types';
import { createDragStore, moveDragged, NO_DRAG } from './dragPositions';
import { emptyHistory, type History, push, redo, type Snapshot, undo } from './history';

export interface ScopeFrame {
  /** The composite type being edited and the parent graph to return to. */
  typeName: string;
  parent: Snapshot;
  history: History;
  savedId: string | number | null;
  savedVersion: number | null;
}

export interface EditorState {
  specs: Record<string, BlockSpec>;
  specList: BlockSpec[];
  /** Composite definitions known to the palette (GET /api/composites + made here). */
  library: Record<string, BlockDoc>;
  meta: GraphMeta;
  nodes: BlockNodeT[];
  edges: GraphEdgeT[];
  history: History;
  rev: number;
  report: MappedReport | null;
  validating: boolean;
  clipboard: { nodes: BlockNodeT[]; edges: GraphEdgeT[] } | null;
  savedId: string | number | null;
  savedVersion: number | null;
  savedRev: number;
  scope: ScopeFrame[];
  /** Bumped when nodes without positions arrive (the canvas then lays them out). */
  layoutRequest: number;
  /** Bumped when a whole graph is loaded or a composite is entered/left (the canvas fits it). */
  fitRequest: number;
  /** false from a load until the canvas has laid out and fitted it. */
  viewSettled: boolean;
  notice: { text: string; kind: 'info' | 'error'; at: number } | null;

  setSpecs(list: BlockSpec[]): void;
  setLibrary(defs: Record<string, BlockDoc>): void;
  /** Replace the graph. Unless `keepHistory`, the replaced graph (when it had blocks) stays one
   *  undo step away, with its saved id and unsaved state: nothing is lost by New/Open/Import. */
  loadDoc(
    doc: GraphDoc,
    opts?: { savedId?: string | number | null; savedVersion?: number | null; keepHistory?: boolean },
  ): void;
  toDoc(): GraphDoc;
  portsOf(id: string): NodePorts | undefined;
  checkpoint(key?: string | null): void;
  /** Drag moves go to the store's `drag` positions (O(dragged)); the drag's end commits them. */
  onNodesChange(changes: NodeChange<BlockNodeT>[]): void;
  /** Commit pending drag positions, if a drag ended without its final position change. */
  endDrag(): void;
  onEdgesChange(changes: EdgeChange<GraphEdgeT>[]): void;
  canConnect(c: Conn): Verdict;
  connect(c: Conn): Verdict;
  /** Move an edge's end to another port (React Flow's reconnect): one undo step. */
  reconnect(edgeId: string, c: Conn): Verdict;
  addNode(type: string, position: XYPosition, params?: Record<string, unknown>): string;
  setParam(id: string, key: string, value: unknown): void;
  setLabel(id: string, label: string): void;
  setEdgeFeedback(id: string, feedback: boolean): void;
  setMeta(patch: Partial<GraphMeta>): void;
  deleteSelection(): void;
  copySelection(): number;
  paste(offset?: XYPosition): void;
  selectAll(): void;
  undo(): void;
  redo(): void;
  setPositions(pos: Record<string, XYPosition>, record?: boolean): void;
  groupSelection(name: string): BlockDoc | null;
  openComposite(nodeId: string): boolean;
  closeComposite(): { name: string; def: BlockDoc } | null;
  setReport(r: MappedReport | null): void;
  setValidating(v: boolean): void;
  markSaved(id: string | number, version: number | null): void;
  notify(text: string, kind?: 'info' | 'error'): void;
}

/** The ids whose params are one with node `id`'s: itself, its owner (`shares`) and every node
 *  sharing that owner's layer; same type only, so a link the validator refuses does not spread. */
export function shareGroup(nodes: readonly BlockNodeT[], id: string): Set<string> {
  const me = nodes.find((m) => m.id === id);
  const group = new Set([id]);
  if (!me) return group;
  const owner = me.data.shares ?? id;
  for (const n of nodes)
    if (n.data.type === me.data.type && (n.id === owner || n.data.shares === owner)) group.add(n.id);
  return group;
}

function unshare(n: BlockNodeT): BlockNodeT {
  const data = { ...n.data };
  delete data.shares;
  return { ...n, data };
}

export function nextId(prefix: string, taken: Set<string>): string {
  const base = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '') || 'n';
  for (let i = 1; ; i++) {
    const id = `${base}${i}`;
    if (!taken.has(id)) return id;
  }
}

export function createEditorStore(init?: { specs?: BlockSpec[]; doc?: GraphDoc }) {
  const drag = createDragStore();
  const store = createStore<EditorState>()((set, get) => {
    const snap = (): Snapshot => {
      const s = get();
      return {
        meta: s.meta,
        nodes: s.nodes,
        edges: s.edges,
        saved: { id: s.savedId, version: s.savedVersion, dirty: s.rev !== s.savedRev },
      };
    };
    /** Apply a model edit: record an undo point first, bump rev. */
    const edit = (fn: (s: EditorState) => Partial<EditorState>, key: string | null = null) => {
      const s = get();
      const patch = fn(s);
      set({ ...patch, history: push(s.history, snap(), key), rev: s.rev + 1 });
    };
    const restore = (h: History, sn: Snapshot) => {
      const s = get();
      const rev = s.rev + 1;
      const other = sn.saved && (sn.saved.id !== s.savedId || sn.saved.version !== s.savedVersion);
      // Back to another graph (the undo of a New/Open/Import): it is that graph again, saved or not.
      const saved = other
        ? { savedId: sn.saved!.id, savedVersion: sn.saved!.version, savedRev: sn.saved!.dirty ? -1 : rev }
        : {};
      drag.setState({ pos: NO_DRAG });
      set({
        history: h,
        meta: sn.meta,
        nodes: sn.nodes,
        edges: sn.edges,
        rev,
        ...saved,
        ...(other ? { fitRequest: s.fitRequest + 1, report: null } : {}),
      });
    };
    const blocksOf = (s: EditorState) => ({ ...s.library, ...(s.meta.blocks ?? {}) });

    return {
      specs: {},
      specList: [],
      library: {},
      meta: { name: 'untitled' },
      nodes: [],
      edges: [],
      history: emptyHistory(),
      rev: 0,
      report: null,
      validating: false,
      clipboard: null,
      savedId: null,
      savedVersion: null,
      savedRev: 0,
      scope: [],
      layoutRequest: 0,
      fitRequest: 0,
      viewSettled: true,
      notice: null,

      setSpecs(list) {
        set({ specList: list, specs: Object.fromEntries(list.map((b) => [b.type, b])) });
      },
      setLibrary(defs) {
        set({ library: defs });
      },
      loadDoc(doc, opts = {}) {
        const g = docToFlow(doc);
        const s = get();
        const unplaced = g.nodes.some((n) => !n.data.placed);
        drag.setState({ pos: NO_DRAG });
        set({
          meta: g.meta,
          nodes: g.nodes,
          edges: g.edges,
          history:
            opts.keepHistory || (s.nodes.length > 0 && !s.scope.length) ? push(s.history, snap()) : emptyHistory(),
          rev: s.rev + 1,
          report: null,
          savedId: opts.savedId === undefined ? (opts.keepHistory ? s.savedId : null) : opts.savedId,
          savedVersion:
            opts.savedVersion === undefined ? (opts.keepHistory ? s.savedVersion : null) : opts.savedVersion,
          savedRev: opts.keepHistory ? s.savedRev : s.rev + 1,
          scope: opts.keepHistory ? s.scope : [],
          layoutRequest: unplaced ? s.layoutRequest + 1 : s.layoutRequest,
          fitRequest: opts.keepHistory ? s.fitRequest : s.fitRequest + 1,
          viewSettled: opts.keepHistory && !unplaced,
        });
      },
      toDoc() {
        const s = get();
        return flowToDoc({ meta: s.meta, nodes: s.nodes, edges: s.edges }, { pruneBlocks: true });
      },
      portsOf(id) {
        const s = get();
        const n = s.nodes.find((x) => x.id === id);
        if (!n) return undefined;
        return portsFor(n.data.type, n.data.params, s.specs[n.data.type], blocksOf(s));
      },
      checkpoint(key = null) {
        const s = get();
        set({ history: push(s.history, snap(), key) });
      },
      onNodesChange(all) {
        const moves: { id: string; position: XYPosition }[] = [];
        const changes: NodeChange<BlockNodeT>[] = [];
        for (const c of all) {
          if (c.type === 'position' && c.dragging && c.position) moves.push({ id: c.id, position: c.position });
          else changes.push(c);
        }
        moveDragged(drag, moves); // `nodes` untouched until the drag ends
        if (!changes.length) return;
        // Any other position change (the drag's end, arrow keys) commits pending drag positions too.
        const pending = changes.some((c) => c.type === 'position') ? drag.getState().pos : NO_DRAG;
        if (pending.size) {
          const given = new Set(changes.filter((c) => c.type === 'position').map((c) => (c as { id: string }).id));
          for (const [id, position] of pending)
            if (!given.has(id)) changes.unshift({ id, type: 'position', position, dragging: false });
        }
        const s = get();
        let moved = false;
        for (const c of changes) if (c.type === 'position' && c.position) moved = true;
        let nodes = applyNodeChanges(changes, s.nodes);
        if (moved) {
          const ids = new Set(changes.filter((c) => c.type === 'position').map((c) => (c as { id: string }).id));
          nodes = nodes.map((n) => (ids.has(n.id) && !n.data.placed ? { ...n, data: { ...n.data, placed: true } } : n));
        }
        // A removal or the end of a drag changes the document (positions are saved): bump rev.
        const changed = changes.some(
          (c) => c.type === 'remove' || (c.type === 'position' && c.dragging === false && !!c.position),
        );
        set(changed ? { nodes, rev: s.rev + 1 } : { nodes });
        if (pending.size) drag.setState({ pos: NO_DRAG }); // after `nodes` has them: no frame without
      },
      endDrag() {
        const pending = drag.getState().pos;
        if (!pending.size) return;
        get().onNodesChange(
          [...pending].map(([id, position]) => ({ id, type: 'position', position, dragging: false })),
        );
      },
      onEdgesChange(changes) {
        const s = get();
        const removed = changes.some((c) => c.type === 'remove');
        set(
          removed
            ? { edges: applyEdgeChanges(changes, s.edges), rev: s.rev + 1 }
            : { edges: applyEdgeChanges(changes, s.edges) },
        );
      },
      canConnect(c) {
        return checkConnection(c, (id) => get().portsOf(id), get().edges);
      },
      connect(c) {
        const v = get().canConnect(c);
        if (!v.ok) return v;
        edit((s) => {
          const id = nextId('e', new Set(s.edges.map((e) => e.id)));
          const e: GraphEdgeT = {
            id,
            type: 'akid',
            source: c.source!,
            target: c.target!,
            sourceHandle: c.sourceHandle ?? 'out',
            targetHandle: c.targetHandle ?? 'in',
            data: { feedback: v.feedback },
          };
          const meta =
            v.feedback && !s.meta.params?.time_steps
              ? { ...s.meta, params: { ...s.meta.params, time_steps: 3 } }
              : s.meta;
          return { edges: [...s.edges, e], meta };
        });
        return v;
      },
      reconnect(edgeId, c) {
        const s = get();
        const old = s.edges.find((e) => e.id === edgeId);
        if (!old) return { ok: false, reason: 'unknown edge' };
        const others = s.edges.filter((e) => e.id !== edgeId);
        const v = checkConnection(c, (id) => get().portsOf(id), others);
        if (!v.ok) return v;
        edit((st) => ({
          edges: st.edges.map((e) =>
            e.id !== edgeId
              ? e
              : {
                  ...e,
                  source: c.source!,
                  target: c.target!,
                  sourceHandle: c.sourceHandle ?? 'out',
                  targetHandle: c.targetHandle ?? 'in',
                  data: { ...e.data, feedback: v.feedback },
                },
          ),
        }));
        return v;
      },
      addNode(type, position, params) {
        const s = get();
        const id = nextId(type, new Set(s.nodes.map((n) => n.id)));
        const spec = s.specs[type];
        const lib = s.library[type];
        const node: BlockNodeT = {
          // Never on top of another block: its handles must stay reachable.
          id,
          type: 'block',
          position: freeSpot(nodeRects(s.nodes), position),
          selected: true,
          data: { type, params: params ?? { ...(spec?.defaults ?? {}) }, placed: true },
        };
        edit((st) => {
          const meta =
            lib && !st.meta.blocks?.[type]
              ? { ...st.meta, blocks: { ...(st.meta.blocks ?? {}), [type]: lib } }
              : st.meta;
          return { nodes: [...st.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], meta };
        });
        return id;
      },
      setParam(id, key, value) {
        const group = shareGroup(get().nodes, id);
        edit(
          (s) => ({
            // A shared layer has its params once: the owner and every node sharing it change together.
            nodes: s.nodes.map((n) => {
              if (!group.has(n.id)) return n;
              const params = { ...n.data.params };
              if (value === undefined) delete params[key];
              else params[key] = value;
              return { ...n, data: { ...n.data, params } };
            }),
          }),
          `param:${id}:${key}`,
        );
      },
      setLabel(id, label) {
        edit(
          (s) => ({
            nodes: s.nodes.map((n) => {
              if (n.id !== id) return n;
              const data = { ...n.data };
              if (label) data.label = label;
              else delete data.label;
              return { ...n, data };
            }),
          }),
          `label:${id}`,
        );
      },
      setEdgeFeedback(id, feedback) {
        edit((s) => ({ edges: s.edges.map((e) => (e.id === id ? { ...e, data: { ...e.data, feedback } } : e)) }));
      },
      setMeta(patch) {
        edit((s) => ({ meta: { ...s.meta, ...patch } }), `meta:${Object.keys(patch).join(',')}`);
      },
      deleteSelection() {
        const s = get();
        const gone = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
        const edgesLeft = s.edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
        if (!gone.size && edgesLeft.length === s.edges.length) return;
        // Nodes that shared a deleted node's layer keep their own copy of it (same undo step).
        const orphans = s.nodes.filter((n) => !gone.has(n.id) && n.data.shares && gone.has(n.data.shares));
        edit((st) => ({
          nodes: st.nodes.filter((n) => !gone.has(n.id)).map((n) => (orphans.includes(n) ? unshare(n) : n)),
          edges: edgesLeft,
        }));
        if (orphans.length) {
          const owners = [...new Set(orphans.map((n) => n.data.shares))].join(', ');
          const who = orphans.map((n) => n.id).join(', ');
          get().notify(`${who} no longer share${orphans.length === 1 ? 's' : ''} ${owners} (deleted): own weights now`);
        }
      },
      copySelection() {
        const s = get();
        const nodes = s.nodes.filter((n) => n.selected);
        const ids = new Set(nodes.map((n) => n.id));
        const edges = s.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
        if (nodes.length) set({ clipboard: { nodes, edges } });
        return nodes.length;
      },
      paste(offset = { x: 40, y: 40 }) {
        const clip = get().clipboard;
        if (!clip?.nodes.length) return;
        let next: EditorState['clipboard'] = null;
        edit((s) => {
          const taken = new Set(s.nodes.map((n) => n.id));
          const etaken = new Set(s.edges.map((e) => e.id));
          const map = new Map<string, string>();
          for (const n of clip.nodes) {
            const id = nextId(n.data.type, taken);
            taken.add(id);
            map.set(n.id, id);
          }
          const nodes = clip.nodes.map((n) => {
            const data = { ...n.data, placed: true };
            // An owner copied with its sharers: the copies share the copied owner's layer.
            if (data.shares && map.has(data.shares)) data.shares = map.get(data.shares);
            return {
              ...n,
              id: map.get(n.id)!,
              selected: true,
              position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
              data,
            };
          });
          const edges = clip.edges.map((e) => {
            const id = nextId('e', etaken);
            etaken.add(id);
            return { ...e, id, selected: false, source: map.get(e.source)!, target: map.get(e.target)! };
          });
          next = { nodes, edges }; // pasting again offsets from the new copies
          return {
            nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes],
            edges: [...s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...edges],
          };
        });
        set({ clipboard: next });
      },
      selectAll() {
        const s = get();
        set({
          nodes: s.nodes.map((n) => (n.selected ? n : { ...n, selected: true })),
          edges: s.edges.map((e) => (e.selected ? e : { ...e, selected: true })),
        });
      },
      undo() {
        const r = undo(get().history, snap());
        if (r) restore(...r);
      },
      redo() {
        const r = redo(get().history, snap());
        if (r) restore(...r);
      },
      setPositions(pos, record = true) {
        const apply = (s: EditorState) => ({
          nodes: s.nodes.map((n) =>
            pos[n.id] ? { ...n, position: pos[n.id], data: n.data.placed ? n.data : { ...n.data, placed: true } } : n,
          ),
        });
        if (record) edit(apply);
        else set(apply(get()));
      },
      groupSelection(name) {
        const s = get();
        if (s.specs[name] || s.meta.blocks?.[name] || s.library[name]) {
          get().notify(`a block named ${name} already exists`, 'error');
          return null;
        }
        const selected = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
        const id = nextId(name, new Set(s.nodes.map((n) => n.id)));
        const g = groupSelection(s.nodes, s.edges, selected, name, id, s.report?.edgeShapes ?? {});
        if (!g) return null;
        edit((st) => ({
          nodes: g.nodes,
          edges: g.edges,
          meta: { ...st.meta, blocks: { ...(st.meta.blocks ?? {}), [name]: g.def } },
          library: { ...st.library, [name]: g.def },
        }));
        return g.def;
      },
      openComposite(nodeId) {
        const s = get();
        const n = s.nodes.find((x) => x.id === nodeId);
        const def = n && blocksOf(s)[n.data.type];
        if (!n || !def) return false;
        const frame: ScopeFrame = {
          typeName: n.data.type,
          parent: snap(),
          history: s.history,
          savedId: s.savedId,
          savedVersion: s.savedVersion,
        };
        const g = docToFlow({ ...def, format: FORMAT });
        const inherited = { ...(s.meta.blocks ?? {}), ...(g.meta.blocks ?? {}) };
        delete inherited[n.data.type];
        drag.setState({ pos: NO_DRAG });
        set({
          scope: [...s.scope, frame],
          meta: { ...g.meta, blocks: Object.keys(inherited).length ? inherited : undefined },
          nodes: g.nodes,
          edges: g.edges,
          history: emptyHistory(),
          rev: s.rev + 1,
          report: null,
          layoutRequest: g.nodes.some((x) => !x.data.placed) ? s.layoutRequest + 1 : s.layoutRequest,
          fitRequest: s.fitRequest + 1,
          viewSettled: false,
        });
        return true;
      },
      closeComposite() {
        const s = get();
        const frame = s.scope[s.scope.length - 1];
        if (!frame) return null;
        const inner = get().toDoc();
        const { blocks: nested, ...def } = inner;
        const parentBlocks = {
          ...(frame.parent.meta.blocks ?? {}),
          ...(nested ?? {}),
          [frame.typeName]: def as BlockDoc,
        };
        drag.setState({ pos: NO_DRAG });
        set({
          scope: s.scope.slice(0, -1),
          meta: { ...frame.parent.meta, blocks: parentBlocks },
          nodes: frame.parent.nodes,
          edges: frame.parent.edges,
          history: push(frame.history, frame.parent),
          library: { ...s.library, [frame.typeName]: def as BlockDoc },
          rev: s.rev + 1,
          report: null,
          savedId: frame.savedId,
          savedVersion: frame.savedVersion,
          fitRequest: s.fitRequest + 1,
          viewSettled: false,
        });
        return { name: frame.typeName, def: def as BlockDoc };
      },
      setReport(r) {
        set({ report: r });
      },
      setValidating(v) {
        set({ validating: v });
      },
      markSaved(id, version) {
        set({ savedId: id, savedVersion: version, savedRev: get().rev });
      },
      notify(text, kind = 'info') {
        set({ notice: { text, kind, at: Date.now() } });
      },
    };
  });
  if (init?.specs) store.getState().setSpecs(init.specs);
  if (init?.doc) store.getState().loadDoc(init.doc);
  /** `drag`: positions of the nodes being dragged (./dragPositions); the Canvas draws them. */
  return Object.assign(store, { drag });
}

export type EditorStore = ReturnType<typeof createEditorStore>;
export { emptyDoc };
