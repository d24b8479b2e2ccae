// Weight / gradient / activation histograms of one node over time: a heatmap (rows: steps,
// oldest at the top; columns: values) plus the newest histogram's range and sparsity.
import { useEffect, useRef } from "react";
import type { HistogramSnapshot } from "./eventReducer";
import { range, rebin } from "./histogramMath";

const BINS = 60;

function HistogramHeatmap({ title, snaps }: { title: string; snaps: HistogramSnapshot[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext("2d");
    if (!c || !ctx) return;
    const [lo, hi] = range(snaps);
    const rows = snaps.map((s) => rebin(s.edges, s.counts, lo, hi, BINS));
    const w = c.width / BINS;
    const h = c.height / Math.max(rows.length, 1);
    ctx.fillStyle = "#0f172a";
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
  const last = snaps[snaps.length - 1];
  const [lo, hi] = range(snaps);
  return (
    <figure className="runs-hist" data-testid="histogram">
      <figcaption>
        {title} <span className="runs-muted">step {last?.step ?? "–"}</span>
        {last?.sparsity != null && <span className="runs-muted"> · sparsity {(last.sparsity * 100).toFixed(1)}%</span>}
      </figcaption>
      <canvas ref={ref} width={240} height={96} />
      <div className="runs-hist-axis">
        <span>{lo.toPrecision(3)}</span>
        <span>{hi.toPrecision(3)}</span>
      </div>
    </figure>
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
      {keys.length === 0 && <p className="runs-muted">No histograms{nodeId ? ` for ${nodeId}` : ""} yet.</p>}
      {keys.map((k) => (
        <HistogramHeatmap key={k} title={k} snaps={histograms[k]} />
      ))}
    </div>
  );
}
