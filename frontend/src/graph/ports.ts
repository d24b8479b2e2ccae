// Which ports a node has: from its block spec, its params (Split: out0..out{num-1}) or, for a
// composite block, from the Input/Output nodes of its inner graph (port name = inner node id).
import type { BlockDoc, BlockSpec, PortSpec } from '../types';

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
  if (spec.dynamic_outputs) {
    const num = typeof params.num === 'number' ? params.num : typeof spec.defaults.num === 'number' ? (spec.defaults.num as number) : null;
    if (num !== null && Number.isInteger(num) && num > 0 && num <= 256) {
      return { inputs: spec.inputs, outputs: Array.from({ length: num }, (_, i) => ({ name: `out${i}`, multi: false })) };
    }
  }
  return { inputs: spec.inputs, outputs: spec.outputs };
}
