import { describe, expect, it } from 'vitest';
import { dimensionAxis, objectiveAxis, trialLine } from './pcMath';
import type { Trial } from './sweepsApi';

const trial = (choices: Record<string, unknown>, objective: number | null): Trial => ({
  number: 0,
  run_id: null,
  choices,
  objective,
  state: 'completed',
  intermediate: {},
});

describe('parallel coordinates axes', () => {
  it('places choices evenly and ranges linearly or on a log scale', () => {
    const c = dimensionAxis({ name: 'c.filters', kind: 'param', values: [8, 16, 32] });
    expect([8, 16, 32, 64].map(c.pos)).toEqual([0, 0.5, 1, null]);
    const r = dimensionAxis({ name: 'lr', kind: 'config', values: null, range: [0.001, 0.1], log: true });
    expect(r.pos(0.01)).toBeCloseTo(0.5);
    const lin = dimensionAxis({ name: 'rate', kind: 'param', values: null, range: [0, 0.5] });
    expect(lin.pos(0.25)).toBeCloseTo(0.5);
  });

  it('scales the objective to the values seen and draws each trial', () => {
    const trials = [trial({ a: 1 }, 0.5), trial({ a: 2 }, 0.9)];
    const axes = [dimensionAxis({ name: 'a', kind: 'param', values: [1, 2] }), objectiveAxis('val/accuracy', trials)];
    expect(trialLine(axes, trials[0])).toEqual([0, 0]);
    expect(trialLine(axes, trials[1])).toEqual([1, 1]);
    expect(trialLine(axes, trial({ a: 2 }, null))).toEqual([1, null]);
  });
});
