// ETA from the speed measured while watching: steps seen per second of wall time over the last
// half minute, not the step time the trainer reports (which leaves out data loading,
// validation and observers, and so promised 3m20s for a 70 s run).
import { useRef } from 'react';

export interface Sample {
  t: number;
  step: number;
}

const WINDOW_MS = 30_000;

/** Seconds left at the measured speed, or null while there is too little to measure. */
export function etaFrom(samples: readonly Sample[], total: number | null): number | null {
  if (!total || samples.length < 2) return null;
  const a = samples[0],
    b = samples[samples.length - 1];
  const dt = (b.t - a.t) / 1000,
    ds = b.step - a.step;
  if (dt < 1 || ds <= 0) return null;
  return Math.max(0, (total - b.step) / (ds / dt));
}

/** Keeps (time, step) samples of one run while it runs; returns the measured ETA. */
export function useMeasuredEta(runId: string, step: number, total: number | null, running: boolean): number | null {
  const ref = useRef<{ id: string; samples: Sample[] }>({ id: runId, samples: [] });
  if (ref.current.id !== runId || !running) ref.current = { id: runId, samples: [] };
  const list = ref.current.samples;
  if (running && (!list.length || list[list.length - 1].step !== step)) {
    const now = Date.now();
    list.push({ t: now, step });
    while (list.length > 2 && now - list[0].t > WINDOW_MS) list.shift();
  }
  return etaFrom(list, total);
}
