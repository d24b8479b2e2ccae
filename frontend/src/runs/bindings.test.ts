import { describe, expect, it } from 'vitest';
import { checkBindings } from './bindings';
import type { DatasetSpec, GraphDoc } from './types';

const digits: DatasetSpec = {
  name: 'digits',
  features: { image: { shape: [8, 8, 1] } },
  targets: { label: { shape: [], num_classes: 10 } },
};
const graph = (inputShape: number[], feature = 'image', target = 'label'): GraphDoc => ({
  format: 'akid.graph/v1',
  nodes: [
    { id: 'x', type: 'Input', params: { shape: inputShape, feature } },
    { id: 'y', type: 'Output', params: { target } },
  ],
  edges: [],
});

describe('checkBindings', () => {
  it('accepts matching and reshapeable inputs', () => {
    expect(checkBindings(graph([8, 8, 1]), digits).every((r) => r.ok)).toBe(true);
    const r = checkBindings(graph([64]), digits)[0];
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/reshaped/);
  });
  it('flags wrong sizes and unknown names', () => {
    expect(checkBindings(graph([28, 28, 1]), digits)[0].ok).toBe(false);
    const rows = checkBindings(graph([8, 8, 1], 'pixels', 'class'), digits);
    expect(rows.map((r) => r.ok)).toEqual([false, false]);
    expect(rows[0].message).toMatch(/no feature "pixels"/);
  });
});
