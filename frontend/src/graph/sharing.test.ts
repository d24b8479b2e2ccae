import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../types';
import { canonical, docToFlow, flowToDoc } from './convert';
import { shareCandidates, shareLinks } from './sharing';

const doc: GraphDoc = {
  format: 'akid.graph/v1',
  name: 'siamese',
  nodes: [
    { id: 'a', type: 'Input', params: { shape: [6] } },
    { id: 'b', type: 'Input', params: { shape: [6] } },
    { id: 'enc', type: 'Dense', params: { units: 4 } },
    { id: 'enc2', type: 'Dense', params: { units: 4 }, shares: 'enc' },
    { id: 'other', type: 'Dense', params: { units: 4 } },
    { id: 'y', type: 'Output', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'a', source_port: 'out', target: 'enc', target_port: 'in' },
    { id: 'e2', source: 'b', source_port: 'out', target: 'enc2', target_port: 'in' },
  ],
};

describe('shared layers in the editor model', () => {
  it('keeps shares through load and save, as a node key and never as an edge', () => {
    const g = docToFlow(doc);
    expect(g.nodes.find((n) => n.id === 'enc2')?.data.shares).toBe('enc');
    const back = flowToDoc(g);
    expect(back.nodes.find((n) => n.id === 'enc2')?.shares).toBe('enc');
    expect(back.nodes.find((n) => n.id === 'enc')).not.toHaveProperty('shares');
    expect(back.edges).toHaveLength(2);
    expect(canonical(back)).toEqual(back);
  });

  it('links a sharer to its owner; a dangling link is not drawn', () => {
    const g = docToFlow(doc);
    expect(shareLinks(g.nodes)).toEqual([{ from: 'enc2', to: 'enc' }]);
    const dangling = g.nodes.map((n) => (n.id === 'enc2' ? { ...n, data: { ...n.data, shares: 'gone' } } : n));
    expect(shareLinks(dangling)).toEqual([]);
  });

  it('offers nodes of the same type that do not share themselves', () => {
    const g = docToFlow(doc);
    expect(shareCandidates(g.nodes, 'other')).toEqual(['enc']);
    expect(shareCandidates(g.nodes, 'enc')).toEqual(['other']);
    expect(shareCandidates(g.nodes, 'a')).toEqual([]);
  });
});
