// Class names for a run's classification outputs, from its data set's metadata
// (targets[name].class_names); indices when the data set does not name its classes.
import type { DatasetSpec, GraphDoc } from './types';

/** The data set target an Output node predicts (its `target` param, "label" by default). */
export function outputTarget(graph: GraphDoc | null | undefined, nodeId: string): string {
  const n = graph?.nodes.find((x) => x.id === nodeId);
  const t = n?.params?.target;
  return typeof t === 'string' && t ? t : 'label';
}

/** Names for classes 0..n-1 of `nodeId`'s output: the data set's names, else "0".."n-1". */
export function classNamesFor(
  config: Record<string, unknown> | undefined,
  graph: GraphDoc | null | undefined,
  datasets: readonly DatasetSpec[],
  nodeId: string,
  n: number,
): string[] {
  const data = (config?.data ?? {}) as { source?: unknown };
  const ds = datasets.find((d) => d.name === data.source);
  const target = ds?.targets?.[outputTarget(graph, nodeId)] as { class_names?: unknown } | undefined;
  const names = Array.isArray(target?.class_names) ? (target!.class_names as unknown[]).map(String) : [];
  return Array.from({ length: n }, (_, i) => names[i] ?? String(i));
}

/** Row-normalised matrix (each true class sums to 1; empty rows stay 0). */
export function rowNormalise(m: readonly (readonly number[])[]): number[][] {
  return m.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s > 0 ? v / s : 0));
  });
}
