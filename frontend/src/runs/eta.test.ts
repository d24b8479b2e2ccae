import { describe, expect, it } from 'vitest';
import { etaFrom } from './eta';

describe('etaFrom', () => {
  it('uses the measured steps per second', () => {
    // 100 steps in 10 s: 10 steps/s; 500 left -> 50 s
    expect(
      etaFrom(
        [
          { t: 0, step: 100 },
          { t: 10_000, step: 200 },
        ],
        700,
      ),
    ).toBeCloseTo(50);
  });
  it('says nothing until it can measure', () => {
    expect(etaFrom([{ t: 0, step: 1 }], 100)).toBeNull();
    expect(
      etaFrom(
        [
          { t: 0, step: 1 },
          { t: 200, step: 5 },
        ],
        100,
      ),
    ).toBeNull();
    expect(
      etaFrom(
        [
          { t: 0, step: 1 },
          { t: 5000, step: 9 },
        ],
        null,
      ),
    ).toBeNull();
  });
});
