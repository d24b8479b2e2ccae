import { describe, expect, it } from 'vitest';
import { freeSpot, NEW_NODE, type Rect } from './placement';

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('freeSpot', () => {
  it('keeps a free spot as asked', () => {
    expect(freeSpot([], { x: 10, y: 20 })).toEqual({ x: 10, y: 20 });
  });

  it('moves a block dropped on another to the nearest free spot', () => {
    const taken: Rect[] = [{ x: 0, y: 0, ...NEW_NODE }];
    const p = freeSpot(taken, { x: 0, y: 0 });
    expect(overlaps({ ...p, ...NEW_NODE }, taken[0])).toBe(false);
    expect(Math.hypot(p.x, p.y)).toBeLessThan(NEW_NODE.width + 60);
  });

  it('never overlaps any of many blocks dropped on one spot', () => {
    const taken: Rect[] = [];
    for (let k = 0; k < 8; k++) {
      const p = freeSpot(taken, { x: 100, y: 100 });
      for (const r of taken) expect(overlaps({ ...p, ...NEW_NODE }, r)).toBe(false);
      taken.push({ ...p, ...NEW_NODE });
    }
  });
});
