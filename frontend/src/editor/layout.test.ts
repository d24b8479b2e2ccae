import { describe, expect, it } from 'vitest';
import { docToFlow } from '../graph/convert';
import { autoLayout } from './layout';

const ports = () => ({ inputs: [{ name: 'in', multi: false }], outputs: [{ name: 'out', multi: false }] });

describe('autoLayout', () => {
  it('lays a long chain left to right without wrapping it into rows', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `n${i}`);
    const g = docToFlow({
      format: 'akid.graph/v1',
      name: 'chain',
      nodes: ids.map((id) => ({ id, type: 'Dense' })),
      edges: [
        ...ids.slice(1).map((id, i) => ({ source: ids[i], target: id })),
        { source: 'n8', target: 'n3', feedback: true },
      ],
    });
    const pos = await autoLayout(g.nodes, g.edges, ports as never);
    for (let i = 1; i < ids.length; i++) expect(pos[ids[i]].x).toBeGreaterThan(pos[ids[i - 1]].x + 150);
    expect(new Set(ids.map((id) => Math.round(pos[id].y))).size).toBe(1); // one row
  });
});
