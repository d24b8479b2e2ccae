import { describe, expect, it } from 'vitest';
import { placeNear } from '../src/editor/layout';
import { docToFlow } from '../src/graph/convert';

describe('placeNear', () => {
  it('places new nodes beside a placed neighbour and leaves placed nodes alone', () => {
    const g = docToFlow({
      format: 'akid.graph/v1',
      name: 't',
      nodes: [
        { id: 'a', type: 'Input', position: { x: 100, y: 50 } },
        { id: 'b', type: 'Dense' },
        { id: 'c', type: 'Dense' },
        { id: 'lone', type: 'Dense' },
      ],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
      ],
    });
    const pos = placeNear(g.nodes, g.edges);
    expect(pos.a).toBeUndefined();
    expect(pos.b).toEqual({ x: 340, y: 90 });
    expect(pos.c).toEqual({ x: 580, y: 130 });
    expect(pos.lone.y).toBeGreaterThan(50);
  });
});
