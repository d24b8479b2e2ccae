// A block's ports as React Flow handles, at fixed offsets from the top of the node: messages,
// hints and expansion never move them, so edges keep their ends and neighbours' handles stay
// where a person aims. Shared by the full block (BlockNode), the expanded composite frame
// (lod/ExpandedFrame) and, for the geometry only, the box level of detail (lod/LodBoxNode).
import { Handle, Position } from '@xyflow/react';
import type { NodePorts } from '../graph/ports';

export const PORT_TOP = 14;
export const PORT_GAP = 20;

/** The i-th port's offset from the node's top. */
export const portTop = (i: number): number => PORT_TOP + i * PORT_GAP;

/** The height that holds every port of the taller side (at least one row). */
export const portsHeight = (inputs: number, outputs: number): number =>
  PORT_TOP + Math.max(inputs, outputs, 1) * PORT_GAP;

type Props = {
  nodeId: string;
  ports: NodePorts;
  /** Where a port sits; by default its row (portTop). */
  top?: (name: string, i: number) => number;
};

export function PortHandles({ nodeId, ports, top = (_name, i) => portTop(i) }: Props) {
  return (
    <>
      {ports.inputs.map((p, i) => (
        <Handle
          key={`in-${p.name}`}
          id={p.name}
          type="target"
          position={Position.Left}
          style={{ top: top(p.name, i) }}
          className={p.multi ? 'handle-multi' : ''}
          data-testid={`handle-${nodeId}-in-${p.name}`}
          title={`${p.name}${p.multi ? ' (accepts several)' : ''}`}
        >
          {ports.inputs.length > 1 && <span className="handle-label in">{p.name}</span>}
        </Handle>
      ))}
      {ports.outputs.map((p, i) => (
        <Handle
          key={`out-${p.name}`}
          id={p.name}
          type="source"
          position={Position.Right}
          style={{ top: top(p.name, i) }}
          data-testid={`handle-${nodeId}-out-${p.name}`}
          title={p.name}
        >
          {ports.outputs.length > 1 && <span className="handle-label">{p.name}</span>}
        </Handle>
      ))}
    </>
  );
}
