// Augmentation jokers (blocks of category "joker"): add, configure from the block's parameter
// schema, remove.
import { useState } from 'react';
import { SchemaForm } from './SchemaForm';
import { defaultsFromSchema, type JsonSchema, validate } from './schema';

export interface JokerSpec {
  type: string;
  doc?: string;
  params_schema?: JsonSchema;
  defaults?: Record<string, unknown>;
}

export interface Joker {
  type: string;
  params: Record<string, unknown>;
}

interface Props {
  specs: JokerSpec[];
  value: Joker[];
  onChange: (v: Joker[]) => void;
}

export function JokerEditor({ specs, value, onChange }: Props) {
  const [pick, setPick] = useState('');
  const chosen = pick || specs[0]?.type || '';
  const add = () => {
    const spec = specs.find((s) => s.type === chosen);
    if (!spec) return;
    const params = (spec.defaults ??
      (spec.params_schema ? defaultsFromSchema(spec.params_schema) : {}) ??
      {}) as Record<string, unknown>;
    onChange([...value, { type: spec.type, params }]);
  };
  return (
    <div className="runs-jokers" data-testid="jokers">
      {value.map((j, i) => {
        const schema = specs.find((s) => s.type === j.type)?.params_schema;
        return (
          <fieldset key={i} className="runs-fieldset" data-testid={`joker-${i}`}>
            <legend>
              {j.type}{' '}
              <button type="button" className="runs-link" onClick={() => onChange(value.filter((_, k) => k !== i))}>
                remove
              </button>
            </legend>
            {schema && (
              <SchemaForm
                schema={schema}
                root={schema}
                value={j.params}
                errors={validate(schema, j.params)}
                path=""
                onChange={(p) =>
                  onChange(value.map((x, k) => (k === i ? { ...x, params: p as Record<string, unknown> } : x)))
                }
              />
            )}
          </fieldset>
        );
      })}
      {specs.length > 0 ? (
        <div className="runs-row">
          <select
            value={chosen}
            data-testid="joker-select"
            aria-label="Augmentation to add"
            onChange={(e) => setPick(e.target.value)}
          >
            {specs.map((s) => (
              <option key={s.type} value={s.type} title={s.doc}>
                {s.type}
              </option>
            ))}
          </select>
          <button type="button" data-testid="joker-add" onClick={add}>
            Add augmentation
          </button>
        </div>
      ) : (
        <p className="runs-muted">No augmentation blocks available.</p>
      )}
    </div>
  );
}

export function jokerErrors(specs: JokerSpec[], value: Joker[]): string[] {
  const out: string[] = [];
  value.forEach((j) => {
    const schema = specs.find((s) => s.type === j.type)?.params_schema;
    if (schema) for (const e of validate(schema, j.params)) out.push(`${j.type}.${e.path}: ${e.message}`);
  });
  return out;
}
