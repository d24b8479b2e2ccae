import { describe, expect, it } from 'vitest';
import { classMix, sampleLabel } from './sampleMix';

const S = (index: number, label: number) => ({ index, png: null, targets: { label } });

describe('classMix', () => {
  it('takes turns across classes instead of the first samples', () => {
    const sorted = [
      ...Array.from({ length: 20 }, (_, i) => S(i, 0)),
      ...Array.from({ length: 20 }, (_, i) => S(20 + i, 1)),
    ];
    const mix = classMix(sorted, 6);
    expect(mix.map((s) => s.targets.label)).toEqual([0, 1, 0, 1, 0, 1]);
  });
  it('names the classes', () => {
    expect(sampleLabel(S(0, 1), { label: ['cat', 'dog'] })).toBe('dog');
    expect(sampleLabel(S(0, 1), {})).toBe('1');
  });
});
