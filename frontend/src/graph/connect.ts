// Connection rules for drawing edges. Nonsense is refused instantly (self-loops,
// output->output, input->input, a second edge into a single input, duplicates); an edge that
// would close a cycle is accepted as a feedback edge (previous time step) instead.
import type { NodePorts } from './ports';

export interface Conn {
  source: string | null;
  target: string | null;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export interface EdgeLike {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
  data?: { feedback?: boolean };
}

export type Verdict = { ok: true; feedback: boolean } | { ok: false; reason: string };

/** Is there a path from `from` to `to` along non-feedback edges? */
export function reaches(from: string, to: string, edges: EdgeLike[]): boolean {
  if (from === to) return true;
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    if (e.data?.feedback) continue;
    const l = adj.get(e.source);
    if (l) l.push(e.target);
    else adj.set(e.source, [e.target]);
  }
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    for (const m of adj.get(n) ?? []) {
      if (m === to) return true;
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return false;
}

export function checkConnection(c: Conn, portsOf: (id: string) => NodePorts | undefined, edges: EdgeLike[]): Verdict {
  const { source, target } = c;
  if (!source || !target) return { ok: false, reason: 'missing endpoint' };
  if (source === target) return { ok: false, reason: 'a block cannot feed itself' };
  const sp = portsOf(source);
  const tp = portsOf(target);
  if (!sp || !tp) return { ok: false, reason: 'unknown node' };
  const sh = c.sourceHandle ?? 'out';
  const th = c.targetHandle ?? 'in';
  if (!sp.outputs.some((p) => p.name === sh)) return { ok: false, reason: `${source} has no output port ${sh}` };
  const port = tp.inputs.find((p) => p.name === th);
  if (!port) return { ok: false, reason: `${target} has no input port ${th}` };
  const into = edges.filter((e) => e.target === target && (e.targetHandle ?? 'in') === th);
  if (into.some((e) => e.source === source && (e.sourceHandle ?? 'out') === sh))
    return { ok: false, reason: 'already connected' };
  if (!port.multi && into.length > 0) return { ok: false, reason: `${target}.${th} takes one input` };
  return { ok: true, feedback: reaches(target, source, edges) };
}
