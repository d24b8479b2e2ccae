// Turn a param's JSON Schema (as pydantic emits it) into a field description for the inspector,
// and parse/check the text a user types. Pure functions, unit tested.
import type { JsonSchema } from '../types';

export type FieldKind =
  | { kind: 'integer' | 'number'; min?: number; max?: number; nullable: boolean }
  | { kind: 'enum'; options: unknown[]; nullable: boolean }
  | { kind: 'boolean' }
  | { kind: 'string'; minLength?: number; maxLength?: number; nullable: boolean }
  | { kind: 'multiEnum'; options: unknown[] }
  | {
      kind: 'list';
      item: 'integer' | 'number' | 'string';
      minItems?: number;
      maxItems?: number;
      nullable: boolean;
      scalar?: 'integer' | 'number';
      /** Items may be null (an Input axis of unknown size, typed `null`). */
      nullItems?: boolean;
    }
  | { kind: 'json'; nullable: boolean };

function deref(s: JsonSchema, root?: JsonSchema): JsonSchema {
  if (s.$ref && root?.$defs) {
    const name = s.$ref.split('/').pop()!;
    return { ...root.$defs[name], ...s, $ref: undefined };
  }
  if (s.allOf && s.allOf.length === 1) return { ...deref(s.allOf[0], root), ...s, allOf: undefined };
  return s;
}

const typeOf = (s: JsonSchema): string | undefined =>
  Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
const firstItem = (s: JsonSchema): JsonSchema | undefined =>
  Array.isArray(s.items) ? s.items[0] : (s.items ?? s.prefixItems?.[0]);
/** An item schema `anyOf [X, null]` counts as X (see `nullItems`). */
const itemType = (s: JsonSchema): 'integer' | 'number' | 'string' | null => {
  const it = firstItem(s);
  const alt = it?.anyOf?.find((a) => a.type !== 'null');
  const t = alt ? typeOf(alt) : it ? typeOf(it) : undefined;
  return t === 'integer' || t === 'number' || t === 'string' ? t : null;
};
const itemsNullable = (s: JsonSchema): boolean => Boolean(firstItem(s)?.anyOf?.some((a) => a.type === 'null'));

export function fieldKind(raw: JsonSchema, root?: JsonSchema): FieldKind {
  let s = deref(raw, root);
  let nullable = Array.isArray(s.type) && s.type.includes('null');
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const parts = alts.map((a) => deref(a, root));
    nullable = parts.some((p) => p.type === 'null');
    const rest = parts.filter((p) => p.type !== 'null');
    const scalar = rest.find((p) => p.type === 'integer' || p.type === 'number');
    const list = rest.find((p) => p.type === 'array');
    if (scalar && list && rest.length === 2) {
      return {
        kind: 'list',
        item: itemType(list) ?? 'integer',
        minItems: list.minItems,
        maxItems: list.maxItems,
        nullable,
        scalar: typeOf(scalar) as 'integer' | 'number',
      };
    }
    if (rest.length === 1) s = { ...rest[0], description: s.description, default: s.default };
    else return { kind: 'json', nullable };
  }
  if (s.enum) return { kind: 'enum', options: s.enum, nullable };
  const t = typeOf(s);
  if (t === 'boolean') return { kind: 'boolean' };
  if (t === 'integer' || t === 'number') {
    const min =
      s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (t === 'integer' ? 1 : 0) : undefined);
    const max =
      s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (t === 'integer' ? 1 : 0) : undefined);
    return { kind: t, min, max, nullable };
  }
  if (t === 'string') return { kind: 'string', minLength: s.minLength, maxLength: s.maxLength, nullable };
  if (t === 'array') {
    const it = Array.isArray(s.items) ? s.items[0] : s.items;
    if (it && deref(it, root).enum) return { kind: 'multiEnum', options: deref(it, root).enum! };
    const item = itemType(s);
    if (item)
      return {
        kind: 'list',
        item,
        minItems: s.minItems ?? s.prefixItems?.length,
        maxItems: s.maxItems ?? s.prefixItems?.length,
        nullable,
        ...(itemsNullable(s) ? { nullItems: true } : {}),
      };
  }
  return { kind: 'json', nullable };
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function parseNumber(text: string, kind: 'integer' | 'number'): Parsed {
  const t = text.trim();
  if (t === '' || Number.isNaN(Number(t)))
    return { ok: false, error: `expected ${kind === 'integer' ? 'an integer' : 'a number'}` };
  const v = Number(t);
  if (kind === 'integer' && !Number.isInteger(v)) return { ok: false, error: 'expected an integer' };
  return { ok: true, value: v };
}

/** Parse what was typed into a text-like field; '' means "use the default" (undefined). */
export function parseText(text: string, f: FieldKind): Parsed {
  const t = text.trim();
  if (t === '' && f.kind !== 'string') return { ok: true, value: undefined };
  if (t.toLowerCase() === 'null' && 'nullable' in f && f.nullable) return { ok: true, value: null };
  switch (f.kind) {
    case 'integer':
    case 'number':
      return parseNumber(t, f.kind);
    case 'string':
      return { ok: true, value: text };
    case 'list': {
      const body = t
        .replace(/^[[(]/, '')
        .replace(/[\])]$/, '')
        .replace(/(\d)\s*[x×]\s*(?=-?\d)/g, '$1,');
      const parts = body.split(/[\s,]+/).filter(Boolean);
      if (f.scalar && parts.length === 1 && !/^[[(]/.test(t)) return parseNumber(parts[0], f.scalar);
      const out: unknown[] = [];
      for (const p of parts) {
        if (f.item === 'string') out.push(p);
        else if (f.nullItems && /^(null|none|\?)$/i.test(p)) out.push(null);
        else {
          const r = parseNumber(p, f.item);
          if (!r.ok) return r;
          out.push(r.value);
        }
      }
      return { ok: true, value: out };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(t) };
      } catch {
        return { ok: false, error: 'not valid JSON' };
      }
    default:
      return { ok: false, error: 'not a text field' };
  }
}

export function toText(v: unknown, f: FieldKind): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (f.kind === 'list')
    return Array.isArray(v) ? v.map((x) => (x === null ? 'null' : String(x))).join(', ') : String(v);
  if (f.kind === 'json') return JSON.stringify(v);
  return String(v);
}

/** Client-side checks shown at once (the backend report has the last word). */
export function checkValue(v: unknown, f: FieldKind): string | null {
  if (v === undefined || v === null) return null;
  if ((f.kind === 'integer' || f.kind === 'number') && typeof v === 'number') {
    if (f.min !== undefined && v < f.min) return `must be ≥ ${f.min}`;
    if (f.max !== undefined && v > f.max) return `must be ≤ ${f.max}`;
  }
  if (f.kind === 'list' && Array.isArray(v)) {
    if (f.minItems !== undefined && v.length < f.minItems) return `needs at least ${f.minItems} items`;
    if (f.maxItems !== undefined && v.length > f.maxItems) return `takes at most ${f.maxItems} items`;
  }
  if (f.kind === 'string' && typeof v === 'string') {
    if (f.minLength !== undefined && v.length < f.minLength) return `needs at least ${f.minLength} characters`;
    if (f.maxLength !== undefined && v.length > f.maxLength) return `takes at most ${f.maxLength} characters`;
  }
  return null;
}
