// Axes of the parallel-coordinates plot: one per sweep dimension, then the objective. Each
// axis maps a value to [0, 1] (0 = bottom): choices evenly by their index, ranges linearly
// (or on a log scale), the objective between the lowest and highest value seen.
import type { Dimension, Trial } from './sweepsApi';

export interface Axis {
  key: string;
  label: string;
  ticks: { at: number; text: string }[];
  pos: (v: unknown) => number | null;
}

/** A value as a short label: numbers to 3 significant digits without trailing zeros. */
export const fmt = (v: unknown) =>
  typeof v === 'number' ? String(Number(v.toPrecision(3))) : typeof v === 'string' ? v : JSON.stringify(v);

export function dimensionAxis(d: Dimension): Axis {
  if (d.values) {
    const keys = d.values.map((v) => JSON.stringify(v));
    const n = keys.length;
    const at = (i: number) => (n === 1 ? 0.5 : i / (n - 1));
    return {
      key: d.name,
      label: d.name,
      ticks: d.values.map((v, i) => ({ at: at(i), text: fmt(v) })),
      pos: (v) => {
        const i = keys.indexOf(JSON.stringify(v));
        return i < 0 ? null : at(i);
      },
    };
  }
  const [lo, hi] = d.range ?? [0, 1];
  const f = d.log ? Math.log : (x: number) => x;
  const pos = (v: unknown) => (typeof v === 'number' ? (f(v) - f(lo)) / (f(hi) - f(lo) || 1) : null);
  return {
    key: d.name,
    label: d.name + (d.log ? ' (log)' : ''),
    ticks: [
      { at: 0, text: fmt(lo) },
      { at: 1, text: fmt(hi) },
    ],
    pos,
  };
}

export function objectiveAxis(name: string, trials: Trial[]): Axis {
  const vals = trials.map((t) => t.objective).filter((v): v is number => typeof v === 'number');
  let lo = vals.length ? Math.min(...vals) : 0;
  let hi = vals.length ? Math.max(...vals) : 1;
  if (hi - lo < 1e-9) {
    const pad = Math.max(Math.abs(lo) * 0.1, 0.05);
    lo -= pad;
    hi += pad;
    if (name.endsWith('accuracy')) {
      lo = Math.max(0, lo);
      hi = Math.min(1, hi);
    } // accuracies live in [0, 1]
  }
  return {
    key: '__objective',
    label: name,
    ticks: [
      { at: 0, text: fmt(lo) },
      { at: 1, text: fmt(hi) },
    ],
    pos: (v) => (typeof v === 'number' ? (v - lo) / (hi - lo) : null),
  };
}

/** Each plotted trial's points, one per axis (null where a value is off the axis). */
export function trialLine(axes: Axis[], t: Trial): (number | null)[] {
  return axes.map((a) => a.pos(a.key === '__objective' ? t.objective : t.choices[a.key]));
}
