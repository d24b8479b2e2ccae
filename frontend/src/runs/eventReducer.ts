// Pure reducer folding live run events (ordered by seq, deduplicated by seq) into view state.
// Events may arrive late, twice (replay + live overlap after a reconnect) or out of order; every
// derived structure is keyed by seq/step so the result does not depend on arrival order.
import type { HistogramItem, ImageItem, ImageSource, MetricPoint, RunEvent, StatusPayload } from './types';

/** One metric series, sorted by step. */
export interface Series {
  steps: number[];
  epochs: (number | null)[];
  values: number[];
}

export interface HistogramSnapshot {
  step: number;
  edges: number[];
  counts: number[];
  sparsity: number | null;
}

export interface LiveImage {
  seq: number;
  step: number;
  item: ImageItem;
  data: ImageSource | null;
}

export interface LogLine {
  seq: number;
  level: string;
  message: string;
  /** multi-worker runs: the worker that logged it */
  worker?: number;
}

/** What one worker of a multi-worker run last reported. */
export interface WorkerStats {
  worker: number;
  /** seq of the newest event from this worker */
  seq: number;
  step: number | null;
  samplesPerSec: number | null;
  events: number;
}

export interface LiveRunState {
  runId: string;
  /** Sorted, disjoint, non-adjacent inclusive ranges of applied seqs. */
  applied: [number, number][];
  lastSeq: number;
  status: StatusPayload | null;
  statusSeq: number;
  /** key "split/name", e.g. "train/loss", "val/y/accuracy". */
  series: Record<string, Series>;
  /** key "node_id/tensor". */
  histograms: Record<string, HistogramSnapshot[]>;
  /** key "kind/node_id/index-in-kind"; only the newest (by seq) is kept. */
  images: Record<string, LiveImage>;
  logs: LogLine[];
  error: { message: string; seq: number } | null;
  eventCount: number;
  /** multi-worker runs: per-worker activity, keyed by worker index (empty for single-process runs). */
  workers: Record<number, WorkerStats>;
}

export const MAX_HISTOGRAM_SNAPSHOTS = 64;
export const MAX_LOG_LINES = 500;

export function emptyRunState(runId: string): LiveRunState {
  return {
    runId,
    applied: [],
    lastSeq: 0,
    status: null,
    statusSeq: -1,
    series: {},
    histograms: {},
    images: {},
    logs: [],
    error: null,
    eventCount: 0,
    workers: {},
  };
}

