import { describe, expect, it } from 'vitest';
import {
  addSeq,
  applyEvents,
  contiguousSeq,
  emptyRunState,
  findSeriesKey,
  hasSeq,
  metricPoints,
  pointsFromColumns,
} from './eventReducer';
import type { RunEvent } from './types';

const R = 'run1';
const metrics = (seq: number, step: number, value: number, split = 'train', name = 'loss'): RunEvent => ({
  run_id: R,
  seq,
  kind: 'metrics',
  payload: { points: [{ step, epoch: Math.floor(step / 10), split, name, value }] },
});
const status = (seq: number, state: 'running' | 'completed', step = 0): RunEvent => ({
  run_id: R,
  seq,
  kind: 'status',
  payload: { state, step, total_steps: 100, progress: step / 100 },
});

describe('seq ranges', () => {
  it('adds, merges and looks up', () => {
    let r: [number, number][] = [];
    for (const s of [1, 2, 5, 3, 7, 6, 4]) r = addSeq(r, s);
    expect(r).toEqual([[1, 7]]);
    r = addSeq(addSeq(r, 10), 12);
    expect(r).toEqual([
      [1, 7],
      [10, 10],
      [12, 12],
    ]);
    expect(addSeq(r, 11)).toEqual([
      [1, 7],
      [10, 12],
    ]);
    expect(hasSeq(r, 5)).toBe(true);
    expect(hasSeq(r, 8)).toBe(false);
    expect(hasSeq(r, 12)).toBe(true);
  });
});

describe('event reducer', () => {
  it('orders a batch by seq regardless of arrival order', () => {
    const s = applyEvents(emptyRunState(R), [metrics(3, 30, 0.3), metrics(1, 10, 0.9), metrics(2, 20, 0.5)]);
    expect(s.series['train/loss'].steps).toEqual([10, 20, 30]);
    expect(s.series['train/loss'].values).toEqual([0.9, 0.5, 0.3]);
    expect(s.lastSeq).toBe(3);
  });

  it('dedupes events by seq (replay overlapping live)', () => {
    let s = applyEvents(emptyRunState(R), [metrics(1, 10, 0.9), metrics(2, 20, 0.5)]);
    s = applyEvents(s, [metrics(2, 20, 123), metrics(1, 10, 456), metrics(3, 30, 0.2)]);
    expect(s.series['train/loss'].values).toEqual([0.9, 0.5, 0.2]);
    expect(s.eventCount).toBe(3);
  });

  it('fills a gap with a late event in order', () => {
    let s = applyEvents(emptyRunState(R), [metrics(1, 10, 1), metrics(3, 30, 3)]);
    expect(contiguousSeq(s)).toBe(1);
    s = applyEvents(s, [metrics(2, 20, 2)]);
    expect(s.series['train/loss'].steps).toEqual([10, 20, 30]);
    expect(contiguousSeq(s)).toBe(3);
  });

  it('keeps the newest status by seq even if an older one arrives later', () => {
    let s = applyEvents(emptyRunState(R), [status(5, 'completed', 100)]);
    s = applyEvents(s, [status(2, 'running', 50)]);
    expect(s.status?.state).toBe('completed');
  });

  it('merges since_seq catch-up with live events without gaps or duplicates', () => {
    // history events 1..4 from the store, live 5..6 arrived first, then the catch-up replay 3..6
    const all = [1, 2, 3, 4, 5, 6].map((i) => metrics(i, i * 10, i));
    let s = applyEvents(emptyRunState(R), all.slice(0, 4));
    s = applyEvents(s, all.slice(4));
    s = applyEvents(s, all.slice(2));
    expect(s.series['train/loss'].steps).toEqual([10, 20, 30, 40, 50, 60]);
    expect(s.eventCount).toBe(6);
    expect(contiguousSeq(s)).toBe(6);
  });

  it('ignores events of other runs', () => {
    const other = { ...metrics(1, 10, 1), run_id: 'other' } as RunEvent;
    const s = applyEvents(emptyRunState(R), [other]);
    expect(s.series).toEqual({});
  });

  it('keeps the newest image per node and kind, with its attachment', () => {
    const img = (seq: number, tag: number): RunEvent => ({
      run_id: R,
      seq,
      kind: 'images',
      payload: { step: seq, items: [{ node_id: 'c1', kind: 'filters', index: 0, width: 4, height: 4 }] },
      attachments: [new Uint8Array([tag]).buffer],
    });
    const s = applyEvents(emptyRunState(R), [img(4, 4), img(2, 2)]);
    const im = s.images['filters/c1/0'];
    expect(im.seq).toBe(4);
    expect(new Uint8Array(im.data as ArrayBuffer)[0]).toBe(4);
  });

  it('collects histograms over time sorted by step, logs by seq', () => {
    const h = (seq: number, step: number): RunEvent => ({
      run_id: R,
      seq,
      kind: 'histograms',
      payload: { step, items: [{ node_id: 'd', tensor: 'kernel', edges: [0, 1], counts: [step], sparsity: 0.5 }] },
    });
    const log = (seq: number, message: string): RunEvent => ({
      run_id: R,
      seq,
      kind: 'log',
      payload: { level: 'info', message },
    });
    const s = applyEvents(emptyRunState(R), [h(3, 30), h(1, 10), log(4, 'b'), log(2, 'a')]);
    expect(s.histograms['d/kernel'].map((x) => x.step)).toEqual([10, 30]);
    expect(s.logs.map((l) => l.message)).toEqual(['a', 'b']);
  });

  it('finds series keys by split and suffix', () => {
    const s = applyEvents(emptyRunState(R), [metrics(1, 10, 0.8, 'val', 'y/accuracy')]);
    expect(findSeriesKey(s.series, 'val', 'accuracy')).toBe('val/y/accuracy');
    expect(findSeriesKey(s.series, 'train', 'accuracy')).toBeNull();
  });
});

