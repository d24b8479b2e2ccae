// Several runs on the same charts, with the hyperparameters that differ between them.
import { useEffect, useState } from 'react';
import { configDiff } from './configDiff';
import { findSeriesKey, type LiveRunState } from './eventReducer';
import { graphFingerprint } from './graphFingerprint';
import { color } from './LineChart';
import { MetricsPanel } from './MetricsPanel';
import { runsApi } from './runsApi';
import { connection, loadHistory, useRunsStore } from './runsStore';
import type { RunSummary } from './types';

const FINALS: { label: string; split: string; name: string; pct?: boolean }[] = [
  { label: 'final train loss', split: 'train', name: 'loss' },
  { label: 'final val loss', split: 'val', name: 'loss' },
  { label: 'final val accuracy', split: 'val', name: 'accuracy', pct: true },
];

function finalValue(run: LiveRunState | undefined, split: string, name: string, pct = false): string | undefined {
  if (!run) return undefined;
  const key = run.series[`${split}/${name}`] ? `${split}/${name}` : findSeriesKey(run.series, split, name);
  const s = key ? run.series[key] : undefined;
  if (!s?.values.length) return undefined;
  const v = s.values[s.values.length - 1];
  return pct ? `${(v * 100).toFixed(1)}%` : v.toPrecision(4);
}

/** "tiny-cnn · 6 blocks", for the runs whose graphs differ. */
function graphRow(infos: RunSummary[]): (string | undefined)[] | null {
  const prints = infos.map((r) => graphFingerprint(r?.graph));
  if (new Set(prints).size <= 1) return null;
  return infos.map((r) =>
    r?.graph
      ? `${r.graph.name || 'untitled'} · ${r.graph.nodes.length} blocks · #${prints.indexOf(graphFingerprint(r.graph)) + 1}`
      : undefined,
  );
}

function useLiveRuns(ids: string[]) {
  useEffect(() => {
    const unsubs: (() => void)[] = [];
    let cancelled = false;
    for (const id of ids) {
      void loadHistory(id).then(() => {
        if (!cancelled) unsubs.push(connection.subscribe(id));
      });
    }
    return () => {
      cancelled = true;
      unsubs.forEach((u) => u());
    };
  }, [ids.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps
  return useRunsStore((s) => s.live);
}

export function CompareView({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const live = useLiveRuns(ids);
  const [infos, setInfos] = useState<Record<string, RunSummary>>({});
  useEffect(() => {
    for (const id of ids)
      runsApi.get(id).then(
        (r) => setInfos((m) => ({ ...m, [id]: r })),
        () => undefined,
      );
  }, [ids.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps
  const label = (id: string) => infos[id]?.name || id;
  const runs = ids.filter((id) => live[id]).map((id) => ({ id, label: label(id), series: live[id].series }));
  const diff = configDiff(ids.map((id) => infos[id]?.config ?? {}));
  const graphs = graphRow(ids.map((id) => infos[id]));
  const finals = FINALS.map((f) => ({
    ...f,
    values: ids.map((id) => finalValue(live[id], f.split, f.name, f.pct)),
  })).filter((f) => f.values.some((v) => v !== undefined));
  return (
    <div className="runs-detail" data-testid="compare-view">
      <header className="runs-title">
        <h2>Comparing {ids.length} runs</h2>
        <span className="runs-spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <table className="runs-diff" data-testid="hparam-diff">
        <thead>
          <tr>
            <th>run</th>
            {ids.map((id, i) => (
              <th key={id} style={{ color: color(i) }} title={label(id)}>
                {label(id)} <span className="runs-muted">{infos[id]?.status ?? ''}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {graphs && (
            <tr data-testid="graph-diff">
              <td>graph (differs)</td>
              {graphs.map((v, i) => (
                <td key={i}>{v ?? '–'}</td>
              ))}
            </tr>
          )}
          {finals.map((f) => (
            <tr key={f.label} className="runs-final" data-testid="final-metric">
              <td>{f.label}</td>
              {f.values.map((v, i) => (
                <td key={i}>{v ?? '–'}</td>
              ))}
            </tr>
          ))}
          {diff.length === 0 && (
            <tr>
              <td colSpan={ids.length + 1} className="runs-muted">
                Same hyperparameters.
              </td>
            </tr>
          )}
          {diff.map((row) => (
            <tr key={row.path}>
              <td>{row.path}</td>
              {row.values.map((v, i) => (
                <td key={i}>{v ?? '–'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <MetricsPanel runs={runs} />
    </div>
  );
}
