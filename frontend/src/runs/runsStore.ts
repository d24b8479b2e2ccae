// zustand store of the live runs. The editor's BlockNode reads `useLiveNodeStats(nodeId)` to
// overlay live statistics on the canvas; clicking a node sets `selectedNodeId` for feature maps.

import { useEffect } from 'react';
import { create } from 'zustand';
import { applyEvents, contiguousSeq, emptyRunState, insertPoints, type LiveRunState } from './eventReducer';
import { LiveConnection } from './liveSocket';
import { type NodeStats, nodeStatsFrom } from './nodeStats';
import { normalizeEvent } from './normalize';
import { runsApi } from './runsApi';
import type { MetricPoint, RunEvent } from './types';

export interface RunsStoreState {
  live: Record<string, LiveRunState>;
  /** Run opened last (its graph is the one in the Runs view). */
  activeRunId: string | null;
  /** The active run, while the editor shows the graph it trained (see editorLink.ts); else null. */
  editorRunId: string | null;
  /** Node clicked on a canvas (editor or run graph): its feature maps are shown. */
  selectedNodeId: string | null;
  connected: boolean;
  /** Set by openRun(): the app switches to the Runs view and opens this run. */
  openRequest: { id: string; at: number } | null;
  openRun: (id: string) => void;
  ingest: (events: RunEvent[]) => void;
  mergeSeries: (runId: string, series: Record<string, [number, number][]>) => void;
  setActiveRun: (id: string | null) => void;
  setSelectedNode: (id: string | null) => void;
}

export const useRunsStore = create<RunsStoreState>((set) => ({
  live: {},
  activeRunId: null,
  editorRunId: null,
  selectedNodeId: null,
  connected: false,
  openRequest: null,
  openRun: (id) => set({ openRequest: { id, at: Date.now() }, activeRunId: id }),
  ingest: (events) =>
    set((s) => {
      if (!events.length) return s;
      const byRun = new Map<string, RunEvent[]>();
      for (const ev of events) {
        const list = byRun.get(ev.run_id) ?? [];
        list.push(ev);
        byRun.set(ev.run_id, list);
      }
      const live = { ...s.live };
      for (const [id, evs] of byRun) live[id] = applyEvents(live[id] ?? emptyRunState(id), evs);
      return { live };
    }),
  mergeSeries: (runId, series) =>
    set((s) => {
      const points: MetricPoint[] = [];
      for (const [key, pts] of Object.entries(series)) {
        const slash = key.indexOf('/');
        const split = slash < 0 ? 'train' : key.slice(0, slash);
        const name = slash < 0 ? key : key.slice(slash + 1);
        for (const [step, value] of pts) points.push({ step, split, name, value });
      }
      const cur = s.live[runId] ?? emptyRunState(runId);
      return { live: { ...s.live, [runId]: { ...cur, series: insertPoints(cur.series, points) } } };
    }),
  setActiveRun: (id) => set({ activeRunId: id }),
  setSelectedNode: (id) => set({ selectedNodeId: id }),
}));

export const connection = new LiveConnection(
  (events) => useRunsStore.getState().ingest(events),
  (runId) => {
    const st = useRunsStore.getState().live[runId];
    return st ? contiguousSeq(st) : 0;
  },
);
connection.onConnection((connected) => useRunsStore.setState({ connected }));

declare global {
  interface Window {
    __akidRuns?: { connection: LiveConnection; store: typeof useRunsStore };
  }
}
if (typeof window !== 'undefined') window.__akidRuns = { connection, store: useRunsStore };

const inflight = new Map<string, Promise<void>>();

/** Loads the stored history of a run (REST); concurrent callers share one request. */
export function loadHistory(runId: string): Promise<void> {
  let p = inflight.get(runId);
  if (!p) {
    p = fetchHistory(runId).finally(() => inflight.delete(runId));
    inflight.set(runId, p);
  }
  return p;
}

async function fetchHistory(runId: string): Promise<void> {
  const st = useRunsStore.getState().live[runId];
  const since = st ? contiguousSeq(st) : 0;
  try {
    const rows = await runsApi.events(runId, since);
    const evs = rows
      .map((r) => normalizeEvent(null, r, [], (ref) => runsApi.imageUrl(runId, ref), runId))
      .filter((e): e is RunEvent => e !== null);
    useRunsStore.getState().ingest(evs);
  } catch {
    // No event history endpoint: fall back to the metric series; the socket replays the rest.
    try {
      const m = await runsApi.metrics(runId);
      useRunsStore.getState().mergeSeries(runId, m.series ?? {});
    } catch {
      /* the socket subscription still replays from since_seq */
    }
  }
}

/** Subscribes a component to one run: history first, then live events (null: nothing). */
export function useLiveRun(runId: string | null): LiveRunState | null {
  useEffect(() => {
    if (!runId) return;
    let unsub: (() => void) | null = null;
    let cancelled = false;
    void loadHistory(runId).then(() => {
      if (!cancelled) unsub = connection.subscribe(runId);
    });
    return () => {
      cancelled = true;
      unsub?.();
    };
  }, [runId]);
  return useRunsStore((s) => (runId ? (s.live[runId] ?? null) : null));
}

/** Live statistics of one node of the active run (for the canvas overlay), or null. In the
 *  editor (`editor`), only while it shows the graph that run trained. */
export function useLiveNodeStats(nodeId: string, editor = false): NodeStats | null {
  return useRunsStore((s) => {
    const id = editor ? s.editorRunId : s.activeRunId;
    const run = id ? s.live[id] : undefined;
    return run ? nodeStatsFrom(run, nodeId) : null;
  });
}
