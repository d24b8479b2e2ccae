// Re-binning histograms with different edges onto one common axis (for the over-time heatmap).

/** Spreads each source bin's count over the target bins it overlaps (uniform within a bin). */
export function rebin(
  edges: readonly number[],
  counts: readonly number[],
  lo: number,
  hi: number,
  nbins: number,
): number[] {
  const out = new Array<number>(nbins).fill(0);
  const width = (hi - lo) / nbins || 1;
  for (let i = 0; i < counts.length; i++) {
    const a = edges[i];
    const b = edges[i + 1] ?? a;
    const c = counts[i];
    if (!c) continue;
    if (b <= a) {
      const j = Math.min(nbins - 1, Math.max(0, Math.floor((a - lo) / width)));
      out[j] += c;
      continue;
    }
    const j0 = Math.max(0, Math.floor((a - lo) / width));
    const j1 = Math.min(nbins - 1, Math.floor((b - lo) / width - 1e-12));
    for (let j = j0; j <= j1; j++) {
      const binLo = lo + j * width;
      const overlap = Math.min(b, binLo + width) - Math.max(a, binLo);
      if (overlap > 0) out[j] += (c * overlap) / (b - a);
    }
  }
  return out;
}

export function range(snaps: readonly { edges: readonly number[] }[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of snaps) {
    if (!s.edges.length) continue;
    lo = Math.min(lo, s.edges[0]);
    hi = Math.max(hi, s.edges[s.edges.length - 1]);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi <= lo) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}
