import { describe, expect, it } from 'vitest';
import { alignSeries, downsample, eta, lttbIndices, perEpoch, smooth } from './chartMath';

describe('smooth', () => {
  it('weight 0 is the identity', () => {
    expect(smooth([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });
  it('is debiased: a constant series stays constant', () => {
    for (const v of smooth([3, 3, 3, 3], 0.9)) expect(v).toBeCloseTo(3, 10);
  });
  it('first value is kept and later values are pulled toward the past', () => {
    const s = smooth([0, 10], 0.5);
    expect(s[0]).toBe(0);
    // ema = 0.5*0 + 0.5*10 = 5 (after 0.5*0=0 first) -> (0.25*0 ... ) debiased: 5 / 0.75
    expect(s[1]).toBeCloseTo(5 / 0.75, 10);
    expect(s[1]).toBeLessThan(10);
  });
  it('passes NaN through without poisoning', () => {
    const s = smooth([1, NaN, 1], 0.6);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(1, 10);
  });
});

describe('downsample (LTTB)', () => {
  it('returns everything when under the limit', () => {
    expect(lttbIndices([1, 2, 3], [1, 2, 3], 10)).toEqual([0, 1, 2]);
  });
  it('keeps first, last and at most maxPoints, sorted', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map((x) => Math.sin(x / 30));
    const d = downsample(xs, ys, 100);
    expect(d.xs.length).toBe(100);
    expect(d.xs[0]).toBe(0);
    expect(d.xs[99]).toBe(999);
    for (let i = 1; i < d.xs.length; i++) expect(d.xs[i]).toBeGreaterThan(d.xs[i - 1]);
  });
  it('keeps a spike', () => {
    const xs = Array.from({ length: 500 }, (_, i) => i);
    const ys = xs.map((x) => (x === 250 ? 100 : 0));
    expect(downsample(xs, ys, 20).ys).toContain(100);
  });
});

describe('alignSeries / perEpoch / eta', () => {
  it('aligns on the union of x with nulls', () => {
    const a = alignSeries([
      { xs: [1, 2, 3], ys: [10, 20, 30] },
      { xs: [2, 4], ys: [5, 6] },
    ]);
    expect(a).toEqual([
      [1, 2, 3, 4],
      [10, 20, 30, null],
      [null, 5, null, 6],
    ]);
  });
  it('keeps the last value of each epoch', () => {
    expect(perEpoch([1, 2, 3, 4], [0, 0, 1, 1], [9, 8, 7, 6])).toEqual({ xs: [0, 1], ys: [8, 6] });
  });
  it('estimates time left', () => {
    expect(eta(0.25, 10)).toBeCloseTo(30);
    expect(eta(0, 10)).toBeNull();
    expect(eta(1, 10)).toBeNull();
  });
});

import { compact } from './LineChart';

describe('compact tick labels', () => {
  it('shortens large and tiny numbers', () => {
    expect(compact(20135)).toBe('20.1k');
    expect(compact(2500000)).toBe('2.5M');
    expect(compact(0.003)).toBe('0.003');
    expect(compact(0.00002)).toBe('2e-5');
    expect(compact(0)).toBe('0');
  });
});
