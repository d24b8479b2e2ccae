import { describe, expect, it } from 'vitest';
import { docToFlow, flowToDoc } from '../graph/convert';
import type { GraphDoc } from '../types';
import { firstVariant, graphHasChoices, markerSize, markerText, parseMarker, sweptStructure } from './choices';

describe('choice markers', () => {
  it('parses choice lists and ranges and writes them back', () => {
    expect(parseMarker('16 | 32|64')).toEqual({ $choice: [16, 32, 64] });
    expect(parseMarker('relu|tanh')).toEqual({ $choice: ['relu', 'tanh'] });
    expect(parseMarker('[3,3] | [5,5]')).toEqual({
      $choice: [
        [3, 3],
        [5, 5],
      ],
    });
    expect(parseMarker('0.1..0.5')).toEqual({ $range: [0.1, 0.5] });
    expect(parseMarker('0.0001 .. 0.1 log')).toEqual({ $range: [0.0001, 0.1], log: true });
    expect(markerText({ $choice: [16, 'same', [3, 3]] })).toBe('16 | same | [3,3]');
    expect(markerText({ $range: [0.1, 0.5], log: true })).toBe('0.1 .. 0.5 log');
  });

  it('refuses bad text with a message', () => {
    expect(() => parseMarker('0.5..0.1')).toThrow('low < high');
    expect(() => parseMarker('0..1 log')).toThrow('low > 0');
    expect(() => parseMarker('8|8')).toThrow('twice');
    expect(() => parseMarker('8|')).toThrow('empty');
  });

  it('sizes', () => {
    expect(markerSize({ $choice: [1, 2, 3] })).toBe(3);
    expect(markerSize({ $range: [1, 4] })).toBe(4);
    expect(markerSize({ $range: [0.1, 0.5] })).toBeNull();
  });

  it('the first variant is a plain graph', () => {
    const doc = {
      format: 'akid.graph/v1',
      nodes: [{ id: 'c', type: 'Conv2D', params: { filters: { $choice: [8, 16] }, kernel_size: 3 } }],
      edges: [],
    } as unknown as GraphDoc;
    expect(graphHasChoices(doc)).toBe(true);
    const plain = firstVariant(doc);
    expect(plain.nodes[0].params).toEqual({ filters: 8, kernel_size: 3 });
    expect(graphHasChoices(plain)).toBe(false);
    expect(firstVariant(plain)).toBe(plain);
  });
});

describe('structural choices', () => {
  const doc = {
    format: 'akid.graph/v1',
    name: 'g',
    nodes: [
      { id: 'x', type: 'Input', params: { shape: [8] } },
      { id: 'd', type: 'Dropout', params: { rate: 0.3 }, $optional: true },
      { id: 'h', type: 'Dense', params: { units: 8 } },
    ],
    edges: [],
    $repeats: [{ id: 'repeat1', nodes: ['h'], times: { $choice: [1, 2] } }],
  } as unknown as GraphDoc;

  it('the first variant drops the marks', () => {
    expect(graphHasChoices(doc)).toBe(true);
    const plain = firstVariant(doc) as unknown as Record<string, unknown>;
    expect('$repeats' in plain).toBe(false);
    expect((plain.nodes as object[]).some((n) => '$optional' in n)).toBe(false);
  });

  it('the editor keeps them through load and save', () => {
    const back = flowToDoc(docToFlow(doc)) as unknown as typeof doc & { $repeats: unknown };
    expect(back.$repeats).toEqual([{ id: 'repeat1', nodes: ['h'], times: { $choice: [1, 2] } }]);
    expect((back.nodes[1] as unknown as { $optional?: boolean }).$optional).toBe(true);
    const flow = docToFlow(doc);
    flow.nodes = flow.nodes.filter((n) => n.id !== 'h'); // a deleted node leaves its group
    expect('$repeats' in flowToDoc(flow)).toBe(false);
    expect(sweptStructure(flow.meta.sweep, 'd')).toBe(true);
    expect(sweptStructure(flow.meta.sweep, 'x')).toBe(false);
  });
});
