// The Train dialog: data set + bindings, hyperparameters generated from the TrainConfig schema,
// augmentations, run name; POST /api/runs and open the run.
import { useEffect, useMemo, useState } from 'react';
import { InitWeightsOption } from '../kerasio/InitWeightsOption';
import { checkBindings } from './bindings';
import { DatasetPicker, dataConfigFor } from './DatasetPicker';
import { DialogFooter } from './DialogFooter';
import { type Joker, JokerEditor, type JokerSpec, jokerErrors } from './JokerEditor';
import { type ConfigSchema, RunsApiError, type RunTarget, runsApi } from './runsApi';
import { useRunsStore } from './runsStore';
import { SchemaForm } from './SchemaForm';
import { defaultsFromSchema, getPath, type JsonValue, setPath, validate, withDefaults } from './schema';
import { recall, remember } from './trainMemory';
import type { DatasetSpec, GraphDoc, Issue } from './types';

interface Props {
  graph: GraphDoc;
  onClose: () => void;
  /** What is wrong with the graph (from the editor's validation): Start stays disabled. */
  graphProblems?: string[];
  /** Last-axis size arriving at each Output (from the editor's shape inference). */
  outSizes?: Record<string, number | null>;
  /** Key under which the dialog remembers the last data set and settings of this graph. */
  graphKey?: string;
}

// Fields with their own editors, and groups shown folded.
const EXCLUDE = ['data', 'jokers'];
const COLLAPSED = ['observers', 'early_stopping', 'schedule'];
const TARGET_LABELS: Record<string, string> = { local: 'This machine', kubernetes: 'Kubernetes' };
const LOCAL: RunTarget = { id: 'local', available: true };

