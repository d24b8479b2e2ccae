// The inspector's hook for sweeps: a param field that can be turned into a choice list
// (`8 | 16 | 32`) or a range (`0.1 .. 0.5`, `0.0001 .. 0.1 log`) and back to one value.
import { type ReactNode, useEffect, useState } from 'react';
import { firstValue, isChoice, markerText, parseMarker } from './choices';

interface Props {
  nodeId: string;
  name: string;
  value: unknown;
  defaultValue: unknown;
  onChange(value: unknown): void;
  /** The plain field (ParamField), shown while the value is not swept. */
  children: ReactNode;
}

export function SweepField({ nodeId, name, value, defaultValue, onChange, children }: Props) {
  const swept = isChoice(value);
  const [draft, setDraft] = useState(() => (swept ? markerText(value) : ''));
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    if (!swept) return;
    try {
      if (JSON.stringify(parseMarker(draft)) === JSON.stringify(value)) return;
    } catch {
      /* the draft is being typed: replace it by the stored value below */
    }
    setDraft(markerText(value));
    setErr(null);
  }, [JSON.stringify(value), nodeId]);

  if (!swept) {
    const start = value === undefined ? defaultValue : value;
    return (
      <div className="sweep-field">
        {children}
        <button
          type="button"
          className="sweep-toggle"
          data-testid={`sweep-param-${name}`}
          title="Sweep this parameter: try several values"
          onClick={() => {
            setDraft(markerText({ $choice: [start] }));
            onChange({ $choice: [start] });
          }}
        >
          ⋯ sweep
        </button>
      </div>
    );
  }
  const commit = (text: string) => {
    setDraft(text);
    try {
      onChange(parseMarker(text));
      setErr(null);
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <div className={`param-field sweep-field swept${err ? ' has-error' : ''}`} data-testid={`swept-param-${name}`}>
      <label htmlFor={`choice-${nodeId}-${name}`}>
        {name} <span className="sweep-tag">swept</span>
      </label>
      <input
        id={`choice-${nodeId}-${name}`}
        data-testid={`choice-input-${name}`}
        type="text"
        value={draft}
        placeholder="8 | 16 | 32   or   0.1 .. 0.5"
        onChange={(e) => commit(e.target.value)}
      />
      <div className="param-doc">Values separated by |, or a range low .. high (add log for a log scale).</div>
      {err && <div className="field-error">{err}</div>}
      <button
        type="button"
        className="sweep-toggle"
        data-testid={`unsweep-param-${name}`}
        onClick={() => onChange(firstValue(value))}
      >
        single value
      </button>
    </div>
  );
}
