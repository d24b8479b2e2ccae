// Several runs on the same charts, with the hyperparameters that differ between them.
import { useEffect, useState } from "react";
import { configDiff } from "./configDiff";
import { color } from "./LineChart";
import { MetricsPanel } from "./MetricsPanel";
import { connection, loadHistory, useRunsStore } from "./runsStore";
import { runsApi } from "./runsApi";
import type { RunSummary } from "./types";

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
  }, [ids.join(",")]); // eslint-disable-line react-hooks/exhaustive-deps
  return useRunsStore((s) => s.live);
}

export function CompareView({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const live = useLiveRuns(ids);
  const [infos, setInfos] = useState<Record<string, RunSummary>>({});
  useEffect(() => {
    for (const id of ids) runsApi.get(id).then((r) => setInfos((m) => ({ ...m, [id]: r })), () => undefined);
  }, [ids.join(",")]); // eslint-disable-line react-hooks/exhaustive-deps
  const label = (id: string) => infos[id]?.name || id;
  const runs = ids.filter((id) => live[id]).map((id) => ({ id, label: label(id), series: live[id].series }));
  const diff = configDiff(ids.map((id) => infos[id]?.config ?? {}));
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
            <th>hyperparameter</th>
            {ids.map((id, i) => (
              <th key={id} style={{ color: color(i) }}>
                {label(id)} <span className="runs-muted">{infos[id]?.status ?? ""}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
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
                <td key={i}>{v ?? "–"}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <MetricsPanel runs={runs} />
    </div>
  );
}
