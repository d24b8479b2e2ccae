import { describe, expect, it } from 'vitest';
import { gridCells } from './gridCells';

const grid = { count: 10, rows: 3, cols: 4, cell_w: 24, cell_h: 24, pad: 1 };

describe('gridCells', () => {
  it('places channel i at row i // cols, column i % cols', () => {
    const cells = gridCells(grid, 101, 76);
    expect(cells).toHaveLength(10);
    expect(cells[0].channel).toBe(0);
    expect(cells[0].left).toBeCloseTo(100 / 101);
    expect(cells[0].top).toBeCloseTo(100 / 76);
    expect(cells[5].left).toBeCloseTo(((1 + 25) / 101) * 100);
    expect(cells[5].top).toBeCloseTo(((1 + 25) / 76) * 100);
    expect(cells[9].top).toBeCloseTo(((1 + 50) / 76) * 100);
    expect(cells[9].width).toBeCloseTo((24 / 101) * 100);
  });
  it('draws nothing without a layout, for one tile, or when the picture does not match', () => {
    expect(gridCells(undefined, 101, 76)).toEqual([]);
    expect(gridCells({ ...grid, count: 1, rows: 1, cols: 1 }, 26, 26)).toEqual([]);
    expect(gridCells(grid, 100, 76)).toEqual([]);
  });
});
