// Checks the graph's Input/Output bindings against a data set's features and targets.
import type { DatasetSpec, GraphDoc } from './types';

export interface BindingRow {
  nodeId: string;
  role: 'input' | 'output';
  name: string;
  ok: boolean;
  message: string;
  /** ok to start, but probably not what was meant (e.g. output units ≠ classes). */
  warning?: boolean;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** `outSizes`: the last-axis size arriving at each Output (from the editor's shape inference):
 *  a 10-unit head on a 2-class set gets a warning before training. */
export function checkBindings(
  graph: GraphDoc,
  ds: DatasetSpec,
  outSizes: Record<string, number | null | undefined> = {},
): BindingRow[] {
  const rows: BindingRow[] = [];
  if (!ds.features || !ds.targets) return [];
  const features = ds.features;
  const targets = ds.targets;
  for (const n of graph.nodes) {
    const p = n.params ?? {};
    if (n.type === 'Input') {
      const name = String(p.feature ?? n.id);
      const f = features[name];
      const shape = (p.shape as number[] | undefined) ?? [];
      if (!f) {
        rows.push({
          nodeId: n.id,
          role: 'input',
          name,
          ok: false,
          message: `no feature "${name}" in ${ds.name} (has: ${Object.keys(features).join(', ') || 'none'})`,
        });
      } else if (shape.length && shape.join('x') !== f.shape.join('x')) {
        const same = size(shape) === size(f.shape);
        rows.push({
          nodeId: n.id,
          role: 'input',
          name,
          ok: same,
          message: same
            ? `data [${f.shape.join(', ')}] reshaped to [${shape.join(', ')}]`
            : `shape [${shape.join(', ')}] does not fit data [${f.shape.join(', ')}]`,
        });
      } else {
        rows.push({ nodeId: n.id, role: 'input', name, ok: true, message: `[${f.shape.join(', ')}]` });
      }
    } else if (n.type === 'Output') {
      const name = String(p.target ?? n.id);
      const t = targets[name];
      const units = outSizes[n.id];
      const mismatch =
        t?.num_classes && typeof units === 'number' && units !== t.num_classes && !(units === 1 && t.num_classes === 2);
      rows.push(
        mismatch
          ? {
              nodeId: n.id,
              role: 'output',
              name,
              ok: true,
              warning: true,
              message: `the output has ${units} units but "${name}" has ${t!.num_classes} classes: set the last layer to ${t!.num_classes} units`,
            }
          : t
            ? {
                nodeId: n.id,
                role: 'output',
                name,
                ok: true,
                message: t.num_classes ? `${t.num_classes} classes` : `[${(t.shape ?? []).join(', ')}]`,
              }
            : {
                nodeId: n.id,
                role: 'output',
                name,
                ok: false,
                message: `no target "${name}" in ${ds.name} (has: ${Object.keys(targets).join(', ') || 'none'})`,
              },
      );
    }
  }
  return rows;
}
