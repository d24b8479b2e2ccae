import { describe, expect, it } from 'vitest';
import { applyEvents, emptyRunState } from './eventReducer';
import { formatLogLine } from './LogPanel';
import type { RunEvent } from './types';

const R = 'run1';
const pts = (seq: number, worker: number, step: number, sps: number, loss: number): RunEvent => ({
  run_id: R,
  seq,
  kind: 'metrics',
  payload: {
    points: [
      { step, split: 'train', name: 'loss', value: loss, worker },
      { step, split: 'train', name: 'samples_per_sec', value: sps, worker },
    ],
  },
});

describe('multi-worker events', () => {
  it("tracks each worker's step and samples/s; charts keep the chief's series", () => {
    const s = applyEvents(emptyRunState(R), [
      pts(1, 0, 1, 100, 2.0),
      pts(2, 1, 1, 90, 2.5),
      pts(3, 1, 2, 95, 1.5),
      pts(4, 0, 2, 110, 1.0),
      { run_id: R, seq: 5, kind: 'log', payload: { level: 'info', message: 'resumed', worker: 1 } },
      { run_id: R, seq: 6, kind: 'status', payload: { state: 'running', step: 3, worker: 1 } },
    ]);
    expect(Object.keys(s.workers)).toEqual(['0', '1']);
    expect(s.workers[0]).toMatchObject({ step: 2, samplesPerSec: 110, events: 2, seq: 4 });
    expect(s.workers[1]).toMatchObject({ step: 3, samplesPerSec: 95, events: 4, seq: 6 });
    expect(s.series['train/loss'].values).toEqual([2.0, 1.0]);
    expect(s.logs[0].worker).toBe(1);
    expect(formatLogLine(s.logs[0])).toBe('[info] [worker 1] resumed');
  });

  it('leaves single-process runs without worker stats', () => {
    const s = applyEvents(emptyRunState(R), [
      {
        run_id: R,
        seq: 1,
        kind: 'metrics',
        payload: { points: [{ step: 1, split: 'train', name: 'loss', value: 1 }] },
      },
      { run_id: R, seq: 2, kind: 'log', payload: { level: 'info', message: 'hi' } },
    ]);
    expect(s.workers).toEqual({});
    expect(formatLogLine(s.logs[0])).toBe('[info] hi');
  });

  it("a worker's stats do not depend on arrival order", () => {
    const evs = [pts(1, 0, 1, 100, 2.0), pts(2, 0, 2, 120, 1.0), pts(3, 1, 2, 80, 1.0)];
    const a = applyEvents(emptyRunState(R), evs);
    let b = emptyRunState(R);
    for (const e of [evs[2], evs[1], evs[0]]) b = applyEvents(b, [e]);
    expect(b.workers).toEqual(a.workers);
  });
});
