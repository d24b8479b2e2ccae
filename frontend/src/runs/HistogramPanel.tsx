// Weight / gradient / activation histograms of one node over time: a heatmap (rows: steps,
// oldest at the top; columns: values), and one step's histogram as bars with value and count
// axes, picked with a step slider (the newest by default).
import { useEffect, useRef, useState } from 'react';
import type { HistogramSnapshot } from './eventReducer';
import { range, rebin } from './histogramMath';

const BINS = 60;

function HistogramHeatmap({ title, snaps }: { title: string; snaps: HistogramSnapshot[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const [lo, hi] = range(snaps);
    const rows = snaps.map((s) => rebin(s.edges, s.counts, lo, hi, BINS));
    const w = c.width / BINS;
    const h = c.height / Math.max(rows.length, 1);
    ctx.fillStyle = '#0f172a';
    ctx.fillRect(0, 0, c.width, c.height);
    rows.forEach((row, r) => {
      const max = Math.max(...row, 1e-9);
      row.forEach((v, j) => {
        const t = Math.sqrt(v / max);
        ctx.fillStyle = `rgba(56, 189, 248, ${t.toFixed(3)})`;
        ctx.fillRect(j * w, r * h, Math.ceil(w), Math.ceil(h));
      });
    });
  }, [snaps]);
  const [picked, setPicked] = useState<number | null>(null); // null: follow the newest
  const idx = picked === null ? snaps.length - 1 : Math.min(picked, snaps.length - 1);
  const snap = snaps[idx];
  const [lo, hi] = range(snaps);
  return (
    <figure className="runs-hist" data-testid="histogram">
      <figcaption>
        {title} <span className="runs-muted">step {snap?.step ?? '–'}</span>
        {snap?.sparsity != null && <span className="runs-muted"> · sparsity {(snap.sparsity * 100).toFixed(1)}%</span>}
      </figcaption>
      <canvas
        ref={ref}
        width={240}
        height={60}
        aria-label={`${title} over ${snaps.length} steps, oldest at the top`}
        role="img"
      />
      {snap && <HistogramBars snap={snap} lo={lo} hi={hi} />}
      {snaps.length > 1 && (
        <label className="runs-hist-slider">
          <span className="runs-muted">step</span>
          <input
            type="range"
            min={0}
            max={snaps.length - 1}
            value={idx}
            data-testid="histogram-step"
            aria-label={`Step of the ${title} histogram`}
            aria-valuetext={`step ${snap?.step}`}
            onChange={(e) => {
              const v = Number(e.target.value);
              setPicked(v === snaps.length - 1 ? null : v);
            }}
          />
          <span>{snap?.step}</span>
        </label>
      )}
    </figure>
  );
}

const W = 240,
  H = 90,
  L = 34,
  B = 16;

/** One step's histogram as bars over the shared value range, with value and count axes. */
function HistogramBars({ snap, lo, hi }: { snap: HistogramSnapshot; lo: number; hi: number }) {
  const counts = rebin(snap.edges, snap.counts, lo, hi, BINS);
  const max = Math.max(...counts, 1e-9);
  const bw = (W - L) / BINS;
  const ticks = [lo, (lo + hi) / 2, hi];
  return (
    <svg
      width={W}
      height={H}
      className="runs-hist-bars"
      role="img"
      aria-label={`histogram at step ${snap.step}: values ${lo.toPrecision(3)} to ${hi.toPrecision(3)}, up to ${Math.round(max)} per bin`}
    >
      <line x1={L} y1={H - B} x2={W} y2={H - B} stroke="#94a3b8" />
      <line x1={L} y1={2} x2={L} y2={H - B} stroke="#94a3b8" />
      <text x={L - 3} y={10} textAnchor="end" className="runs-hist-tick">
        {Math.round(max)}
      </text>
      <text x={L - 3} y={H - B} textAnchor="end" className="runs-hist-tick">
        0
      </text>
      <text
        x={8}
        y={(H - B) / 2}
        className="runs-hist-tick"
        transform={`rotate(-90 8 ${(H - B) / 2})`}
        textAnchor="middle"
      >
        count
      </text>
      {counts.map((c, j) => (
        <rect
          key={j}
          x={L + j * bw}
          y={H - B - ((H - B - 4) * c) / max}
          width={Math.max(bw - 0.5, 0.5)}
          height={((H - B - 4) * c) / max}
          fill="#3b82f6"
        />
      ))}
      {ticks.map((t, k) => (
        <text
          key={k}
          x={L + ((W - L) * k) / 2}
          y={H - 3}
          textAnchor={k === 0 ? 'start' : k === 2 ? 'end' : 'middle'}
          className="runs-hist-tick"
        >
          {t.toPrecision(3)}
        </text>
      ))}
    </svg>
  );
}

interface Props {
  histograms: Record<string, HistogramSnapshot[]>;
  nodeId: string | null;
}

export function HistogramPanel({ histograms, nodeId }: Props) {
  const keys = Object.keys(histograms)
    .filter((k) => (nodeId ? k.startsWith(`${nodeId}/`) : true))
    .sort();
  return (
    <div className="runs-hists" data-testid="histograms">
      {keys.length === 0 && <p className="runs-muted">No histograms{nodeId ? ` for ${nodeId}` : ''} yet.</p>}
      {keys.map((k) => (
        <HistogramHeatmap key={k} title={k} snaps={histograms[k]} />
      ))}
    </div>
  );
}
