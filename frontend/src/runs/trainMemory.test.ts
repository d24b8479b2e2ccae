import { describe, expect, it } from 'vitest';
import { recall, remember } from './trainMemory';

const mem = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

describe('train memory', () => {
  it('remembers the data set and settings per graph', () => {
    const s = mem();
    remember('lenet', { dataset: 'digits', config: { epochs: 3 } }, s, 1);
    remember('mlp', { dataset: 'iris', config: { epochs: 9 } }, s, 2);
    expect(recall('lenet', s)).toMatchObject({ dataset: 'digits', config: { epochs: 3 } });
    expect(recall('mlp', s)?.dataset).toBe('iris');
    expect(recall('other', s)).toBeNull();
  });
});
