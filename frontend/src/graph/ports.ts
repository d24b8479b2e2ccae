// Which ports a node has: from its block spec, the spec's output_rule applied to the node's params
// (Split: {param: 'num', pattern: 'out{i}'} gives out0..out{num-1}; LSTM: {param: 'merge_mode', cases:
// [{value: null, ports: ['fwd', 'bwd']}], otherwise: ['out']}) or, for a composite block, from
// the Input/Output nodes of its inner graph (port name = inner node id). No block is named here:
// the rule comes from the server's spec JSON, the one source of truth.
import type { BlockDoc, BlockSpec, PortRule, PortSpec } from '../types';

export interface NodePorts {
  inputs: PortSpec[];
  outputs: PortSpec[];
}

const NONE: NodePorts = { inputs: [{ name: 'in', multi: false }], outputs: [{ name: 'out', multi: false }] };
const cache = new WeakMap<object, Map<string, NodePorts>>();

export function compositePorts(doc: BlockDoc): NodePorts {
  const nodes = doc.nodes ?? [];
  return {
    inputs: nodes.filter((n) => n.type === 'Input').map((n) => ({ name: n.id, multi: false })),
    outputs: nodes.filter((n) => n.type === 'Output').map((n) => ({ name: n.id, multi: false })),
  };
}

export function portsFor(
  type: string,
  params: Record<string, unknown>,
  spec: BlockSpec | undefined,
  blocks?: Record<string, BlockDoc>,
): NodePorts {
  const composite = blocks?.[type];
  if (composite) {
    let m = cache.get(composite);
    if (!m) cache.set(composite, (m = new Map()));
    let p = m.get('');
    if (!p) m.set('', (p = compositePorts(composite)));
    return p;
  }
  if (!spec) return NONE;
  if (spec.output_rule) {
    const outputs = ruleOutputs(spec.output_rule, params, spec.defaults);
    if (outputs) return { inputs: spec.inputs, outputs };
  }
  return { inputs: spec.inputs, outputs: spec.outputs };
}

/** Ports from a rule, or null when the param is not a sane count (the spec's default ports stand). */
export function ruleOutputs(
  rule: PortRule,
  params: Record<string, unknown>,
  defaults: Record<string, unknown>,
): PortSpec[] | null {
  if (rule.cases) {
    // null is a value here (merge_mode null), so only a missing param takes the default
    const value = rule.param in params ? params[rule.param] : defaults[rule.param];
    const hit = rule.cases.find((c) => c.value === value);
    return (hit?.ports ?? rule.otherwise ?? ['out']).map((name) => ({ name, multi: false }));
  }
  const raw = params[rule.param] ?? defaults[rule.param];
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 256) return null;
  return Array.from({ length: raw }, (_, i) => ({
    name: (rule.pattern ?? 'out{i}').replace('{i}', String(i)),
    multi: false,
  }));
}
