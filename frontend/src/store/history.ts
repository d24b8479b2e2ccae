// Undo/redo of graph snapshots. Immutable updates make a snapshot a cheap reference copy.
import type { BlockNodeT, GraphEdgeT, GraphMeta } from '../graph/model';

export interface Snapshot {
  meta: GraphMeta;
  nodes: BlockNodeT[];
  edges: GraphEdgeT[];
  /** Which saved graph this was and whether it had unsaved changes: undoing a New/Open/Import
   *  brings back the graph it replaced, as the graph it was. */
  saved?: { id: string | number | null; version: number | null; dirty: boolean };
}

export interface History {
  past: Snapshot[];
  future: Snapshot[];
  /** Coalescing key of the last push (e.g. typing into one field) and when it happened. */
  lastKey: string | null;
  lastAt: number;
}

export const HISTORY_LIMIT = 200;
const COALESCE_MS = 1000;

export const emptyHistory = (): History => ({ past: [], future: [], lastKey: null, lastAt: 0 });

const strip = (s: Snapshot): Snapshot => ({
  ...s,
  meta: s.meta,
  nodes: s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
  edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
});

/** Record `current` as an undo point (before a change). Same key within 1 s coalesces. */
export function push(h: History, current: Snapshot, key: string | null = null, now = Date.now()): History {
  if (key !== null && key === h.lastKey && now - h.lastAt < COALESCE_MS) return { ...h, lastAt: now, future: [] };
  const past = [...h.past, strip(current)];
  if (past.length > HISTORY_LIMIT) past.shift();
  return { past, future: [], lastKey: key, lastAt: now };
}

export function undo(h: History, current: Snapshot): [History, Snapshot] | null {
  if (!h.past.length) return null;
  const prev = h.past[h.past.length - 1];
  return [{ past: h.past.slice(0, -1), future: [strip(current), ...h.future], lastKey: null, lastAt: 0 }, prev];
}

export function redo(h: History, current: Snapshot): [History, Snapshot] | null {
  if (!h.future.length) return null;
  const next = h.future[0];
  return [{ past: [...h.past, strip(current)], future: h.future.slice(1), lastKey: null, lastAt: 0 }, next];
}
