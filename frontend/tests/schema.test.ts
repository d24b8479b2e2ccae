import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { canonical } from '../src/graph/convert';
import { goldenGraphs, repoRoot } from './helpers';

const schema = JSON.parse(readFileSync(join(repoRoot, 'frontend', 'schema', 'graph.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('schema/graph.schema.json', () => {
  it.each(goldenGraphs())('accepts the golden graph %s and its canonical form', (_name, doc) => {
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(canonical(doc)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses unknown keys, unknown versions and missing nodes', () => {
    expect(validate({ format: 'akid.graph/v1', nodes: [], extra: 1 })).toBe(false);
    expect(validate({ format: 'akid.graph/v2', nodes: [] })).toBe(false);
    expect(validate({ format: 'akid.graph/v1' })).toBe(false);
    expect(validate({ format: 'akid.graph/v1', nodes: [{ id: 'a', type: 'Dense', color: 'red' }] })).toBe(false);
    expect(validate({ format: 'akid.graph/v1', nodes: [], params: { time_steps: 0 } })).toBe(false);
  });
});
