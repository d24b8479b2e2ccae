// Data set choice (built-in and uploaded), upload, sample preview and the binding check.
import { useEffect, useState } from 'react';
import { checkBindings } from './bindings';
import { runsApi } from './runsApi';
import { SchemaForm } from './SchemaForm';
import { classMix, sampleLabel } from './sampleMix';
import { type JsonSchema, validate } from './schema';
import type { DatasetSample, DatasetSpec, GraphDoc } from './types';

/** target name -> its class names, where the data set names them. */
function classNamesOf(ds: DatasetSpec): Record<string, string[] | undefined> {
  const out: Record<string, string[] | undefined> = {};
  for (const [t, v] of Object.entries(ds.targets ?? {})) {
    const names = (v as { class_names?: unknown }).class_names;
    if (Array.isArray(names)) out[t] = names.map(String);
  }
  return out;
}

interface Props {
  /** Last-axis size arriving at each Output, from the editor's shape inference. */
  outSizes?: Record<string, number | null>;
  graph: GraphDoc;
  datasets: DatasetSpec[];
  value: string;
  onChange: (name: string) => void;
  onUploaded: (name: string | null) => Promise<void>;
  params: Record<string, unknown>;
  onParams: (p: Record<string, unknown>) => void;
}

/** The config's `data` for a data set: uploaded sets are opened with their source and path. */
export function dataConfigFor(ds: DatasetSpec): { source: string; params: Record<string, unknown> } {
  if (ds.uploaded && ds.source) return { source: ds.source, params: { ...(ds.params ?? {}) } };
  return { source: ds.name, params: {} };
}

export function DatasetPicker({ graph, datasets, value, onChange, onUploaded, params, onParams, outSizes }: Props) {
  const ds = datasets.find((d) => d.name === value) ?? null;
  const pschema = ds && !ds.uploaded ? (ds.params_schema as JsonSchema | undefined) : undefined;
  return (
    <div className="runs-dataset">
      <label className="runs-field">
        <span className="runs-field-label">Data set</span>
        <select
          value={value}
          data-testid="dataset-select"
          aria-label="Data set"
          onChange={(e) => onChange(e.target.value)}
        >
          {!ds && <option value={value}>{value || '(choose)'}</option>}
          {datasets.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
              {d.uploaded ? ' (uploaded)' : ''}
              {d.available === false ? ' (needs params)' : ''}
            </option>
          ))}
        </select>
      </label>
      <UploadForm onUploaded={onUploaded} />
      {ds?.description && <p className="runs-muted">{ds.description}</p>}
      {ds?.sizes && (
        <p className="runs-muted" data-testid="dataset-sizes">
          {Object.entries(ds.sizes)
            .map(([k, v]) => `${k}: ${v}`)
            .join(' · ')}
        </p>
      )}
      {ds?.available === false && ds.reason && <p className="runs-error">{ds.reason}</p>}
      {pschema && (
        <details className="runs-upload">
          <summary>Data set parameters</summary>
          <SchemaForm
            schema={pschema}
            root={pschema}
            value={{ ...((ds?.defaults as Record<string, unknown>) ?? {}), ...params }}
            errors={validate(pschema, { ...((ds?.defaults as Record<string, unknown>) ?? {}), ...params })}
            onChange={(v) => onParams(v as Record<string, unknown>)}
            path=""
          />
        </details>
      )}
      {ds && <Bindings graph={graph} ds={ds} outSizes={outSizes} />}
      {ds && ds.available !== false && <SamplePreview name={ds.name} classNames={classNamesOf(ds)} />}
    </div>
  );
}

function UploadForm({ onUploaded }: { onUploaded: (name: string | null) => Promise<void> }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setMsg(null);
    try {
      const form = new FormData();
      form.append('file', file);
      const dsName = name || file.name.replace(/\.[^.]+$/, '');
      form.append('name', dsName);
      const res = await runsApi.uploadDataset(form);
      const got = res.dataset?.name ?? res.name ?? dsName;
      setMsg(`Uploaded ${got}.`);
      await onUploaded(got);
    } catch (e) {
      setMsg(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="runs-upload">
      <summary>Upload a data set (CSV, zip of image folders, .npz)</summary>
      <input
        type="file"
        aria-label="Data set file"
        data-testid="dataset-file"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <input
        placeholder="name"
        aria-label="Name of the uploaded data set"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="button" disabled={!file || busy} onClick={upload} data-testid="dataset-upload">
        Upload
      </button>
      {msg && <span className="runs-muted">{msg}</span>}
    </details>
  );
}

function Bindings({
  graph,
  ds,
  outSizes,
}: {
  graph: GraphDoc;
  ds: DatasetSpec;
  outSizes?: Record<string, number | null>;
}) {
  if (!ds.features || !ds.targets)
    return (
      <p className="runs-muted">
        Features and targets of {ds.name} are known once its parameters are set; the server checks the bindings at
        start.
      </p>
    );
  const rows = checkBindings(graph, ds, outSizes);
  const bad = rows.filter((r) => !r.ok).length;
  return (
    <table className="runs-bindings" data-testid="bindings" data-mismatches={bad}>
      <thead>
        <tr>
          <th>node</th>
          <th>binds</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.nodeId}
            className={r.warning ? 'runs-warn' : r.ok ? '' : 'runs-bad'}
            data-testid={r.warning ? 'binding-warning' : r.ok ? 'binding-ok' : 'binding-error'}
          >
            <td>
              {r.role === 'input' ? 'Input' : 'Output'} <code>{r.nodeId}</code>
            </td>
            <td>
              {r.role === 'input' ? 'feature' : 'target'} <code>{r.name}</code>
            </td>
            <td>
              {r.warning ? '⚠' : r.ok ? '✓' : '✗'} {r.message}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SamplePreview({ name, classNames }: { name: string; classNames: Record<string, string[] | undefined> }) {
  const [samples, setSamples] = useState<DatasetSample[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    setSamples(null);
    setErr(null);
    runsApi.samples(name, 120).then(
      (s) => alive && setSamples(classMix(s, 12)),
      (e: unknown) => alive && setErr(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      alive = false;
    };
  }, [name]);
  if (err) return <p className="runs-error">{err}</p>;
  if (!samples) return <p className="runs-muted">Loading samples…</p>;
  return (
    <div className="runs-samples" data-testid="dataset-samples">
      {samples.map((s) => (
        <figure key={s.index}>
          {s.png ? (
            <img
              src={`data:image/png;base64,${s.png}`}
              alt={`sample ${s.index}`}
              style={{ imageRendering: 'pixelated' }}
              width={48}
              height={48}
            />
          ) : (
            <div className="runs-noimg">#{s.index}</div>
          )}
          <figcaption>{sampleLabel(s, classNames)}</figcaption>
        </figure>
      ))}
    </div>
  );
}
