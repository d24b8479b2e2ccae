// Parallel coordinates of a sweep: one vertical axis per choice and one for the objective;
// each finished trial is a line through its values. The best trial is drawn on top, thick;
// pruned trials are dashed. A small SVG: a sweep has tens of trials, not thousands.
import { dimensionAxis, objectiveAxis, trialLine } from './pcMath';
import type { Trial, TrialPanelProps } from './sweepsApi';

const W = 760;
const H = 280;
const PAD = { left: 60, right: 60, top: 34, bottom: 26 };

export function ParallelCoords({ sweep, trials, hovered, onHover }: TrialPanelProps) {
  const dims = sweep.space?.dimensions ?? [];
  const plotted = trials.filter((t) => t.objective !== null);
  const axes = [...dims.map(dimensionAxis), objectiveAxis(sweep.objective, plotted)];
  const x = (i: number) => PAD.left + (axes.length === 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (axes.length - 1));
  const y = (p: number) => PAD.top + (1 - p) * (H - PAD.top - PAD.bottom);
  const best = sweep.best?.number ?? null;
  const order = [...plotted].sort((a, b) => Number(a.number === best) - Number(b.number === best));
  const path = (t: Trial) => {
    const pts = trialLine(axes, t);
    let d = '';
    pts.forEach((p, i) => {
      if (p === null) return;
      d += `${d ? 'L' : 'M'}${x(i).toFixed(1)},${y(p).toFixed(1)}`;
    });
    return d;
  };
  return (
    <svg
      className="sweep-pc"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Parallel coordinates of the trials"
      data-testid="sweep-pc"
      data-lines={plotted.length}
    >
      {axes.map((a, i) => (
        <g key={a.key} className="sweep-pc-axis">
          <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} />
          <text className="sweep-pc-label" x={x(i)} y={PAD.top - 14} textAnchor="middle">
            {a.label}
          </text>
        </g>
      ))}
      {order.map((t) => (
        <path
          key={t.number}
          d={path(t)}
          data-testid={`pc-line-${t.number}`}
          className={`sweep-pc-line state-${t.state}${t.number === best ? ' best' : ''}${t.number === hovered ? ' hovered' : ''}`}
          onMouseEnter={() => onHover(t.number)}
          onMouseLeave={() => onHover(null)}
        >
          <title>{`trial ${t.number} (${t.state}): ${sweep.objective} ${t.objective?.toFixed(4)}`}</title>
        </path>
      ))}
      {axes.map((a, i) =>
        a.ticks.map(
          (
            t,
            k, // above the lines, so values stay readable
          ) => (
            <text key={`${a.key}:${k}`} className="sweep-pc-tick" x={x(i) + 6} y={y(t.at) + 4}>
              {t.text}
            </text>
          ),
        ),
      )}
      {plotted.length === 0 && (
        <text x={W / 2} y={H / 2} textAnchor="middle" className="sweep-pc-empty">
          Lines appear as trials finish.
        </text>
      )}
    </svg>
  );
}
