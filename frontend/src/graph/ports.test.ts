import { describe, expect, it } from 'vitest';
import type { BlockSpec } from '../types';
import { portsFor } from './ports';

const spec = (over: Partial<BlockSpec>): BlockSpec => ({
  type: 'X',
  category: 'merge',
  doc: '',
  inputs: [{ name: 'in', multi: false }],
  outputs: [{ name: 'out', multi: false }],
  dynamic_outputs: false,
  params_schema: {},
  defaults: {},
  key_params: [],
  ...over,
});

describe('portsFor', () => {
  it('applies the output rule from the spec JSON to the node params', () => {
    const s = spec({
      type: 'Chunk',
      dynamic_outputs: true,
      output_rule: { param: 'parts', pattern: 'part{i}' },
      defaults: { parts: 2 },
    });
    expect(portsFor('Chunk', { parts: 3 }, s).outputs.map((p) => p.name)).toEqual(['part0', 'part1', 'part2']);
    expect(portsFor('Chunk', {}, s).outputs.map((p) => p.name)).toEqual(['part0', 'part1']);
  });

  it('keeps the declared ports when the param is not a sane count', () => {
    const s = spec({ output_rule: { param: 'num', pattern: 'out{i}' }, outputs: [{ name: 'out0', multi: false }] });
    expect(portsFor('X', { num: -1 }, s).outputs.map((p) => p.name)).toEqual(['out0']);
    expect(portsFor('X', { num: 'two' }, s).outputs.map((p) => p.name)).toEqual(['out0']);
  });

  it('picks fixed ports by a param value, null included (a bidirectional LSTM with merge_mode null)', () => {
    const s = spec({
      type: 'LSTM',
      dynamic_outputs: true,
      output_rule: { param: 'merge_mode', cases: [{ value: null, ports: ['fwd', 'bwd'] }], otherwise: ['out'] },
      defaults: { merge_mode: 'concat' },
    });
    expect(portsFor('LSTM', { merge_mode: null }, s).outputs.map((p) => p.name)).toEqual(['fwd', 'bwd']);
    expect(portsFor('LSTM', { merge_mode: 'sum' }, s).outputs.map((p) => p.name)).toEqual(['out']);
    expect(portsFor('LSTM', {}, s).outputs.map((p) => p.name)).toEqual(['out']);
  });

  it('gives a block without a rule its declared ports', () => {
    expect(portsFor('X', { num: 5 }, spec({})).outputs.map((p) => p.name)).toEqual(['out']);
  });
});
