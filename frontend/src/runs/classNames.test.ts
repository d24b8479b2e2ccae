import { describe, expect, it } from 'vitest';
import { classNamesFor, rowNormalise } from './classNames';

const graph = { format: 'akid.graph/v1', nodes: [{ id: 'y', type: 'Output', params: { target: 'kind' } }], edges: [] };
const datasets = [{ name: 'shoes', features: null, targets: { kind: { shape: [], class_names: ['boot', 'sandal'] } } }];

describe('classNamesFor', () => {
  it("names classes from the data set of the run, by the output's target", () => {
    expect(classNamesFor({ data: { source: 'shoes' } }, graph, datasets as never, 'y', 2)).toEqual(['boot', 'sandal']);
  });
  it('falls back to indices', () => {
    expect(classNamesFor({ data: { source: 'other' } }, graph, datasets as never, 'y', 3)).toEqual(['0', '1', '2']);
    expect(classNamesFor({ data: { source: 'shoes' } }, graph, datasets as never, 'y', 3)).toEqual([
      'boot',
      'sandal',
      '2',
    ]);
  });
});

describe('rowNormalise', () => {
  it('makes each true class sum to one', () => {
    expect(
      rowNormalise([
        [3, 1],
        [0, 0],
      ]),
    ).toEqual([
      [0.75, 0.25],
      [0, 0],
    ]);
  });
});
