// The runs table: status, name, headline metric; filters by status and text; checkboxes pick
// runs for comparison.
import { useMemo, useState } from 'react';
import type { RunSummary } from './types';

interface Props {
  runs: RunSummary[];
  selectedId: string | null;
  compareIds: string[];
  onSelect: (id: string) => void;
  onToggleCompare: (id: string) => void;
  onCompare: () => void;
  onDelete: (id: string) => void;
  onRefresh: () => void;
}

const STATES = ['all', 'queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'];

/** Final validation accuracy (first output) or, while running, the progress. */
function metricOf(r: RunSummary): string {
  const final = r.final as { val_accuracy?: Record<string, number> } | null | undefined;
  const acc = final?.val_accuracy ? Object.values(final.val_accuracy)[0] : undefined;
  if (typeof acc === 'number') return `${(acc * 100).toFixed(1)}%`;
  const p = r.progress as number | undefined;
  return r.status === 'running' && typeof p === 'number' ? `${Math.round(p * 100)}%` : '';
}

export function RunsList({
  runs,
  selectedId,
  compareIds,
  onSelect,
  onToggleCompare,
  onCompare,
  onDelete,
  onRefresh,
}: Props) {
  const [state, setState] = useState('all');
  const [text, setText] = useState('');
  const shown = useMemo(
    () =>
      runs.filter(
        (r) =>
          (state === 'all' || r.status === state) &&
          (!text || `${r.name ?? ''} ${r.id}`.toLowerCase().includes(text.toLowerCase())),
      ),
    [runs, state, text],
  );
  return (
    <aside className="runs-list" data-testid="runs-list">
      <div className="runs-list-filters">
        <input
          placeholder="Filter…"
          aria-label="Filter by name"
          value={text}
          data-testid="runs-filter-text"
          onChange={(e) => setText(e.target.value)}
        />
        <select
          value={state}
          aria-label="Filter by status"
          data-testid="runs-filter-status"
          onChange={(e) => setState(e.target.value)}
        >
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <button type="button" onClick={onRefresh} title="Reload the list" aria-label="Reload the list">
          ↻
        </button>
      </div>
      <button type="button" data-testid="compare-runs" disabled={compareIds.length < 2} onClick={onCompare}>
        Compare {compareIds.length} runs
      </button>
      <ul>
        {shown.map((r) => (
          <li
            key={r.id}
            className={r.id === selectedId ? 'runs-list-item active' : 'runs-list-item'}
            data-testid="run-row"
            data-run-id={r.id}
            data-status={r.status}
          >
            <input
              type="checkbox"
              aria-label={`compare ${r.name || r.id}`}
              data-testid="compare-check"
              checked={compareIds.includes(r.id)}
              onChange={() => onToggleCompare(r.id)}
            />
            <button type="button" className="runs-list-open" onClick={() => onSelect(r.id)}>
              <span className="runs-list-name" title={r.name || r.id}>
                {r.name || r.id}
              </span>
              <span className={`runs-badge runs-state-${r.status}`}>{r.status}</span>
              <span className="runs-num">{metricOf(r)}</span>
            </button>
            <button
              type="button"
              className="runs-del"
              title="Delete run"
              aria-label={`Delete run ${r.name || r.id}`}
              onClick={() => window.confirm(`Delete run ${r.name || r.id}?`) && onDelete(r.id)}
            >
              ×
            </button>
          </li>
        ))}
        {shown.length === 0 && <li className="runs-muted">No runs.</li>}
      </ul>
    </aside>
  );
}