export function hasSeq(applied: readonly [number, number][], seq: number): boolean {
  let lo = 0;
  let hi = applied.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = applied[mid];
    if (seq < a) hi = mid - 1;
    else if (seq > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Adds seq to the range list (returns a new list). */
export function addSeq(applied: readonly [number, number][], seq: number): [number, number][] {
  const out: [number, number][] = [];
  let placed = false;
  for (const [a, b] of applied) {
    if (placed || b < seq - 1) {
      out.push([a, b]);
    } else if (a > seq + 1) {
      out.push([seq, seq], [a, b]);
      placed = true;
    } else {
      // seq touches or lies within [a, b]
      out.push([Math.min(a, seq), Math.max(b, seq)]);
      placed = true;
    }
  }
  if (!placed) out.push([seq, seq]);
  // merge neighbours that became adjacent
  const merged: [number, number][] = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Highest seq such that every seq in 1..n has been applied (0 if none). Used for since_seq. */
export function contiguousSeq(state: LiveRunState): number {
  const first = state.applied[0];
  return first && first[0] <= 1 ? first[1] : 0;
}

export function seriesKey(p: Pick<MetricPoint, 'split' | 'name'>): string {
  return `${p.split}/${p.name}`;
}

/** The columnar form of a `run.metrics` message (docs/protocol.md): one row per
 * (step, epoch, wall, worker); `series["split/name"][row]` is that series' value, null if none. */
export interface MetricColumns {
  step: number[];
  epoch?: (number | null)[];
  wall?: (number | null)[];
  worker?: (number | null)[];
  series: Record<string, (number | null)[]>;
}

/** The points of a columnar batch, row by row (anything malformed is skipped, never thrown). */
export function pointsFromColumns(columns: unknown): MetricPoint[] {
  if (!columns || typeof columns !== 'object') return [];
  const c = columns as Partial<MetricColumns>;
  const steps = Array.isArray(c.step) ? c.step : [];
  const series = c.series && typeof c.series === 'object' ? Object.entries(c.series) : [];
  const opt = (col: unknown, i: number): number | undefined => {
    const v = Array.isArray(col) ? col[i] : undefined;
    return typeof v === 'number' ? v : undefined;
  };
  const out: MetricPoint[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (typeof step !== 'number') continue;
    const epoch = opt(c.epoch, i);
    const wall = opt(c.wall, i);
    const worker = opt(c.worker, i);
    for (const [key, col] of series) {
      const value = Array.isArray(col) ? col[i] : undefined;
      if (typeof value !== 'number') continue;
      const cut = key.indexOf('/');
      if (cut < 0) continue;
      const p: MetricPoint = { step, split: key.slice(0, cut), name: key.slice(cut + 1), value };
      if (epoch !== undefined) p.epoch = epoch;
      if (wall !== undefined) p.wall = wall;
      if (worker !== undefined) p.worker = worker;
      out.push(p);
    }
  }
  return out;
}

/** Every point of a metrics payload: its columns (live socket form) then its `points` (stored
 * per-point form, and the points a column could not hold). */
export function metricPoints(payload: { points?: unknown; columns?: unknown }): MetricPoint[] {
  const listed = Array.isArray(payload.points) ? (payload.points as MetricPoint[]) : [];
  if (payload.columns === undefined) return listed;
  return [...pointsFromColumns(payload.columns), ...listed];
}

function lowerBound(arr: readonly number[], x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts points (step-sorted); a point at an existing step replaces it. Copies touched series.
 * Multi-worker runs: the charts show the chief's (worker 0) series; the other workers measure the
 * same synchronous steps, and their own numbers go to {@link LiveRunState.workers}. */
export function insertPoints(series: Record<string, Series>, points: readonly MetricPoint[]): Record<string, Series> {
  const out = { ...series };
  const copied = new Set<string>();
  for (const p of points) {
    if (typeof p.value !== 'number' || typeof p.step !== 'number') continue;
    if (typeof p.worker === 'number' && p.worker > 0) continue;
    const key = seriesKey(p);
    let s = out[key];
    if (!copied.has(key)) {
      s = s
        ? { steps: s.steps.slice(), epochs: s.epochs.slice(), values: s.values.slice() }
        : { steps: [], epochs: [], values: [] };
      out[key] = s;
      copied.add(key);
    }
    const n = s.steps.length;
    const epoch = p.epoch ?? null;
    if (n === 0 || s.steps[n - 1] < p.step) {
      s.steps.push(p.step);
      s.epochs.push(epoch);
      s.values.push(p.value);
      continue;
    }
    const i = lowerBound(s.steps, p.step);
    if (s.steps[i] === p.step) {
      s.values[i] = p.value;
      s.epochs[i] = epoch;
    } else {
      s.steps.splice(i, 0, p.step);
      s.epochs.splice(i, 0, epoch);
      s.values.splice(i, 0, p.value);
    }
  }
  return out;
}

function insertHistograms(
  hist: Record<string, HistogramSnapshot[]>,
  step: number,
  items: readonly HistogramItem[],
): Record<string, HistogramSnapshot[]> {
  const out = { ...hist };
  for (const it of items) {
    const key = `${it.node_id}/${it.tensor}`;
    const list = (out[key] ?? []).filter((s) => s.step !== step);
    const snap: HistogramSnapshot = {
      step,
      edges: it.edges,
      counts: it.counts,
      sparsity: it.sparsity ?? null,
    };
    const i = list.findIndex((s) => s.step > step);
    if (i < 0) list.push(snap);
    else list.splice(i, 0, snap);
    // bound memory: drop every other old snapshot, keep the newest
    while (list.length > MAX_HISTOGRAM_SNAPSHOTS) {
      const keep = list.filter((_, j) => j % 2 === 1 || j === list.length - 1);
      list.splice(0, list.length, ...keep);
    }
    out[key] = list;
  }
  return out;
}

export function imageKey(item: ImageItem, nthOfKind: number): string {
  return `${item.kind}/${item.node_id}/${nthOfKind}`;
}

function insertImages(
  images: Record<string, LiveImage>,
  seq: number,
  step: number,
  items: readonly ImageItem[],
  attachments: readonly ImageSource[],
): Record<string, LiveImage> {
  const out = { ...images };
  const counters = new Map<string, number>();
  for (const item of items) {
    const base = `${item.kind}/${item.node_id}`;
    const n = counters.get(base) ?? 0;
    counters.set(base, n + 1);
    const key = imageKey(item, n);
    const prev = out[key];
    if (prev && prev.seq > seq) continue;
    out[key] = { seq, step, item, data: attachments[item.index] ?? null };
  }
  return out;
}

/** Folds one event's worker-tagged content into the per-worker stats (returns the input if untouched). */
export function updateWorkers(workers: Record<number, WorkerStats>, ev: RunEvent): Record<number, WorkerStats> {
  const touched = new Map<number, { step: number | null; sps: number | null }>();
  const note = (w: unknown, step: number | null, sps: number | null) => {
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0) return;
    const prev = touched.get(w) ?? { step: null, sps: null };
    touched.set(w, {
      step: step !== null && (prev.step === null || step > prev.step) ? step : prev.step,
      sps: sps ?? prev.sps,
    });
  };
  const payload = ev.payload as { worker?: unknown; step?: unknown };
  if (ev.kind === 'metrics') {
    for (const p of metricPoints(ev.payload)) {
      const w = p.worker ?? payload.worker;
      const train = p.split === 'train' || p.split === undefined;
      note(
        w,
        train && typeof p.step === 'number' ? p.step : null,
        train && p.name === 'samples_per_sec' && typeof p.value === 'number' ? p.value : null,
      );
    }
  } else {
    note(payload.worker, ev.kind === 'status' && typeof payload.step === 'number' ? payload.step : null, null);
  }
  if (touched.size === 0) return workers;
  const out = { ...workers };
  for (const [w, t] of touched) {
    const prev = out[w];
    const newer = !prev || ev.seq >= prev.seq;
    out[w] = {
      worker: w,
      seq: prev ? Math.max(prev.seq, ev.seq) : ev.seq,
      step: t.step !== null && (prev?.step == null || t.step > prev.step) ? t.step : (prev?.step ?? null),
      samplesPerSec: t.sps !== null && newer ? t.sps : (prev?.samplesPerSec ?? t.sps),
      events: (prev?.events ?? 0) + 1,
    };
  }
  return out;
}

function insertLog(logs: readonly LogLine[], line: LogLine): LogLine[] {
  const out = logs.slice();
  const i = out.findIndex((l) => l.seq > line.seq);
  if (i < 0) out.push(line);
  else out.splice(i, 0, line);
  if (out.length > MAX_LOG_LINES) out.splice(0, out.length - MAX_LOG_LINES);
  return out;
}

/** Applies one event; an event whose seq was already applied (or is for another run) is ignored. */
export function applyEvent(state: LiveRunState, ev: RunEvent): LiveRunState {
  if (ev.run_id !== state.runId || typeof ev.seq !== 'number' || hasSeq(state.applied, ev.seq)) {
    return state;
  }
  const next: LiveRunState = {
    ...state,
    applied: addSeq(state.applied, ev.seq),
    lastSeq: Math.max(state.lastSeq, ev.seq),
    eventCount: state.eventCount + 1,
    workers: updateWorkers(state.workers, ev),
  };
  switch (ev.kind) {
    case 'status':
      if (ev.seq > state.statusSeq) {
        next.status = ev.payload;
        next.statusSeq = ev.seq;
      }
      break;
    case 'metrics':
      next.series = insertPoints(state.series, metricPoints(ev.payload));
      break;
    case 'histograms':
      next.histograms = insertHistograms(state.histograms, ev.payload.step, ev.payload.items ?? []);
      break;
    case 'images':
      next.images = insertImages(state.images, ev.seq, ev.payload.step, ev.payload.items ?? [], ev.attachments ?? []);
      break;
    case 'log':
      next.logs = insertLog(state.logs, {
        seq: ev.seq,
        level: ev.payload.level,
        message: ev.payload.message,
        ...(typeof ev.payload.worker === 'number' ? { worker: ev.payload.worker } : {}),
      });
      break;
    case 'error':
      if (!state.error || state.error.seq < ev.seq) {
        next.error = { message: ev.payload.message, seq: ev.seq };
      }
      next.logs = insertLog(state.logs, { seq: ev.seq, level: 'error', message: ev.payload.message });
      break;
  }
  return next;
}

/** Applies a batch in seq order (a batch may be unsorted and contain duplicates). */
export function applyEvents(state: LiveRunState, events: readonly RunEvent[]): LiveRunState {
  const sorted = events.slice().sort((a, b) => a.seq - b.seq);
  let s = state;
  for (const ev of sorted) s = applyEvent(s, ev);
  return s;
}

/** Latest value of a series, or null. */
export function lastValue(state: LiveRunState, key: string): number | null {
  const s = state.series[key];
  return s?.values.length ? s.values[s.values.length - 1] : null;
}

/** Finds a series key by metric suffix for a split, e.g. ("val", "accuracy") → "val/y/accuracy". */
export function findSeriesKey(series: Record<string, Series>, split: string, suffix: string): string | null {
  const exact = `${split}/${suffix}`;
  if (series[exact]) return exact;
  const keys = Object.keys(series).filter((k) => k.startsWith(`${split}/`) && k.endsWith(`/${suffix}`));
  keys.sort();
  return keys[0] ?? null;
}
