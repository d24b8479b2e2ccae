// A uPlot line chart that keeps one uPlot instance and feeds it new data (no re-creation per
// point). Series may have gaps (null) and are drawn with spanGaps.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  /** draw markers (sparse series such as per-epoch validation) */
  points?: boolean;
}

/** Short tick labels: 12k, 1.5M, 0.003, 2e-5. */
export function compact(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a < 1e-3) return v.toExponential(0);
  return String(+v.toPrecision(3));
}

interface Props {
  title: string;
  data: [number[], ...(number | null)[][]];
  series: ChartSeries[];
  xLabel?: string;
  logY?: boolean;
  height?: number;
  testId?: string;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
export function color(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export function LineChart({ title, data, series, xLabel = 'step', logY = false, height = 200, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = `${series.map((s) => s.label + s.color).join('|')}|${logY}|${xLabel}`;
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const width = Math.max(el.clientWidth || 400, 200);
    const opts: uPlot.Options = {
      title,
      width,
      height,
      scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
      axes: [{ label: xLabel }, { size: 56, values: (_u, splits) => splits.map(compact) }],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          dash: s.dash,
          spanGaps: true,
          points: { show: !!s.points, size: 6 },
        })),
      ],
      legend: { live: true },
    };
    const u = new uPlot(opts, cleanForLog(dataRef.current, logY), el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && Math.abs(w - u.width) > 2) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, title, height]);

  useEffect(() => {
    plot.current?.setData(cleanForLog(data, logY));
  }, [data, logY]);

  const points = data[0].length;
  return <div className="runs-chart" ref={ref} data-testid={testId} data-points={points} />;
}

/** Log scales cannot show values ≤ 0: they become gaps. */
function cleanForLog(data: Props['data'], logY: boolean): uPlot.AlignedData {
  if (!logY) return data as uPlot.AlignedData;
  const [xs, ...ys] = data;
  return [xs, ...ys.map((col) => col.map((v) => (v !== null && v > 0 ? v : null)))] as uPlot.AlignedData;
}
