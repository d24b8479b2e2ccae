import { describe, expect, it } from 'vitest';
import type { BlockNodeT, GraphEdgeT } from '../../graph/model';
import { dirtyRect } from './LodEdgeCanvas';

const node = (id: string, x: number, y: number) =>
  ({ id, type: 'block', position: { x, y }, data: {}, measured: { width: 100, height: 20 } }) as unknown as BlockNodeT;
const edge = (source: string, target: string) =>
  ({ id: `${source}-${target}`, source, target }) as unknown as GraphEdgeT;

describe('LodEdgeCanvas dirtyRect', () => {
  it('covers the moved node and its edges before and after the move, nothing else', () => {
    const a = node('a', 0, 0),
      b = node('b', 200, 0),
      c = node('c', 1000, 1000);
    const prev = new Map([
      ['a', a],
      ['b', b],
      ['c', c],
    ]);
    const next = new Map(prev);
    next.set('b', node('b', 300, 50));
    const r = dirtyRect(prev, next, [edge('a', 'b'), edge('c', 'c')], new Set(['b']));
    // edge a->b starts at a's right-middle (100, 10); b spans 200..400 x 0..70 over both positions
    expect(r).toEqual([100, 0, 400, 70]);
  });

  it('is null when nothing that changed is drawn', () => {
    const a = node('a', 0, 0);
    expect(dirtyRect(new Map(), new Map([['a', a]]), [], new Set(['zz']))).toBeNull();
  });
});
