// The Sweeps view: the list of sweeps, and the open one with live progress, the parallel-
// coordinates plot, the sortable trial table and "Open in editor" for the best variant.
import { useEffect, useState } from 'react';
import { loadGraph } from '../editor/actions';
import { ParallelCoords } from './ParallelCoords';
import { type SweepSummary, sweepsApi } from './sweepsApi';
import { followSweep, refreshSweeps, useSweepsStore } from './sweepsStore';
import { TrialTable } from './TrialTable';
import './sweeps.css';

export function SweepView() {
  const order = useSweepsStore((s) => s.order);
  const sweeps = useSweepsStore((s) => s.sweeps);
  const selected = useSweepsStore((s) => s.selected);
  const select = useSweepsStore((s) => s.select);
  useEffect(() => {
    void refreshSweeps();
    const t = setInterval(() => void refreshSweeps(), 5000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (!selected && order.length) select(order[0]);
  }, [order.length, selected]);
  useEffect(() => (selected ? followSweep(selected) : undefined), [selected]);
  const sweep = selected ? sweeps[selected] : undefined;
  return (
    <div className="sweeps-view" data-testid="sweeps-view">
      <aside className="sweeps-list" data-testid="sweeps-list">
        <h3>Sweeps</h3>
        {order.length === 0 && (
          <p className="muted">No sweeps yet: mark a parameter "⋯ sweep" in the editor, then Sweep.</p>
        )}
        {order.map((id) => {
          const s = sweeps[id];
          return (
            <button
              key={id}
              className={`sweeps-item${id === selected ? ' active' : ''}`}
              data-testid={`sweep-item-${id}`}
              onClick={() => select(id)}
            >
              <b>{s.name}</b>
              <span className={`sweep-status status-${s.status}`}>{s.status}</span>
              <span className="muted">
                {s.trials_done}/{s.trials_wanted} trials · {s.strategy}
              </span>
            </button>
          );
        })}
      </aside>
      <section className="sweep-detail">{sweep ? <SweepDetail sweep={sweep} /> : null}</section>
    </div>
  );
}

function SweepDetail({ sweep }: { sweep: SweepSummary }) {
  const [hovered, setHovered] = useState<number | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const trials = sweep.trials ?? [];
  const pct = Math.round((100 * (sweep.trials_done ?? 0)) / Math.max(1, sweep.trials_wanted));
  const openBest = async () => {
    if (!sweep.best?.run_id) return;
    try {
      const graph = await sweepsApi.runGraph(sweep.best.run_id);
      if (loadGraph({ ...graph, name: `${graph.name ?? 'graph'} (best of ${sweep.name})` }, { savedId: null })) {
        useSweepsStore.getState().requestEditor();
      }
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <div data-testid="sweep-detail" data-status={sweep.status}>
      <header className="sweep-header">
        <h2>{sweep.name}</h2>
        <span className={`sweep-status status-${sweep.status}`} data-testid="sweep-status">
          {sweep.status}
        </span>
        <span className="muted">
          {sweep.strategy} · {sweep.objective} (
          {sweep.direction === 'maximize' ? 'higher is better' : 'lower is better'}) · space {sweep.space?.size ?? '∞'}{' '}
          variants
        </span>
        <span className="spacer" />
        {sweep.status === 'running' && (
          <button onClick={() => void sweepsApi.cancel(sweep.id)} data-testid="sweep-cancel">
            Cancel sweep
          </button>
        )}
      </header>
      <div
        className="sweep-progress"
        data-testid="sweep-progress"
        title={`${sweep.trials_done} of ${sweep.trials_wanted} trials done`}
      >
        <div className="sweep-progress-bar" style={{ width: `${pct}%` }} />
        <span>
          {sweep.trials_done}/{sweep.trials_wanted} trials done{sweep.reason ? ` — ${sweep.reason}` : ''}
        </span>
      </div>
      {sweep.best && (
        <div className="sweep-best" data-testid="sweep-best">
          <b>Best: trial {sweep.best.number}</b> · {sweep.objective} {sweep.best.objective.toFixed(4)} ·{' '}
          {Object.entries(sweep.best.choices)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(', ')}
          <button className="runs-primary" onClick={() => void openBest()} data-testid="sweep-open-best">
            Open in editor
          </button>
        </div>
      )}
      {err && <p className="runs-error">{err}</p>}
      <ParallelCoords sweep={sweep} trials={trials} hovered={hovered} onHover={setHovered} />
      <TrialTable sweep={sweep} trials={trials} hovered={hovered} onHover={setHovered} />
    </div>
  );
}
