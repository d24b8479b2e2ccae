import { describe, expect, it } from 'vitest';
import { range, rebin } from './histogramMath';

describe('rebin', () => {
  it('keeps the total count', () => {
    const out = rebin([0, 1, 2, 3], [3, 6, 9], -1, 4, 7);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(18);
  });
  it('maps identical edges one to one', () => {
    expect(rebin([0, 1, 2], [5, 7], 0, 2, 2)).toEqual([5, 7]);
  });
  it('splits a wide bin evenly', () => {
    expect(rebin([0, 2], [4], 0, 2, 2)).toEqual([2, 2]);
  });
  it('range spans all snapshots', () => {
    expect(range([{ edges: [0, 1] }, { edges: [-2, 0.5] }])).toEqual([-2, 1]);
  });
});
