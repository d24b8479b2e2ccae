import { describe, expect, it } from 'vitest';
import { type Box, ROW_GAP, wrapIntoRows } from './wrapRows';

const chain = (n: number): Record<string, Box> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${i}`, { x: i * 254, y: 0, w: 184, h: 80 }]));

describe('wrapIntoRows', () => {
  it('leaves a graph that fits alone', () => {
    const pos = wrapIntoRows(chain(4), 2000, 1000);
    expect(pos.n3).toEqual({ x: 3 * 254, y: 0 });
  });
  it('cuts a long chain between layers into rows, each left to right', () => {
    const pos = wrapIntoRows(chain(12), 1100, 1200); // 4 layers of 254 px fit in 1100
    expect(pos.n0).toEqual({ x: 0, y: 0 });
    expect(pos.n3).toEqual({ x: 3 * 254, y: 0 });
    expect(pos.n4).toEqual({ x: 0, y: 80 + ROW_GAP });
    expect(pos.n11).toEqual({ x: 3 * 254, y: 2 * (80 + ROW_GAP) });
    for (let i = 1; i < 12; i++) {
      if (i % 4) expect(pos[`n${i}`].x).toBeGreaterThan(pos[`n${i - 1}`].x); // left to right in a row
    }
  });
  it('keeps a layer (parallel branches) together in one row', () => {
    const boxes = chain(8);
    boxes.b = { x: 4 * 254, y: 120, w: 184, h: 80 };
    const pos = wrapIntoRows(boxes, 1100, 2000);
    expect(pos.b.y - pos.n4.y).toBe(120);
    expect(pos.b.x).toBe(pos.n4.x);
  });
  it('does not wrap when the rows would not fit either', () => {
    const pos = wrapIntoRows(chain(12), 1100, 300);
    expect(pos.n11).toEqual({ x: 11 * 254, y: 0 });
  });
});
