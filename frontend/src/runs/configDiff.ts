// Hyperparameter differences between runs: flatten each config to dotted paths and keep the
// paths whose values are not all equal.
import { isPlainObject } from './schema';

export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (!keys.length && prefix) out[prefix] = '{}';
    for (const k of keys) flatten(value[k], prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = JSON.stringify(value ?? null);
  }
  return out;
}

export interface DiffRow {
  path: string;
  values: (string | undefined)[];
}

export function configDiff(configs: readonly unknown[]): DiffRow[] {
  const flats = configs.map((c) => flatten(c ?? {}));
  const paths = Array.from(new Set(flats.flatMap((f) => Object.keys(f)))).sort();
  return paths
    .map((path) => ({ path, values: flats.map((f) => f[path]) }))
    .filter((row) => new Set(row.values).size > 1);
}
