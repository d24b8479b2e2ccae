// The Train dialog remembers, per graph, the data set and settings last used to train it.
import type { JsonValue } from './schema';

const KEY = 'akid.train.last';

export interface TrainMemory {
  dataset: string;
  config: JsonValue;
  at: number;
}

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function all(storage: Store): Record<string, TrainMemory> {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

export function recall(graphKey: string, storage: Store = localStorage): TrainMemory | null {
  return all(storage)[graphKey] ?? null;
}

/** Keeps the 50 most recent graphs. */
export function remember(
  graphKey: string,
  m: Omit<TrainMemory, 'at'>,
  storage: Store = localStorage,
  now = Date.now(),
): void {
  const entries = Object.entries({ ...all(storage), [graphKey]: { ...m, at: now } })
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, 50);
  try {
    storage.setItem(KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    /* storage full or disabled: a convenience only */
  }
}