describe('columnar metrics (the live socket form)', () => {
  const columnar = (seq: number, columns: unknown, points?: unknown[]): RunEvent =>
    ({ run_id: R, seq, kind: 'metrics', payload: { columns, ...(points ? { points } : {}) } }) as unknown as RunEvent;

  it('decodes one step array plus one array per series, skipping nulls', () => {
    const pts = pointsFromColumns({
      step: [1, 2],
      epoch: [0, 0],
      wall: [10, 10.5],
      series: { 'train/loss': [0.5, 0.4], 'val/y/accuracy': [null, 0.3] },
    });
    expect(pts).toEqual([
      { step: 1, split: 'train', name: 'loss', value: 0.5, epoch: 0, wall: 10 },
      { step: 2, split: 'train', name: 'loss', value: 0.4, epoch: 0, wall: 10.5 },
      { step: 2, split: 'val', name: 'y/accuracy', value: 0.3, epoch: 0, wall: 10.5 },
    ]);
  });

  it('folds columns, leftover points and stored per-point events into the same series', () => {
    let s = emptyRunState(R);
    s = applyEvents(s, [
      columnar(2, { step: [3, 4], series: { 'train/loss': [0.3, null], 'train/acc': [0.1, 0.2] } }, [
        { step: 4, split: 'train', name: 'loss', value: 0.25 },
      ]),
      metrics(1, 1, 0.9), // an old stored event (REST replay) in the per-point form
    ]);
    expect(s.series['train/loss']).toEqual({ steps: [1, 3, 4], epochs: [0, null, null], values: [0.9, 0.3, 0.25] });
    expect(s.series['train/acc'].values).toEqual([0.1, 0.2]);
    expect(contiguousSeq(s)).toBe(2);
  });

  it('tells workers apart by the worker column and never throws on malformed columns', () => {
    const ev = columnar(1, { step: [5, 5], worker: [0, 1], series: { 'train/samples_per_sec': [100, 90] } });
    const s = applyEvents(emptyRunState(R), [ev]);
    expect(s.series['train/samples_per_sec'].values).toEqual([100]); // charts show the chief
    expect(s.workers[1].samplesPerSec).toBe(90);
    for (const bad of [
      null,
      7,
      { step: 'x' },
      { step: [1], series: { loss: [1] } },
      { step: [1], series: { 'a/b': 'x' } },
    ]) {
      expect(pointsFromColumns(bad)).toEqual([]);
    }
    expect(metricPoints({ points: [{ step: 1, split: 'train', name: 'l', value: 1 }] })).toHaveLength(1);
  });
});
