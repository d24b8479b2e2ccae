// Checks the graph's Input/Output bindings against a data set's features and targets.
import type { DatasetSpec, GraphDoc } from "./types";

export interface BindingRow {
  nodeId: string;
  role: "input" | "output";
  name: string;
  ok: boolean;
  message: string;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export function checkBindings(graph: GraphDoc, ds: DatasetSpec): BindingRow[] {
  const rows: BindingRow[] = [];
  if (!ds.features || !ds.targets) return [];
  const features = ds.features;
  const targets = ds.targets;
  for (const n of graph.nodes) {
    const p = n.params ?? {};
    if (n.type === "Input") {
      const name = String(p.feature ?? n.id);
      const f = features[name];
      const shape = (p.shape as number[] | undefined) ?? [];
      if (!f) {
        rows.push({ nodeId: n.id, role: "input", name, ok: false, message: `no feature "${name}" in ${ds.name} (has: ${Object.keys(features).join(", ") || "none"})` });
      } else if (shape.length && shape.join("x") !== f.shape.join("x")) {
        const same = size(shape) === size(f.shape);
        rows.push({
          nodeId: n.id,
          role: "input",
          name,
          ok: same,
          message: same
            ? `data [${f.shape.join(", ")}] reshaped to [${shape.join(", ")}]`
            : `shape [${shape.join(", ")}] does not fit data [${f.shape.join(", ")}]`,
        });
      } else {
        rows.push({ nodeId: n.id, role: "input", name, ok: true, message: `[${f.shape.join(", ")}]` });
      }
    } else if (n.type === "Output") {
      const name = String(p.target ?? n.id);
      const t = targets[name];
      rows.push(
        t
          ? { nodeId: n.id, role: "output", name, ok: true, message: t.num_classes ? `${t.num_classes} classes` : `[${(t.shape ?? []).join(", ")}]` }
          : { nodeId: n.id, role: "output", name, ok: false, message: `no target "${name}" in ${ds.name} (has: ${Object.keys(targets).join(", ") || "none"})` },
      );
    }
  }
  return rows;
}
