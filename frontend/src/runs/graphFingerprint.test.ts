import { describe, expect, it } from 'vitest';
import { graphFingerprint } from './graphFingerprint';

const g = (units: number, x = 0) => ({
  nodes: [
    { id: 'input1', type: 'Input', params: { shape: [8] }, position: { x, y: 0 } },
    { id: 'dense1', type: 'Dense', params: { units, activation: 'relu' } },
  ],
  edges: [{ source: 'input1', target: 'dense1' }],
});

describe('graphFingerprint', () => {
  it('ignores layout and parameter order', () => {
    const a = g(10);
    const b = {
      ...g(10, 300),
      nodes: [{ ...g(10).nodes[1], params: { activation: 'relu', units: 10 } }, g(10, 300).nodes[0]],
    };
    expect(graphFingerprint(a)).toBe(graphFingerprint(b));
  });

  it('tells apart graphs whose node ids match but whose blocks differ', () => {
    expect(graphFingerprint(g(10))).not.toBe(graphFingerprint(g(32)));
    const other = {
      nodes: [
        { id: 'input1', type: 'Input', params: { shape: [8] } },
        { id: 'dense1', type: 'Conv2D', params: {} },
      ],
      edges: g(1).edges,
    };
    expect(graphFingerprint(g(10))).not.toBe(graphFingerprint(other));
  });

  it('counts the wiring', () => {
    expect(graphFingerprint(g(10))).not.toBe(graphFingerprint({ ...g(10), edges: [] }));
  });
});
