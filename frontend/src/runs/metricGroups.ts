// Which metric series go on which chart, and building chart data from one or several runs.
import { alignSeries, downsample, perEpoch, smooth, type XY } from './chartMath';
import type { Series } from './eventReducer';

export interface MetricGroup {
  id: string;
  title: string;
  /** metric names (without split), e.g. "loss", "y/accuracy" */
  names: string[];
  /** positive quantities that the log-scale toggle applies to */
  logScalable?: boolean;
}

const LOG_GROUPS = ['loss', 'lr', 'grad_norm'];

const FIXED: { id: string; title: string; match: (name: string) => boolean }[] = [
  { id: 'loss', title: 'Loss', match: (n) => n === 'loss' || n.endsWith('/loss') },
  { id: 'accuracy', title: 'Accuracy', match: (n) => /accuracy$/.test(n) },
  { id: 'lr', title: 'Learning rate', match: (n) => n === 'lr' },
  { id: 'grad_norm', title: 'Gradient norm', match: (n) => n === 'grad_norm' },
  { id: 'samples_per_sec', title: 'Samples / s', match: (n) => n === 'samples_per_sec' },
  { id: 'step_time', title: 'Step time (s)', match: (n) => n === 'step_time' },
];

export function splitKey(key: string): { split: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { split: 'train', name: key } : { split: key.slice(0, i), name: key.slice(i + 1) };
}

/** Groups series keys ("split/name") into charts; the total loss hides per-output losses. */
export function groupMetrics(keys: readonly string[]): MetricGroup[] {
  const names = Array.from(new Set(keys.map((k) => splitKey(k).name))).sort();
  const used = new Set<string>();
  const groups: MetricGroup[] = [];
  for (const f of FIXED) {
    let ns = names.filter((n) => !used.has(n) && f.match(n));
    if (f.id === 'loss' && ns.includes('loss')) {
      // one output: its loss is the total; several: show each beside the total
      ns.forEach((n) => used.add(n));
      if (ns.length <= 2) ns = ['loss'];
    }
    ns.forEach((n) => used.add(n));
    if (ns.length) groups.push({ id: f.id, title: f.title, names: ns, logScalable: LOG_GROUPS.includes(f.id) });
  }
  for (const n of names) {
    if (!used.has(n)) groups.push({ id: `m:${n}`, title: n, names: [n] });
  }
  return groups;
}

export interface ChartRun {
  id: string;
  label: string;
  series: Record<string, Series>;
}

export interface ChartOptions {
  smoothing: number;
  xAxis: 'step' | 'epoch';
  maxPoints: number;
}

export interface BuiltChart {
  data: [number[], ...(number | null)[][]];
  series: { label: string; runIndex: number; split: string }[];
}

/** A run with one output has its total loss twice ("loss" and "y/loss"): keep the total only,
 *  so that the legend has one entry per run and metric. */
export function namesFor(run: ChartRun, names: readonly string[]): string[] {
  if (!names.includes('loss')) return [...names];
  const has = (n: string) => !!(run.series[`train/${n}`]?.steps.length || run.series[`val/${n}`]?.steps.length);
  const perOutput = names.filter((n) => n.endsWith('/loss') && has(n));
  return perOutput.length === 1 && has('loss') ? names.filter((n) => n !== perOutput[0]) : [...names];
}

/** One chart's aligned data: for each run, each metric name, train and val. */
export function buildChart(runs: readonly ChartRun[], group: MetricGroup, opts: ChartOptions): BuiltChart {
  const cols: XY[] = [];
  const meta: BuiltChart['series'] = [];
  runs.forEach((run, runIndex) => {
    for (const name of namesFor(run, group.names)) {
      for (const split of ['train', 'val']) {
        const s = run.series[`${split}/${name}`];
        if (!s?.steps.length) continue;
        let xs: number[];
        let ys: number[];
        if (opts.xAxis === 'epoch') {
          ({ xs, ys } = perEpoch(s.steps, s.epochs, s.values));
          if (!xs.length) continue;
          xs = xs.map((e) => e + 1); // the trainer counts epochs from 0; people count from 1
        } else {
          xs = s.steps;
          ys = s.values;
        }
        if (split === 'train' && opts.smoothing > 0) ys = smooth(ys, opts.smoothing);
        const d = downsample(xs, ys, opts.maxPoints);
        cols.push(d);
        const prefix = runs.length > 1 ? `${run.label} ` : '';
        const suffix = group.names.length > 1 ? ` ${name}` : '';
        meta.push({ label: `${prefix}${split}${suffix}`, runIndex, split });
      }
    }
  });
  return { data: alignSeries(cols), series: meta };
}
