import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLiveValidation } from '../src/editor/useLiveValidation';
import { keepIdentity, mapReport } from '../src/graph/validation';
import { createEditorStore } from '../src/store/editorStore';
import type { GraphDoc, ValidationReport } from '../src/types';
import { specs } from './helpers';

const report: ValidationReport = {
  ok: false,
  errors: [
    { code: 'shape_mismatch', message: 'Dense: expects rank 1', node_id: 'd', port: 'in', param: null },
    { code: 'bad_param', message: 'Conv2D.kernel_size: too big', node_id: 'c', port: null, param: 'kernel_size' },
    { code: 'bad_param', message: 'Conv2D.strides.0: negative', node_id: 'c', port: null, param: 'strides.0' },
    { code: 'cycle', message: 'cycle through a, b', node_id: null },
    { code: 'unknown', message: 'about a node that is gone', node_id: 'zz' },
  ],
  shapes: { e1: [8, 8, 16] },
  nodes: { c: { outputs: { out: [8, 8, 16] }, params: 160, flops: 9216 } },
  params: 160,
  flops: 9216,
};

describe('mapReport', () => {
  it('keys issues by node and by param, keeps graph-level ones apart', () => {
    const m = mapReport(report, new Set(['c', 'd']));
    expect(m.errorCount).toBe(5);
    expect(m.nodeIssues.d.map((i) => i.code)).toEqual(['shape_mismatch']);
    expect(m.nodeIssues.c).toHaveLength(2);
    expect(m.paramIssues.c.kernel_size).toEqual(['Conv2D.kernel_size: too big']);
    expect(m.paramIssues.c.strides).toEqual(['Conv2D.strides.0: negative']);
    expect(m.graphIssues.map((i) => i.code)).toEqual(['cycle', 'unknown']);
    expect(m.edgeShapes.e1).toEqual([8, 8, 16]);
    expect(m.nodes.c.params).toBe(160);
    expect([m.params, m.flops, m.ok]).toEqual([160, 9216, false]);
  });
});

describe('keepIdentity', () => {
  it('reuses unchanged per-node and per-edge objects so only changed nodes re-render', () => {
    const a = mapReport(report);
    const changed = {
      ...report,
      nodes: { ...report.nodes, d: { outputs: { out: [3] }, params: 1, flops: 1 } },
      shapes: { e1: [8, 8, 16], e2: [3] },
    };
    const b = keepIdentity(a, mapReport(JSON.parse(JSON.stringify(changed))));
    expect(b.nodes.c).toBe(a.nodes.c);
    expect(b.edgeShapes.e1).toBe(a.edgeShapes.e1);
    expect(b.nodeIssues.d).toBe(a.nodeIssues.d);
    expect(b.nodes.d).toEqual({ outputs: { out: [3] }, params: 1, flops: 1 });
    expect(b.edgeShapes.e2).toEqual([3]);
    expect(keepIdentity(null, a)).toBe(a);
  });
});

describe('live validation', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function deferred<T>() {
    let resolve!: (v: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }
  const ok = (params: number): ValidationReport => ({ ok: true, errors: [], shapes: {}, nodes: {}, params, flops: 0 });

  it('debounces edits into one request', async () => {
    const store = createEditorStore({ specs });
    const validate = vi.fn(async (_g: GraphDoc) => ok(1));
    const stop = startLiveValidation(store, { validate }, 250);
    for (let i = 0; i < 5; i++) {
      store.getState().addNode('Dense', { x: i, y: 0 });
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(validate).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(validate.mock.calls[0][0].nodes).toHaveLength(5);
    expect(store.getState().report?.params).toBe(1);
    stop();
  });

  it('ignores stale answers that arrive late', async () => {
    const store = createEditorStore({ specs });
    const first = deferred<ValidationReport>();
    const second = deferred<ValidationReport>();
    const answers = [first.promise, second.promise];
    const validate = vi.fn(() => answers.shift()!);
    const stop = startLiveValidation(store, { validate }, 250);
    store.getState().addNode('Dense', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(260);
    store.getState().addNode('Dense', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(260);
    expect(validate).toHaveBeenCalledTimes(2);
    second.resolve(ok(2));
    await vi.advanceTimersByTimeAsync(1);
    first.resolve(ok(1)); // the older request answers last
    await vi.advanceTimersByTimeAsync(1);
    expect(store.getState().report?.params).toBe(2);
    expect(store.getState().validating).toBe(false);
    stop();
  });

  it('shows a failed request as an error instead of hanging', async () => {
    const store = createEditorStore({ specs });
    const stop = startLiveValidation(
      store,
      {
        validate: async () => {
          throw new Error('boom');
        },
      },
      250,
    );
    store.getState().addNode('Dense', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(300);
    expect(store.getState().report?.graphIssues[0].message).toMatch(/boom/);
    stop();
  });
});
