import { describe, expect, it } from 'vitest';
import { configDiff, flatten } from './configDiff';

describe('configDiff', () => {
  it('flattens nested configs', () => {
    expect(flatten({ a: 1, o: { lr: 0.1, n: 'adam' }, l: [1, 2] })).toEqual({
      a: '1',
      'o.lr': '0.1',
      'o.n': '"adam"',
      l: '[1,2]',
    });
  });
  it('keeps only differing paths', () => {
    const rows = configDiff([
      { epochs: 1, optimizer: { name: 'adam', learning_rate: 0.01 } },
      { epochs: 1, optimizer: { name: 'sgd', learning_rate: 0.01 }, seed: 3 },
    ]);
    expect(rows).toEqual([
      { path: 'optimizer.name', values: ['"adam"', '"sgd"'] },
      { path: 'seed', values: [undefined, '3'] },
    ]);
  });
});
