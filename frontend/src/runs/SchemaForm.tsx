// A form generated from a JSON Schema (pydantic flavour): numbers, integers, text, enums,
// booleans, nullable fields (with an "unset" checkbox) and nested objects as fieldsets.
// Every input carries data-testid="field-<dotted.path>"; errors show beside their field.
import { type ReactNode, useState } from 'react';
import {
  defaultsFromSchema,
  type FieldError,
  fieldTitle,
  getPath,
  type JsonSchema,
  type JsonValue,
  schemaType,
  setPath,
  unwrapNullable,
} from './schema';

interface Props {
  schema: JsonSchema;
  root: JsonSchema;
  value: JsonValue;
  onChange: (v: JsonValue) => void;
  errors: FieldError[];
  exclude?: string[];
  collapsed?: string[];
  path?: string;
}

export function SchemaForm({ schema, root, value, onChange, errors, exclude = [], collapsed = [], path = '' }: Props) {
  const props = Object.entries(schema.properties ?? {}).filter(([k]) => !exclude.includes(join(path, k)));
  return (
    <div className="runs-form">
      {props.map(([key, sub]) => (
        <Field
          key={key}
          name={key}
          path={join(path, key)}
          sub={sub}
          root={root}
          value={value}
          onChange={onChange}
          errors={errors}
          exclude={exclude}
          collapsed={collapsed}
        />
      ))}
    </div>
  );
}

function join(path: string, key: string) {
  return path ? `${path}.${key}` : key;
}

interface FieldProps {
  name: string;
  path: string;
  sub: JsonSchema;
  root: JsonSchema;
  value: JsonValue;
  onChange: (v: JsonValue) => void;
  errors: FieldError[];
  exclude: string[];
  collapsed: string[];
}

function Field({ name, path, sub, root, value, onChange, errors, exclude, collapsed }: FieldProps) {
  const { schema, nullable } = unwrapNullable(sub, root);
  const t = schemaType(schema);
  const cur = getPath(value, path);
  const set = (v: JsonValue) => onChange(setPath(value, path, v));
  // nested models are titled by their class ("OptimizerConfig"): name groups by their key
  const title = t === 'object' ? fieldTitle(name, {}) : fieldTitle(name, schema);
  const myErrors = errors.filter((e) => e.path === path);
  const [open, setOpen] = useState(!collapsed.includes(path));

  if (t === 'object' && schema.properties) {
    const isNull = cur === null || cur === undefined;
    return (
      <fieldset className="runs-fieldset" data-testid={`fieldset-${path}`}>
        <legend>
          <button type="button" className="runs-link" data-testid={`toggle-${path}`} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'} {title}
          </button>
          {nullable && (
            <label className="runs-inline">
              <input
                type="checkbox"
                checked={!isNull}
                data-testid={`enable-${path}`}
                onChange={(e) =>
                  set(e.target.checked ? defaultsFromSchema({ ...schema, default: undefined }, root) : null)
                }
              />
              enabled
            </label>
          )}
        </legend>
        {open && !isNull && (
          <SchemaForm
            schema={schema}
            root={root}
            value={value}
            onChange={onChange}
            errors={errors}
            exclude={exclude}
            collapsed={collapsed}
            path={path}
          />
        )}
      </fieldset>
    );
  }
  if (t === 'object' || t === 'array') return null; // free-form dicts/lists have dedicated editors

  const isNull = cur === null || cur === undefined;
  let input: ReactNode;
  const tid = `field-${path}`;
  if (schema.enum) {
    input = (
      <select
        value={String(cur ?? '')}
        data-testid={tid}
        disabled={isNull && nullable}
        onChange={(e) => set(e.target.value)}
      >
        {schema.enum.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (t === 'boolean') {
    input = <input type="checkbox" checked={cur === true} data-testid={tid} onChange={(e) => set(e.target.checked)} />;
  } else if (t === 'integer' || t === 'number') {
    input = <NumberInput value={cur} disabled={isNull && nullable} testId={tid} onChange={set} />;
  } else {
    input = (
      <input
        type="text"
        value={String(cur ?? '')}
        data-testid={tid}
        disabled={isNull && nullable}
        onChange={(e) => set(e.target.value)}
      />
    );
  }
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is one of the branches below
    <label className={`runs-field${myErrors.length ? ' runs-field-error' : ''}`} title={schema.description}>
      <span className="runs-field-label">{title}</span>
      {nullable && (
        <input
          type="checkbox"
          title="set a value"
          checked={!isNull}
          data-testid={`enable-${path}`}
          onChange={(e) =>
            set(
              e.target.checked
                ? (defaultsFromSchema({ ...schema, default: undefined }, root) ??
                    (t === 'integer' || t === 'number' ? (schema.minimum ?? 1) : ''))
                : null,
            )
          }
        />
      )}
      {input}
      {myErrors.map((e, i) => (
        <span key={i} className="runs-error" data-testid={`error-${path}`}>
          {e.message}
        </span>
      ))}
    </label>
  );
}

/** A typed number ("0.10", "1e-3") becomes a number; a partial entry ("0.", "") stays text and
 * fails validation until it is complete. */
export function parseNumberText(text: string): number | string {
  const t = text.trim();
  const v = Number(t);
  return t !== '' && Number.isFinite(v) && !/[.eE+-]$/.test(t) ? v : text;
}

/** Number input that keeps what the user typed ("0.10") while the form holds the number. */
function NumberInput(props: { value: unknown; disabled: boolean; testId: string; onChange: (v: JsonValue) => void }) {
  const shown = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '');
  const [text, setText] = useState(shown(props.value));
  const [seen, setSeen] = useState(props.value);
  if (props.value !== seen) {
    setSeen(props.value);
    if (parseNumberText(text) !== props.value) setText(shown(props.value));
  }
  return (
    <input
      type="text"
      inputMode="decimal"
      value={text}
      disabled={props.disabled}
      data-testid={props.testId}
      onChange={(e) => {
        const v = parseNumberText(e.target.value);
        setText(e.target.value);
        setSeen(v);
        props.onChange(v);
      }}
    />
  );
}
