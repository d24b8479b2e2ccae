// Headline numbers of a live run: progress, ETA, latest metrics.
import type { LiveRunState } from './eventReducer';
import { findSeriesKey, lastValue } from './eventReducer';

export interface Headline {
  state: string;
  step: number;
  epoch: number | null;
  totalSteps: number | null;
  progress: number;
  etaS: number | null;
  trainLoss: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  samplesPerSec: number | null;
}

function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

export function headline(run: LiveRunState, fallbackState = 'queued'): Headline {
  const st = run.status;
  // Status events come less often than metrics: the header shows the newest step either saw,
  // so that it agrees with the chart.
  const lossSteps = run.series['train/loss']?.steps;
  const step = Math.max(st?.step ?? 0, lossSteps?.length ? lossSteps[lossSteps.length - 1] : 0);
  const total = st?.total_steps ?? null;
  const progress = total ? step / total : (st?.progress ?? 0);
  const stepTimes = run.series['train/step_time']?.values.slice(-20) ?? [];
  const avg = mean(stepTimes);
  const running = (st?.state ?? fallbackState) === 'running';
  const etaS = running && avg !== null && total ? Math.max(0, (total - step) * avg) : null;
  const accKey = findSeriesKey(run.series, 'val', 'accuracy');
  const valLossKey = run.series['val/loss'] ? 'val/loss' : findSeriesKey(run.series, 'val', 'loss');
  return {
    state: st?.state ?? fallbackState,
    step,
    epoch: st?.epoch ?? null,
    totalSteps: total,
    progress: Math.min(Math.max(progress, 0), 1),
    etaS,
    trainLoss: lastValue(run, 'train/loss'),
    valLoss: valLossKey ? lastValue(run, valLossKey) : null,
    valAccuracy: accKey ? lastValue(run, accKey) : null,
    samplesPerSec: lastValue(run, 'train/samples_per_sec'),
  };
}
