import { describe, expect, it } from 'vitest';
import { firstRow, fitToShape, toInputTensor, toProbabilities } from './predictMath';

describe('toInputTensor', () => {
  it('area-averages a 16x16 white square on black down to 8x8 grey', () => {
    const w = 16,
      h = 16;
    const px = new Array(w * h * 4).fill(0);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const i = (y * w + x) * 4;
        px[i] = px[i + 1] = px[i + 2] = 255;
      }
    const t = toInputTensor(px, w, h, 8, 8, 1);
    expect(t.length).toBe(8);
    expect(t[0][0]).toEqual([1]);
    expect(t[7][7]).toEqual([0]);
    expect(t[0][3]).toEqual([1]);
    expect(t[0][4]).toEqual([0]);
  });
});

describe('fitToShape / probabilities', () => {
  it('flattens to [64] when the Input wants it', () => {
    const img = Array.from({ length: 8 }, () => Array.from({ length: 8 }, () => [0.5]));
    const f = fitToShape(img, [64]) as number[];
    expect(f.length).toBe(64);
    expect(fitToShape(img, [8, 8, 1])).toBe(img);
  });
  it('applies softmax to logits, keeps distributions', () => {
    const p = toProbabilities([0, 0]);
    expect(p[0].p).toBeCloseTo(0.5);
    expect(toProbabilities([0.2, 0.8])[1].p).toBe(0.8);
    expect(firstRow([[0.1, 0.9]])).toEqual([0.1, 0.9]);
  });
});
