import { describe, expect, it } from 'vitest';
import { BOX_ZOOM, detailAt } from './levels';

describe('level of detail', () => {
  it('draws boxes only when zoomed out past BOX_ZOOM', () => {
    expect(detailAt(1)).toBe('full');
    expect(detailAt(BOX_ZOOM)).toBe('full');
    expect(detailAt(BOX_ZOOM - 0.01)).toBe('box');
    expect(detailAt(0.05)).toBe('box');
  });
});
