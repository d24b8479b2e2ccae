import { describe, expect, it } from 'vitest';
import { checkValue, fieldKind, parseText, toText } from '../src/editor/schemaForm';
import type { JsonSchema } from '../src/types';
import { specs } from './helpers';

const prop = (type: string, name: string) => specs.find((s) => s.type === type)!.params_schema.properties![name];

describe('inspector fields from JSON Schema', () => {
  it('maps every param of every block to a field kind', () => {
    for (const s of specs) {
      for (const [k, p] of Object.entries(s.params_schema.properties ?? {})) {
        const f = fieldKind(p, s.params_schema);
        expect(f.kind, `${s.type}.${k}`).not.toBe('json');
      }
    }
  });

  it('numbers carry min/max, enums become selects, booleans checkboxes', () => {
    expect(fieldKind(prop('Conv2D', 'filters'))).toEqual({ kind: 'integer', min: 1, max: 4096, nullable: false });
    expect(fieldKind(prop('Conv2D', 'padding'))).toMatchObject({ kind: 'enum', options: ['valid', 'same'] });
    expect(fieldKind(prop('Conv2D', 'use_bias'))).toEqual({ kind: 'boolean' });
    expect(fieldKind(prop('Output', 'metrics'))).toMatchObject({ kind: 'multiEnum' });
    expect(fieldKind(prop('Input', 'shape'))).toMatchObject({
      kind: 'list',
      item: 'integer',
      minItems: 1,
      maxItems: 4,
    });
  });

  it('anyOf int | list accepts one number or a list', () => {
    const f = fieldKind(prop('Conv2D', 'kernel_size'));
    expect(f).toMatchObject({ kind: 'list', scalar: 'integer' });
    expect(parseText('3', f)).toEqual({ ok: true, value: 3 });
    expect(parseText('3, 5', f)).toEqual({ ok: true, value: [3, 5] });
    expect(parseText('[2,2]', f)).toEqual({ ok: true, value: [2, 2] });
    expect(parseText('3, x', f)).toMatchObject({ ok: false });
    expect(toText([3, 5], f)).toBe('3, 5');
  });

  it('handles nullable anyOf and $ref', () => {
    const root: JsonSchema = { $defs: { Mode: { enum: ['a', 'b'], type: 'string' } } };
    expect(fieldKind({ anyOf: [{ type: 'integer' }, { type: 'null' }] })).toMatchObject({
      kind: 'integer',
      nullable: true,
    });
    expect(parseText('null', fieldKind({ anyOf: [{ type: 'integer' }, { type: 'null' }] }))).toEqual({
      ok: true,
      value: null,
    });
    expect(fieldKind({ $ref: '#/$defs/Mode' }, root)).toMatchObject({ kind: 'enum', options: ['a', 'b'] });
    expect(fieldKind({ type: 'array', prefixItems: [{ type: 'integer' }, { type: 'integer' }] })).toMatchObject({
      kind: 'list',
      minItems: 2,
      maxItems: 2,
    });
  });

  it('Input shape takes null for an axis of unknown size', () => {
    const f = fieldKind(prop('Input', 'shape'));
    expect(f).toMatchObject({ kind: 'list', item: 'integer', nullItems: true });
    expect(parseText('null, 8', f)).toEqual({ ok: true, value: [null, 8] });
    expect(parseText('[None]', f)).toEqual({ ok: true, value: [null] });
    expect(toText([null, 8], f)).toBe('null, 8');
    expect(parseText('null, x', f)).toMatchObject({ ok: false });
    expect(parseText('null', fieldKind(prop('Conv2D', 'kernel_size')))).toMatchObject({ ok: false });
  });

  it('checks bounds at once', () => {
    const f = fieldKind(prop('Conv2D', 'filters'));
    expect(checkValue(0, f)).toMatch(/≥ 1/);
    expect(checkValue(5000, f)).toMatch(/≤ 4096/);
    expect(checkValue(8, f)).toBeNull();
    expect(parseText('2.5', f)).toMatchObject({ ok: false });
    expect(parseText('', f)).toEqual({ ok: true, value: undefined });
    expect(checkValue([1, 2, 3, 4, 5], fieldKind(prop('Input', 'shape')))).toMatch(/at most 4/);
  });
});
