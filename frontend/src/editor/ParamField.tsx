// One inspector field generated from a param's JSON Schema, with its errors beside it.
import { useEffect, useMemo, useState } from 'react';
import type { JsonSchema } from '../types';
import { RstText, rstPlain } from './rstText';
import { checkValue, fieldKind, parseText, toText } from './schemaForm';

interface Props {
  nodeId: string;
  name: string;
  schema: JsonSchema;
  root: JsonSchema;
  value: unknown;
  defaultValue: unknown;
  errors?: string[];
  onChange(value: unknown): void;
}

export function ParamField({ nodeId, name, schema, root, value, defaultValue, errors, onChange }: Props) {
  const f = useMemo(() => fieldKind(schema, root), [schema, root]);
  const shown = value === undefined ? defaultValue : value;
  const [draft, setDraft] = useState(() => toText(shown, f));
  const [localErr, setLocalErr] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo, another node selected) unless the draft already means it.
    const r = parseText(draft, f);
    if (!r.ok || JSON.stringify(r.value ?? defaultValue) !== JSON.stringify(shown)) {
      setDraft(toText(shown, f));
      setLocalErr(null);
    }
  }, [JSON.stringify(shown), nodeId]);

  const id = `param-${nodeId}-${name}`;
  const tid = `param-${name}`;
  const commitText = (text: string) => {
    setDraft(text);
    const r = parseText(text, f);
    if (!r.ok) return setLocalErr(r.error);
    setLocalErr(checkValue(r.value, f));
    onChange(r.value);
  };
  let input: React.ReactNode;
  switch (f.kind) {
    case 'boolean':
      input = (
        <input
          id={id}
          data-testid={tid}
          type="checkbox"
          checked={!!shown}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
      break;
    case 'enum':
      input = (
        <select
          id={id}
          data-testid={tid}
          value={JSON.stringify(shown ?? null)}
          onChange={(e) => onChange(JSON.parse(e.target.value))}
        >
          {f.nullable && <option value="null">none</option>}
          {f.options.map((o) => (
            <option key={String(o)} value={JSON.stringify(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'multiEnum': {
      const cur = Array.isArray(shown) ? shown : [];
      input = (
        <div className="multi-enum" data-testid={tid}>
          {f.options.map((o) => (
            <label key={String(o)}>
              <input
                type="checkbox"
                checked={cur.includes(o)}
                onChange={(e) => onChange(e.target.checked ? [...cur, o] : cur.filter((x) => x !== o))}
              />
              {String(o)}
            </label>
          ))}
        </div>
      );
      break;
    }
    case 'integer':
    case 'number':
      input = (
        <input
          id={id}
          data-testid={tid}
          type="number"
          value={draft}
          min={f.min}
          max={f.max}
          step={f.kind === 'integer' ? 1 : 'any'}
          placeholder={toText(defaultValue, f)}
          onChange={(e) => commitText(e.target.value)}
        />
      );
      break;
    default:
      input = (
        <input
          id={id}
          data-testid={tid}
          type="text"
          value={draft}
          placeholder={toText(defaultValue, f)}
          onChange={(e) => commitText(e.target.value)}
          title={f.kind === 'list' ? (f.scalar ? 'one number, or a list like 3, 3' : 'a list like 8, 8, 1') : undefined}
        />
      );
  }
  const all = [...(localErr ? [localErr] : []), ...(errors ?? [])];
  return (
    <div className={`param-field${all.length ? ' has-error' : ''}`}>
      <label htmlFor={id} title={schema.description ? rstPlain(schema.description) : undefined}>
        {schema.title ?? name}
        {f.kind === 'list' && <span className="hint">{f.scalar ? ' int | list' : ' list'}</span>}
      </label>
      {input}
      {schema.description && (
        <div className="param-doc">
          <RstText text={schema.description} />
        </div>
      )}
      {all.map((m, i) => (
        <div key={i} className="field-error" data-testid={`param-error-${name}`}>
          {m}
        </div>
      ))}
    </div>
  );
}
