// A small JSON Schema (pydantic flavour) walker: defaults and validation for the TrainConfig form.

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
}

export type JsonValue = unknown;

export function resolveRef(s: JsonSchema, root: JsonSchema): JsonSchema {
  let cur = s;
  for (let guard = 0; cur.$ref && guard < 16; guard++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(cur.$ref);
    const target = m ? (root[m[1]] as Record<string, JsonSchema> | undefined)?.[m[2]] : undefined;
    if (!target) break;
    const { $ref: _ref, ...rest } = cur;
    cur = { ...target, ...rest };
  }
  if (cur.allOf && cur.allOf.length === 1) {
    const { allOf, ...rest } = cur;
    cur = { ...resolveRef(allOf[0], root), ...rest };
  }
  return cur;
}

/** Splits `anyOf: [X, {type: null}]` into X and nullable=true. */
export function unwrapNullable(s: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const r = resolveRef(s, root);
  const alts = r.anyOf ?? r.oneOf;
  if (alts) {
    const nonNull = alts.filter((a) => a.type !== 'null');
    if (nonNull.length === 1) {
      const { anyOf: _a, oneOf: _o, ...rest } = r;
      return { schema: { ...resolveRef(nonNull[0], root), ...rest }, nullable: nonNull.length < alts.length };
    }
  }
  if (Array.isArray(r.type) && r.type.includes('null')) {
    const types = r.type.filter((t) => t !== 'null');
    return { schema: { ...r, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  return { schema: r, nullable: false };
}

export function schemaType(s: JsonSchema): string | undefined {
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type[0];
  if (s.properties) return 'object';
  if (s.enum) return typeof s.enum[0] === 'number' ? 'number' : 'string';
  if (s.const !== undefined) return typeof s.const;
  return undefined;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** The default value of a schema: explicit default, else built from the properties' defaults. */
export function defaultsFromSchema(s: JsonSchema, root: JsonSchema = s): JsonValue {
  const { schema, nullable } = unwrapNullable(s, root);
  if (schema.default !== undefined) return clone(schema.default);
  if (schema.const !== undefined) return schema.const;
  const t = schemaType(schema);
  if (t === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, sub] of Object.entries(schema.properties ?? {})) {
      const v = defaultsFromSchema(sub, root);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (nullable) return null;
  if (t === 'array') return [];
  if (schema.enum?.length) return schema.enum[0];
  return undefined;
}

/** Fills missing keys of value from defaults (deep for plain objects). */
export function withDefaults(defaults: JsonValue, value: JsonValue): JsonValue {
  if (isPlainObject(defaults) && isPlainObject(value)) {
    const out: Record<string, JsonValue> = { ...defaults };
    for (const [k, v] of Object.entries(value)) out[k] = withDefaults(defaults[k], v);
    return out;
  }
  return value === undefined ? clone(defaults) : value;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface FieldError {
  path: string;
  message: string;
}

/** Validates value against schema; returns every error (path is dotted, "" for the root). */
export function validate(s: JsonSchema, value: JsonValue, root: JsonSchema = s, path = ''): FieldError[] {
  const { schema, nullable } = unwrapNullable(s, root);
  const errs: FieldError[] = [];
  const at = (message: string) => errs.push({ path, message });
  if (value === null || value === undefined) {
    if (!nullable && value === null) at('must not be empty');
    return errs;
  }
  if (schema.const !== undefined && value !== schema.const) at(`must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    at(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
    return errs;
  }
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts?.length) {
    const ok = alts.some((a) => validate(a, value, root, path).length === 0);
    if (!ok) at('does not match any allowed form');
    return errs;
  }
  const t = schemaType(schema);
  if (t === 'integer' || t === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      at('must be a number');
      return errs;
    }
    if (t === 'integer' && !Number.isInteger(value)) at('must be a whole number');
    if (schema.minimum !== undefined && value < schema.minimum) at(`must be ≥ ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) at(`must be ≤ ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      at(`must be > ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      at(`must be < ${schema.exclusiveMaximum}`);
  } else if (t === 'string') {
    if (typeof value !== 'string') at('must be text');
    else if (schema.minLength !== undefined && value.length < schema.minLength) at('must not be empty');
  } else if (t === 'boolean') {
    if (typeof value !== 'boolean') at('must be true or false');
  } else if (t === 'array') {
    if (!Array.isArray(value)) at('must be a list');
    else if (schema.items)
      value.forEach((v, i) => errs.push(...validate(schema.items as JsonSchema, v, root, join(path, String(i)))));
  } else if (t === 'object') {
    if (!isPlainObject(value)) {
      at('must be an object');
      return errs;
    }
    for (const req of schema.required ?? []) {
      if (value[req] === undefined) errs.push({ path: join(path, req), message: 'is required' });
    }
    for (const [k, sub] of Object.entries(schema.properties ?? {})) {
      if (value[k] !== undefined) errs.push(...validate(sub, value[k], root, join(path, k)));
    }
  }
  return errs;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function getPath(obj: JsonValue, path: string): JsonValue {
  let cur: unknown = obj;
  for (const k of path.split('.').filter(Boolean)) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Immutable set at a dotted path (creates objects on the way). */
export function setPath(obj: JsonValue, path: string, value: JsonValue): JsonValue {
  const keys = path.split('.').filter(Boolean);
  if (!keys.length) return value;
  const [head, ...rest] = keys;
  const base: Record<string, unknown> = isPlainObject(obj) ? { ...obj } : {};
  base[head] = setPath(base[head], rest.join('.'), value);
  return base;
}

/** Title for a field: schema title or the key humanised. */
export function fieldTitle(key: string, s: JsonSchema): string {
  if (s.title && s.title.toLowerCase().replace(/ /g, '_') !== key) return s.title;
  const t = key.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
