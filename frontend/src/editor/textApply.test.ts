import { describe, expect, it } from 'vitest';
import { carryPositions } from './textApply';

const P = (x: number) => ({ x, y: 0 });

describe('carryPositions', () => {
  it('keeps blocks in place by id, and renamed blocks by type and order', () => {
    const old = [
      { id: 'x', type: 'Input', position: P(0) },
      { id: 'conv2d1', type: 'Conv2D', position: P(200) },
      { id: 'dense1', type: 'Dense', position: P(400) },
    ];
    const next = carryPositions<{ id: string; type: string; position?: { x: number; y: number } }>(old, [
      { id: 'x', type: 'Input' },
      { id: 'c', type: 'Conv2D' }, // renamed in the text
      { id: 'dense1', type: 'Dense' },
      { id: 'dense2', type: 'Dense' }, // new
    ]);
    expect(next.map((n) => n.position)).toEqual([P(0), P(200), P(400), undefined]);
  });
});
