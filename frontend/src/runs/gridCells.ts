// Channel positions on a grid picture, as percentages of the picture, so numbers drawn over it
// stay on their tiles at any displayed size (normal and zoomed).
import type { GridLayout } from './types';

export interface GridCell {
  channel: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One cell per channel (in percent of the picture), or none when the layout does not match the
 * picture (an older run without layout, or a single tile that is not a channel grid). */
export function gridCells(grid: GridLayout | undefined, width?: number, height?: number): GridCell[] {
  if (!grid || !width || !height || grid.count < 2 || grid.cols < 1) return [];
  const expectedW = grid.cols * (grid.cell_w + grid.pad) + grid.pad;
  const expectedH = grid.rows * (grid.cell_h + grid.pad) + grid.pad;
  if (expectedW !== width || expectedH !== height) return [];
  const out: GridCell[] = [];
  for (let i = 0; i < grid.count; i++) {
    const r = Math.floor(i / grid.cols);
    const c = i % grid.cols;
    out.push({
      channel: i,
      left: ((grid.pad + c * (grid.cell_w + grid.pad)) / width) * 100,
      top: ((grid.pad + r * (grid.cell_h + grid.pad)) / height) * 100,
      width: (grid.cell_w / width) * 100,
      height: (grid.cell_h / height) * 100,
    });
  }
  return out;
}
