// The Sweep dialog: strategy, number of trials, objective, epochs per trial, learning rate (a
// value, a choice list or a range), a time budget; the space's size and any invalid variant
// (checked by the server before anything trains). POST /api/sweeps and open the sweep.
import { useEffect, useMemo, useState } from 'react';
import { DialogFooter } from '../runs/DialogFooter';
import { runsApi } from '../runs/runsApi';
import type { GraphDoc, Issue } from '../types';
import { parseMarker } from './choices';
import { type SpaceInfo, sweepsApi } from './sweepsApi';
import { useSweepsStore } from './sweepsStore';
import './sweeps.css';

const OBJECTIVES = ['val/accuracy', 'val/loss', 'train/accuracy', 'train/loss'];

function readNumberOrMarker(text: string): unknown {
  const t = text.trim();
  if (t.includes('|') || t.includes('..')) return parseMarker(t);
  const n = Number(t);
  if (t === '' || !Number.isFinite(n))
    throw new Error('a number, a choice like 0.001 | 0.01, or a range like 0.0001 .. 0.1 log');
  return n;
}

export function SweepDialog({ graph, onClose }: { graph: GraphDoc; onClose: () => void }) {
  const [strategy, setStrategy] = useState('grid');
  const [trials, setTrials] = useState(8);
  const [objective, setObjective] = useState('val/accuracy');
  const [epochs, setEpochs] = useState(1);
  const [lr, setLr] = useState('0.001');
  const [budgetMin, setBudgetMin] = useState('');
  const [data, setData] = useState('digits');
  const [datasets, setDatasets] = useState<string[]>(['digits']);
  const [prune, setPrune] = useState(true);
  const [space, setSpace] = useState<SpaceInfo | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);
  const openSweep = useSweepsStore((s) => s.openSweep);

  const lrValue = useMemo(() => {
    try {
      return { ok: true as const, v: readNumberOrMarker(lr) };
    } catch (e) {
      return { ok: false as const, e: (e as Error).message };
    }
  }, [lr]);
  const config = useMemo(
    () => ({ data: { source: data }, epochs, optimizer: { learning_rate: lrValue.ok ? lrValue.v : 0.001 } }),
    [data, epochs, lrValue],
  );
  useEffect(() => {
    void runsApi
      .datasets()
      .then((d) => d.length && setDatasets(d.map((x) => x.name)))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    let live = true;
    sweepsApi
      .space(graph, config)
      .then((s) => {
        if (live) {
          setSpace(s);
          setIssues([]);
        }
      })
      .catch((e) => {
        if (live) {
          setSpace(null);
          setIssues(e.issues ?? [{ code: 'error', message: String(e.message) }]);
        }
      });
    return () => {
      live = false;
    };
  }, [graph, JSON.stringify(config)]);
  useEffect(() => {
    if (space?.size && strategy === 'grid') setTrials(space.size);
  }, [space?.size, strategy]);

  const gridImpossible = strategy === 'grid' && space !== null && space.size === null;
  const noChoices = space !== null && space.dimensions.length === 0;
  const invalid = space?.invalid ?? [];
  const canStart =
    !busy && space !== null && !noChoices && !gridImpossible && invalid.length === 0 && lrValue.ok && trials >= 1;
  const start = async () => {
    setBusy(true);
    try {
      const budget = Number(budgetMin);
      const r = await sweepsApi.create({
        graph,
        config,
        strategy,
        trials,
        objective,
        prune,
        name: `sweep ${graph.name ?? 'graph'}`,
        ...(budgetMin.trim() && budget > 0 ? { budget_s: budget * 60 } : {}),
      });
      openSweep(r.id);
      onClose();
    } catch (e) {
      setIssues((e as { issues?: Issue[] }).issues ?? [{ code: 'error', message: String((e as Error).message) }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="runs-modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="runs-modal sweep-dialog" role="dialog" aria-label="Sweep" data-testid="sweep-dialog">
        <header className="runs-title">
          <h2>Sweep “{graph.name ?? 'graph'}”</h2>
        </header>
        <div className="runs-modal-body sweep-dialog-body">
          <section>
            <h3>Search</h3>
            <label className="runs-field">
              <span className="runs-field-label">Strategy</span>
              <select value={strategy} onChange={(e) => setStrategy(e.target.value)} data-testid="sweep-strategy">
                <option value="grid">grid — every variant</option>
                <option value="random">random</option>
                <option value="tpe">TPE — model-based</option>
              </select>
            </label>
            <label className="runs-field">
              <span className="runs-field-label">Trials</span>
              <input
                type="number"
                min={1}
                max={1000}
                value={trials}
                onChange={(e) => setTrials(Number(e.target.value))}
                data-testid="sweep-trials"
              />
            </label>
            <label className="runs-field">
              <span className="runs-field-label">Objective</span>
              <select value={objective} onChange={(e) => setObjective(e.target.value)} data-testid="sweep-objective">
                {OBJECTIVES.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </label>
            <label className="runs-field">
              <span className="runs-field-label">Stop poor trials early</span>
              <input
                type="checkbox"
                checked={prune}
                onChange={(e) => setPrune(e.target.checked)}
                data-testid="sweep-prune"
              />
            </label>
            <label className="runs-field">
              <span className="runs-field-label">Budget (minutes, optional)</span>
              <input
                type="number"
                min={0}
                value={budgetMin}
                placeholder="no limit"
                onChange={(e) => setBudgetMin(e.target.value)}
                data-testid="sweep-budget"
              />
            </label>
          </section>
          <section>
            <h3>Each trial</h3>
            <label className="runs-field">
              <span className="runs-field-label">Data set</span>
              <select value={data} onChange={(e) => setData(e.target.value)} data-testid="sweep-data">
                {datasets.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            <label className="runs-field">
              <span className="runs-field-label">Epochs</span>
              <input
                type="number"
                min={1}
                value={epochs}
                onChange={(e) => setEpochs(Math.max(1, Number(e.target.value)))}
                data-testid="sweep-epochs"
              />
            </label>
            <label className="runs-field">
              <span className="runs-field-label">Learning rate (value, a | b, or lo .. hi log)</span>
              <input value={lr} onChange={(e) => setLr(e.target.value)} data-testid="sweep-lr" />
            </label>
            {!lrValue.ok && <p className="runs-error">{lrValue.e}</p>}
          </section>
          <section className="sweep-space" data-testid="sweep-space">
            <h3>Space</h3>
            {space === null ? (
              <p className="muted">checking…</p>
            ) : (
              <>
                <p data-testid="sweep-space-size">
                  {space.size === null ? 'continuous (no end)' : `${space.size} variant${space.size === 1 ? '' : 's'}`}
                </p>
                <ul>
                  {space.dimensions.map((d) => (
                    <li key={d.name}>
                      <code>{d.name}</code>:{' '}
                      {d.values
                        ? d.values.map((v) => JSON.stringify(v)).join(' | ')
                        : `${d.range?.[0]} .. ${d.range?.[1]}${d.log ? ' log' : ''}`}
                    </li>
                  ))}
                </ul>
                {noChoices && (
                  <p className="runs-error" data-testid="sweep-no-choices">
                    Nothing is swept: use “⋯ sweep” on a parameter, or give the learning rate several values.
                  </p>
                )}
                {gridImpossible && (
                  <p className="runs-error">A grid needs finite choices; pick random or TPE for ranges.</p>
                )}
                {invalid.map((b, k) => (
                  <p key={k} className="runs-error" data-testid="sweep-invalid">
                    {Object.entries(b.assignment)
                      .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
                      .join(', ')}
                    : {b.errors[0]?.message}
                  </p>
                ))}
              </>
            )}
          </section>
        </div>
        <DialogFooter
          issues={issues}
          issuesTestId="sweep-errors"
          onClose={onClose}
          onStart={() => void start()}
          canStart={canStart}
          busy={busy}
          startLabel="Start sweep"
          startTestId="start-sweep"
        />
      </div>
    </div>
  );
}
