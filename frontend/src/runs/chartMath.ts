// Numeric helpers for the charts: smoothing, downsampling, aligning series on one x axis.

/**
 * Debiased exponential moving average (the TensorBoard smoothing). weight in [0, 1):
 * 0 returns the values unchanged. Non-finite values are passed through and do not poison the
 * average.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return values.slice();
  const out: number[] = new Array(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    const debias = 1 - w ** n;
    out[i] = last / debias;
  }
  return out;
}

/**
 * Largest-Triangle-Three-Buckets downsampling to at most maxPoints points; keeps the first and
 * last points and the visual shape. xs must be sorted. Returns the kept indices.
 */
export function lttbIndices(xs: readonly number[], ys: readonly number[], maxPoints: number): number[] {
  const n = xs.length;
  if (maxPoints >= n || n <= 2) return Array.from({ length: n }, (_, i) => i);
  if (maxPoints < 3) return maxPoints <= 1 ? [n - 1] : [0, n - 1];
  const out: number[] = [0];
  const bucket = (n - 2) / (maxPoints - 2);
  let a = 0;
  for (let i = 0; i < maxPoints - 2; i++) {
    const start = Math.floor(i * bucket) + 1;
    const end = Math.min(Math.floor((i + 1) * bucket) + 1, n - 1);
    // average of the next bucket
    const nStart = end;
    const nEnd = Math.min(Math.floor((i + 2) * bucket) + 1, n);
    let avgX = 0;
    let avgY = 0;
    const cnt = Math.max(nEnd - nStart, 1);
    for (let j = nStart; j < nEnd; j++) {
      avgX += xs[j];
      avgY += ys[j];
    }
    if (nEnd > nStart) {
      avgX /= cnt;
      avgY /= cnt;
    } else {
      avgX = xs[n - 1];
      avgY = ys[n - 1];
    }
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((xs[a] - avgX) * (ys[j] - ys[a]) - (xs[a] - xs[j]) * (avgY - ys[a]));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(best);
    a = best;
  }
  out.push(n - 1);
  return out;
}

export function downsample(
  xs: readonly number[],
  ys: readonly number[],
  maxPoints: number,
): { xs: number[]; ys: number[] } {
  const idx = lttbIndices(xs, ys, maxPoints);
  return { xs: idx.map((i) => xs[i]), ys: idx.map((i) => ys[i]) };
}

export interface XY {
  xs: readonly number[];
  ys: readonly number[];
}

/**
 * Puts several series on one sorted x axis (union of xs) as uPlot's AlignedData; a series without
 * a value at some x gets null there (drawn with spanGaps).
 */
export function alignSeries(series: readonly XY[]): [number[], ...(number | null)[][]] {
  const xsSet = new Set<number>();
  for (const s of series) for (const x of s.xs) xsSet.add(x);
  const xs = Array.from(xsSet).sort((a, b) => a - b);
  const pos = new Map<number, number>();
  xs.forEach((x, i) => pos.set(x, i));
  const cols = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < s.xs.length; i++) {
      const v = s.ys[i];
      col[pos.get(s.xs[i]) as number] = Number.isFinite(v) ? v : null;
    }
    return col;
  });
  return [xs, ...cols];
}

/** Keeps the last point of each epoch (for the per-epoch view). */
export function perEpoch(
  steps: readonly number[],
  epochs: readonly (number | null)[],
  values: readonly number[],
): { xs: number[]; ys: number[] } {
  const byEpoch = new Map<number, number>();
  for (let i = 0; i < steps.length; i++) {
    const e = epochs[i];
    if (e === null || e === undefined) continue;
    byEpoch.set(e, values[i]);
  }
  const xs = Array.from(byEpoch.keys()).sort((a, b) => a - b);
  return { xs, ys: xs.map((e) => byEpoch.get(e) as number) };
}

/** Seconds left given progress in [0,1] and elapsed seconds; null when unknown. */
export function eta(progress: number | undefined | null, elapsedS: number): number | null {
  if (!progress || progress <= 0 || progress >= 1 || elapsedS <= 0) return null;
  return (elapsedS * (1 - progress)) / progress;
}

export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}
