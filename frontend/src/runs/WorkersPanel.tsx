// Multi-worker runs: one line per worker (its newest step and samples/s), so both workers'
// activity is visible, not only the chief's charts.
import type { WorkerStats } from './eventReducer';

export function WorkersPanel({ workers }: { workers: Record<number, WorkerStats> }) {
  const rows = Object.values(workers).sort((a, b) => a.worker - b.worker);
  if (rows.length === 0) return null;
  return (
    <ul className="runs-workers" data-testid="run-workers">
      {rows.map((w) => (
        <li key={w.worker} data-testid="worker-row" data-worker={w.worker} data-events={w.events}>
          <span className="runs-worker-tag">
            worker {w.worker}
            {w.worker === 0 ? ' (chief)' : ''}:
          </span>{' '}
          <span>step {w.step ?? '–'}</span>
          {' · '}
          <span>{w.samplesPerSec === null ? '– samples/s' : `${w.samplesPerSec.toFixed(0)} samples/s`}</span>
          {' · '}
          <span className="runs-muted">{w.events} events</span>
        </li>
      ))}
    </ul>
  );
}
