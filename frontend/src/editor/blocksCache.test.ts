import { describe, expect, it } from 'vitest';
import { readBlocksCache, writeBlocksCache } from './blocksCache';

const mem = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

describe('blocks cache', () => {
  it('gives back the last list, and nothing for junk', () => {
    const s = mem();
    expect(readBlocksCache(s)).toBeNull();
    writeBlocksCache([{ type: 'Dense' } as never], s);
    expect(readBlocksCache(s)?.[0].type).toBe('Dense');
    s.setItem('akid.blocks.cache', '{oops');
    expect(readBlocksCache(s)).toBeNull();
  });
});
