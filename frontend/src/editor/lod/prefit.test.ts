import { describe, expect, it } from 'vitest';
import type { BlockNodeT } from '../../graph/model';
import { prefitViewport } from './prefit';

const at = (x: number, y: number) => ({ id: `${x},${y}`, position: { x, y }, data: {} }) as unknown as BlockNodeT;

describe('prefitViewport', () => {
  it('centres the positions and zooms to fit them with padding', () => {
    const vp = prefitViewport([at(0, 0), at(5816, 0), at(0, 1120)], 1000, 600, 0)!;
    // bounds 0..6000 x 0..1200 (blocks 184 x 80): width limits, zoom 1000/6000
    expect(vp.zoom).toBeCloseTo(1000 / 6000);
    expect(vp.x + 3000 * vp.zoom).toBeCloseTo(500);
    expect(vp.y + 600 * vp.zoom).toBeCloseTo(300);
  });

  it('keeps the zoom in range and gives up without nodes or a canvas', () => {
    expect(prefitViewport([at(0, 0)], 1000, 600)!.zoom).toBe(1.2);
    expect(prefitViewport([at(0, 0), at(1e7, 0)], 1000, 600)!.zoom).toBe(0.05);
    expect(prefitViewport([], 1000, 600)).toBeNull();
    expect(prefitViewport([at(0, 0)], 0, 600)).toBeNull();
  });
});
