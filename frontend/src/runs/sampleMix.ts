// Data set previews show a mix of classes, named: the first samples of a file are often all
// of one class (a sorted CSV, class folders read in order).
import type { DatasetSample } from './types';

/** Up to `k` samples taking turns across the values of the first target (round robin). */
export function classMix(samples: readonly DatasetSample[], k: number): DatasetSample[] {
  const byClass = new Map<string, DatasetSample[]>();
  for (const s of samples) {
    const v = Object.values(s.targets ?? {})[0];
    const key = typeof v === 'number' || typeof v === 'string' ? String(v) : '?';
    (byClass.get(key) ?? byClass.set(key, []).get(key)!).push(s);
  }
  const queues = [...byClass.entries()]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([, l]) => l);
  const out: DatasetSample[] = [];
  for (let i = 0; out.length < k && queues.some((q) => i < q.length); i++) {
    for (const q of queues) if (i < q.length && out.length < k) out.push(q[i]);
  }
  return out;
}

/** "cat" for class 3 when the data set names its classes; else the value itself. */
export function sampleLabel(s: DatasetSample, classNames: Record<string, string[] | undefined>): string {
  return Object.entries(s.targets ?? {})
    .map(([t, v]) => {
      const names = classNames[t];
      return typeof v === 'number' && names?.[v] !== undefined ? names[v] : String(v);
    })
    .join(', ');
}
