// Per-node live statistics derived from the newest histograms of a run.
import type { HistogramSnapshot, LiveRunState } from './eventReducer';

export interface NodeStats {
  step: number;
  /** Fraction of zero activations (from the activation histogram), if observed. */
  sparsity: number | null;
  /** Approximate L2 norm of the node's gradients (from the gradient histograms). */
  gradNorm: number | null;
  /** Approximate L2 norm of the node's weights. */
  weightNorm: number | null;
}

const cache = new WeakMap<LiveRunState, Map<string, NodeStats | null>>();

/** sqrt(sum count * center^2) over the bins: the L2 norm of the histogrammed tensor. */
export function histogramNorm(h: Pick<HistogramSnapshot, 'edges' | 'counts'>): number {
  let sum = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const lo = h.edges[i];
    const hi = h.edges[i + 1] ?? lo;
    const c = (lo + hi) / 2;
    sum += h.counts[i] * c * c;
  }
  return Math.sqrt(sum);
}

function isGrad(tensor: string): boolean {
  return /grad/i.test(tensor);
}

function isActivation(tensor: string): boolean {
  return /activation|output|out$/i.test(tensor);
}

/** Memoised per run state object so selectors return a stable value. */
export function nodeStatsFrom(run: LiveRunState, nodeId: string): NodeStats | null {
  let m = cache.get(run);
  if (!m) {
    m = new Map();
    cache.set(run, m);
  }
  if (m.has(nodeId)) return m.get(nodeId) ?? null;
  let step = -1;
  let sparsity: number | null = null;
  let grad2 = 0;
  let w2 = 0;
  let hasGrad = false;
  let hasW = false;
  const prefix = `${nodeId}/`;
  for (const [key, snaps] of Object.entries(run.histograms)) {
    if (!key.startsWith(prefix) || !snaps.length) continue;
    const tensor = key.slice(prefix.length);
    const last = snaps[snaps.length - 1];
    step = Math.max(step, last.step);
    if (isGrad(tensor)) {
      grad2 += histogramNorm(last) ** 2;
      hasGrad = true;
    } else if (isActivation(tensor)) {
      if (last.sparsity !== null) sparsity = last.sparsity;
    } else {
      w2 += histogramNorm(last) ** 2;
      hasW = true;
    }
  }
  const out: NodeStats | null =
    step < 0
      ? null
      : { step, sparsity, gradNorm: hasGrad ? Math.sqrt(grad2) : null, weightNorm: hasW ? Math.sqrt(w2) : null };
  m.set(nodeId, out);
  return out;
}
