// The sweep's trials, one row each: state, every choice, the objective. Click a header to
// sort by it (again to reverse); the best trial's row is highlighted.
import { useState } from 'react';
import type { Trial, TrialPanelProps } from './sweepsApi';

const show = (v: unknown) =>
  typeof v === 'number' ? String(Number(v.toPrecision(4))) : typeof v === 'string' ? v : JSON.stringify(v);

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(show(a)).localeCompare(String(show(b)));
}

export function TrialTable({ sweep, trials, hovered, onHover }: TrialPanelProps) {
  const dims = (sweep.space?.dimensions ?? []).map((d) => d.name);
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 }>({ key: 'number', dir: 1 });
  const value = (t: Trial, key: string): unknown =>
    key === 'number' ? t.number : key === 'state' ? t.state : key === 'objective' ? t.objective : t.choices[key];
  const rows = [...trials].sort(
    (a, b) => sort.dir * compare(value(a, sort.key), value(b, sort.key)) || a.number - b.number,
  );
  const header = (key: string, label: string) => (
    <th
      key={key}
      data-testid={`trial-sort-${key}`}
      aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
      onClick={() =>
        setSort((s) => ({
          key,
          dir: s.key === key ? (-s.dir as 1 | -1) : key === 'objective' && sweep.direction === 'maximize' ? -1 : 1,
        }))
      }
    >
      {label}
      {sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
    </th>
  );
  const best = sweep.best?.number ?? null;
  return (
    <table className="sweep-trials" data-testid="sweep-trials">
      <thead>
        <tr>
          {header('number', '#')}
          {header('state', 'state')}
          {dims.map((d) => header(d, d))}
          {header('objective', sweep.objective)}
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr
            key={t.number}
            data-testid={`trial-row-${t.number}`}
            data-state={t.state}
            className={`${t.number === best ? 'best' : ''}${t.number === hovered ? ' hovered' : ''}`}
            onMouseEnter={() => onHover(t.number)}
            onMouseLeave={() => onHover(null)}
          >
            <td>
              {t.number}
              {t.number === best ? ' ★' : ''}
            </td>
            <td className={`state-${t.state}`} title={t.error}>
              {t.state}
            </td>
            {dims.map((d) => (
              <td key={d}>{show(t.choices[d])}</td>
            ))}
            <td>{t.objective === null ? '—' : t.objective.toFixed(4)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
