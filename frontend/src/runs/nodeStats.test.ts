import { describe, expect, it } from 'vitest';
import { applyEvents, emptyRunState } from './eventReducer';
import { histogramNorm, nodeStatsFrom } from './nodeStats';
import type { RunEvent } from './types';

describe('node statistics for the canvas overlay', () => {
  it('histogramNorm is the L2 norm of bin centres weighted by counts', () => {
    // values: two at 1.0, one at -2.0 (bins [0.5,1.5] and [-2.5,-1.5])
    expect(histogramNorm({ edges: [-2.5, -1.5, 0.5, 1.5], counts: [1, 0, 2] })).toBeCloseTo(Math.sqrt(2 + 4));
  });
  it('takes the newest weight and gradient histograms of the node', () => {
    const h = (seq: number, step: number, scale: number): RunEvent => ({
      run_id: 'r',
      seq,
      kind: 'histograms',
      payload: {
        step,
        items: [
          { node_id: 'c1', tensor: 'kernel', edges: [0.5 * scale, 1.5 * scale], counts: [4], sparsity: 0 },
          {
            node_id: 'c1',
            tensor: 'kernel/grad',
            edges: [-0.5 * scale, 0.5 * scale, 1.5 * scale],
            counts: [0, 1],
            sparsity: 0,
          },
        ],
      },
    });
    const run = applyEvents(emptyRunState('r'), [h(1, 10, 1), h(2, 20, 2)]);
    const st = nodeStatsFrom(run, 'c1');
    expect(st?.step).toBe(20);
    expect(st?.gradNorm).toBeCloseTo(2);
    expect(st?.weightNorm).toBeCloseTo(4);
    expect(nodeStatsFrom(run, 'other')).toBeNull();
    expect(nodeStatsFrom(run, 'c1')).toBe(st); // memoised: stable for zustand selectors
  });
});