/** "Run on": local worker processes, or a Kubernetes Job (disabled, with the reason, when unusable). */
export function TargetPicker({
  targets,
  value,
  onChange,
}: {
  targets: RunTarget[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <div className="runs-targets" role="radiogroup" aria-label="Run on" data-testid="run-targets">
      <span className="runs-field-label">Run on</span>
      <div className="runs-target-options">
        {targets.map((t) => (
          <label
            key={t.id}
            className={t.available ? undefined : 'runs-target-disabled'}
            title={t.available ? (t.reason ?? undefined) : `Unavailable: ${t.reason ?? 'not configured'}`}
            data-testid={`target-${t.id}`}
          >
            <input
              type="radio"
              name="run-target"
              value={t.id}
              checked={value === t.id}
              disabled={!t.available}
              onChange={() => onChange(t.id)}
            />{' '}
            {TARGET_LABELS[t.id] ?? t.id}
            {!t.available && t.reason && (
              <span className="runs-target-reason" data-testid={`target-${t.id}-reason`}>
                {' '}
                ({t.reason})
              </span>
            )}
          </label>
        ))}
      </div>
    </div>
  );
}

export function TrainDialog({ graph, onClose, graphProblems = [], outSizes, graphKey }: Props) {
  const memoryKey = graphKey ?? graph.name ?? 'untitled';
  const [cfgSchema, setCfgSchema] = useState<ConfigSchema | null>(null);
  const [datasets, setDatasets] = useState<DatasetSpec[]>([]);
  const [jokerSpecs, setJokerSpecs] = useState<JokerSpec[]>([]);
  const [config, setConfig] = useState<JsonValue>(null);
  const [name, setName] = useState(graph.name ?? '');
  const [datasetName, setDatasetName] = useState<string | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [loadErr, setLoadErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [targets, setTargets] = useState<RunTarget[]>([LOCAL]);
  const [target, setTarget] = useState('local');
  const openRun = useRunsStore((s) => s.openRun);

  const loadDatasets = () =>
    runsApi.datasets().then((l) => {
      setDatasets(l);
      return l;
    });
  useEffect(() => {
    Promise.all([runsApi.configSchema(), loadDatasets(), runsApi.blocks()])
      .then(([cs, list, blocks]) => {
        setCfgSchema(cs);
        const base = withDefaults(defaultsFromSchema(cs.schema), cs.defaults);
        // Last time's data set and settings for this graph, when that data set is still there.
        const last = recall(memoryKey);
        const lastData = last ? (getPath(last.config, 'data.source') as string | undefined) : undefined;
        if (last && lastData && (list as DatasetSpec[]).some((d) => d.name === lastData)) {
          setConfig(withDefaults(base, last.config));
          setDatasetName(lastData);
        } else {
          setConfig(base);
        }
        setJokerSpecs(blocks.filter((b) => b.category === 'joker') as JokerSpec[]);
      })
      .catch((e: unknown) => setLoadErr(e instanceof Error ? e.message : String(e)));
    // an older server without targets: local only
    runsApi.targets().then(
      (t) => t.length && setTargets(t),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const errors = useMemo(() => (cfgSchema && config ? validate(cfgSchema.schema, config) : []), [cfgSchema, config]);
  const source = datasetName ?? String(getPath(config, 'data.source') ?? '');
  const ds = datasets.find((d) => d.name === source);
  const dataParams = (getPath(config, 'data.params') as Record<string, unknown> | undefined) ?? {};
  const bindingRows = ds ? checkBindings(graph, ds, outSizes) : [];
  const bindingErrors = bindingRows.filter((r) => !r.ok);
  const bindingWarnings = bindingRows.filter((r) => r.warning);
  const jokers = (getPath(config, 'jokers') as Joker[] | undefined) ?? [];
  const jErrors = jokerErrors(jokerSpecs, jokers);
  const canStart =
    !!config &&
    graphProblems.length === 0 &&
    errors.length === 0 &&
    jErrors.length === 0 &&
    bindingErrors.length === 0 &&
    !busy;

  // Remembered as it is set, not only at Start: closing the dialog keeps the choices too.
  useEffect(() => {
    if (config && source) remember(memoryKey, { dataset: source, config });
  }, [config, source, memoryKey]);

  const chooseDataset = (n: string, list: DatasetSpec[]) => {
    const d = list.find((x) => x.name === n);
    setDatasetName(n);
    setConfig((c: JsonValue) => setPath(c, 'data', d ? dataConfigFor(d) : { source: n, params: {} }));
  };

  const start = async () => {
    setBusy(true);
    setIssues([]);
    try {
      const res = await runsApi.create(graph, config, name || undefined, target === 'local' ? undefined : target);
      openRun(String(res.id));
      onClose();
    } catch (e) {
      setIssues(e instanceof RunsApiError ? e.issues : [{ code: 'error', message: String(e) }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="runs-modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="runs-modal" role="dialog" aria-label="Train" data-testid="train-dialog">
        <header className="runs-title">
          <h2>Train “{graph.name || 'untitled'}”</h2>
          <span className="runs-spacer" />
          <button type="button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        {loadErr && <p className="runs-error">{loadErr}</p>}
        {!config || !cfgSchema ? (
          !loadErr && <p className="runs-muted">Loading…</p>
        ) : (
          <div className="runs-modal-body">
            <section>
              <h3>Data</h3>
              <DatasetPicker
                graph={graph}
                outSizes={outSizes}
                datasets={datasets}
                value={source}
                onChange={(n) => chooseDataset(n, datasets)}
                onUploaded={async (n) => {
                  const list = await runsApi.datasets();
                  setDatasets(list);
                  if (n) chooseDataset(n, list);
                }}
                params={dataParams}
                onParams={(p) => setConfig(setPath(config, 'data.params', p))}
              />
            </section>
            <section>
              <h3>Hyperparameters</h3>
              <label className="runs-field">
                <span className="runs-field-label">Run name</span>
                <input
                  value={name}
                  aria-label="Run name"
                  data-testid="run-name-input"
                  onChange={(e) => setName(e.target.value)}
                />
              </label>
              <TargetPicker targets={targets} value={target} onChange={setTarget} />
              <InitWeightsOption graph={graph} />
              <SchemaForm
                schema={cfgSchema.schema}
                root={cfgSchema.schema}
                value={config}
                onChange={setConfig}
                errors={errors}
                exclude={EXCLUDE}
                collapsed={COLLAPSED}
              />
              <h4>Augmentation</h4>
              <JokerEditor
                specs={jokerSpecs}
                value={jokers}
                onChange={(j) => setConfig(setPath(config, 'jokers', j))}
              />
            </section>
          </div>
        )}
        <DialogFooter
          issues={issues}
          issuesTestId="train-errors"
          onClose={onClose}
          onStart={start}
          canStart={canStart}
          busy={busy}
          startLabel="Start training"
          startTestId="start-run"
          startTitle={
            graphProblems.length
              ? "Fix the graph's problems first"
              : !canStart
                ? 'Fix the problems listed here first'
                : undefined
          }
        >
          {graphProblems.length > 0 && (
            <p className="runs-error" data-testid="graph-problems" role="alert">
              The graph is not ready to train: {graphProblems.slice(0, 3).join('; ')}
              {graphProblems.length > 3 ? ` (and ${graphProblems.length - 3} more)` : ''}. Fix it in the editor first.
            </p>
          )}
          {bindingWarnings.length > 0 && (
            <p className="runs-warn" data-testid="binding-warnings">
              {bindingWarnings.map((b) => `${b.nodeId}: ${b.message}`).join('; ')}
            </p>
          )}
          {(errors.length > 0 || jErrors.length > 0 || bindingErrors.length > 0) && (
            <p className="runs-error" data-testid="form-invalid">
              Fix {errors.length + jErrors.length + bindingErrors.length} problem(s) before starting
              {bindingErrors.length ? ` (${bindingErrors.map((b) => `${b.nodeId}: ${b.message}`).join('; ')})` : ''}
              {jErrors.length ? ` (${jErrors.join('; ')})` : ''}.
            </p>
          )}
        </DialogFooter>
      </div>
    </div>
  );
}
