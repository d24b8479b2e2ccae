import { describe, expect, it } from 'vitest';
import { type Box, ROW_GAP, wrapIntoRows, wrapPlaced } from './wrapRows';

const chain = (n: number): Record<string, Box> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${i}`, { x: i * 254, y: 0, w: 184, h: 80 }]));

describe('wrapIntoRows', () => {
  it('leaves a graph that fits alone', () => {
    const pos = wrapIntoRows(chain(4), { width: 1000, height: 500 });
    expect(pos.n3).toEqual({ x: 3 * 254, y: 0 });
  });
  it('cuts a long chain between layers into rows, each left to right', () => {
    // 4 layers per row (3 rows) is the fewest rows shown at WRAP_ZOOM in 720 x 600: 720 / 946 >= 0.75
    const pos = wrapIntoRows(chain(12), { width: 720, height: 600 });
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
    const pos = wrapIntoRows(boxes, { width: 550, height: 1000 });
    expect(pos.b.y - pos.n4.y).toBe(120);
    expect(pos.b.x).toBe(pos.n4.x);
  });
  it('never cuts inside a feedback loop', () => {
    const loop = [{ source: 'n5', target: 'n2', data: { feedback: true } }];
    const pos = wrapIntoRows(chain(12), { width: 720, height: 900 }, loop);
    for (const id of ['n3', 'n4', 'n5']) expect(pos[id].y).toBe(pos.n2.y); // n2..n5 share a row
    expect(pos.n11.y).toBeGreaterThan(pos.n0.y);
  });
  it('does not wrap when rows would not show it larger', () => {
    const pos = wrapIntoRows(chain(12), { width: 550, height: 20 });
    expect(pos.n11).toEqual({ x: 11 * 254, y: 0 });
  });
});

describe('wrapPlaced', () => {
  const nodes = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, position: { x: i * 220, y: 0 } }));
  it('rearranges a placed graph only when it is too wide to read whole', () => {
    expect(wrapPlaced(nodes(4), [], { width: 1000, height: 500 })).toBeNull();
    const pos = wrapPlaced(nodes(12), [], { width: 550, height: 600 })!;
    expect(pos.n5.y).toBeGreaterThan(0);
    const fb = wrapPlaced(nodes(12), [{ source: 'n1', target: 'n0', data: { feedback: true } }], {
      width: 550,
      height: 600,
    })!;
    expect(fb.n11.y - fb.n0.y).toBeGreaterThan(pos.n11.y - pos.n0.y); // room for back-edges between rows
    expect(wrapPlaced(nodes(80), [], { width: 550, height: 50000 })).toBeNull(); // big graphs stay as they are
  });
});
