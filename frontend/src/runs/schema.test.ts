import { describe, expect, it } from 'vitest';
import { defaultsFromSchema, type JsonSchema, setPath, validate, withDefaults } from './schema';

// Shaped like pydantic's model_json_schema() for TrainConfig.
const schema: JsonSchema = {
  type: 'object',
  $defs: {
    Optimizer: {
      type: 'object',
      properties: {
        name: { enum: ['adam', 'sgd'], type: 'string', default: 'adam' },
        learning_rate: { type: 'number', exclusiveMinimum: 0, default: 0.001 },
        momentum: { type: 'number', minimum: 0, default: 0 },
      },
    },
    Data: {
      type: 'object',
      properties: { source: { type: 'string', default: 'digits' }, params: { type: 'object', default: {} } },
    },
  },
  properties: {
    data: { $ref: '#/$defs/Data' },
    epochs: { type: 'integer', minimum: 1, default: 5 },
    batch_size: { type: 'integer', minimum: 1, default: 32 },
    optimizer: { $ref: '#/$defs/Optimizer' },
    schedule: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null },
    jokers: { type: 'array', items: { type: 'object' } },
    strategy: { enum: ['default', 'mirrored', 'multi_worker'], default: 'default' },
    seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
  },
};

describe('config form defaults', () => {
  it('builds defaults through $ref, anyOf and nested objects', () => {
    expect(defaultsFromSchema(schema)).toEqual({
      data: { source: 'digits', params: {} },
      epochs: 5,
      batch_size: 32,
      optimizer: { name: 'adam', learning_rate: 0.001, momentum: 0 },
      schedule: null,
      jokers: [],
      strategy: 'default',
      seed: null,
    });
  });
  it("an explicit defaults object overrides the schema's", () => {
    const d = defaultsFromSchema(schema);
    const merged = withDefaults(d, { epochs: 2, optimizer: { learning_rate: 0.01 } }) as Record<string, unknown>;
    expect(merged.epochs).toBe(2);
    expect(merged.optimizer).toEqual({ name: 'adam', learning_rate: 0.01, momentum: 0 });
  });
  it('the defaults are valid', () => {
    expect(validate(schema, defaultsFromSchema(schema))).toEqual([]);
  });
  it('reports every invalid field with its path', () => {
    let v = defaultsFromSchema(schema);
    v = setPath(v, 'epochs', 0);
    v = setPath(v, 'optimizer.learning_rate', 0);
    v = setPath(v, 'strategy', 'bogus');
    v = setPath(v, 'batch_size', 2.5);
    const errs = validate(schema, v);
    expect(errs.map((e) => e.path).sort()).toEqual(['batch_size', 'epochs', 'optimizer.learning_rate', 'strategy']);
  });
});

import { parseNumberText } from './SchemaForm';

describe('number entry', () => {
  it('turns complete numbers into numbers and keeps partial text', () => {
    expect(parseNumberText('0.10')).toBe(0.1);
    expect(parseNumberText('1e-3')).toBe(0.001);
    expect(parseNumberText('0.')).toBe('0.');
    expect(parseNumberText('1e-')).toBe('1e-');
    expect(parseNumberText('')).toBe('');
    expect(parseNumberText('abc')).toBe('abc');
  });
});

// A snapshot of GET /api/config/schema (akid.train.config.train_config_schema()).
import real from './train-config-schema.fixture.json';

describe('the real TrainConfig schema', () => {
  const schema = real.schema as JsonSchema;
  it("schema defaults agree with the server's defaults", () => {
    const fromSchema = defaultsFromSchema(schema) as Record<string, unknown>;
    const merged = withDefaults(fromSchema, real.defaults) as Record<string, unknown>;
    expect(merged).toEqual(real.defaults);
    // every default the schema states itself is the server's
    for (const k of ['epochs', 'batch_size', 'strategy', 'workers', 'checkpoint_every']) {
      expect(fromSchema[k]).toEqual((real.defaults as Record<string, unknown>)[k]);
    }
    expect((fromSchema.optimizer as Record<string, unknown>).learning_rate).toBe(real.defaults.optimizer.learning_rate);
  });
  it('the defaults are valid and bad values are caught', () => {
    expect(validate(schema, real.defaults)).toEqual([]);
    let v = setPath(real.defaults, 'optimizer.momentum', 1);
    v = setPath(v, 'strategy', 'everywhere');
    v = setPath(v, 'early_stopping', { monitor: 'loss', patience: 0, min_delta: 0, mode: 'auto' });
    expect(
      validate(schema, v)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['early_stopping.patience', 'optimizer.momentum', 'strategy']);
  });
});
