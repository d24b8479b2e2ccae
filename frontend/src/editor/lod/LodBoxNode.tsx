// A node at the "box" level of detail: a coloured box, no text, no handle components.
//
// The handles are plain elements carrying the classes and data attributes React Flow measures
// (`.source`/`.target`, data-handleid, data-handlepos), so edges still attach to the right
// ports, without the store subscription each <Handle> holds; there is nothing to wire at
// this zoom. Error and selection still show (red / accent border).

import type { NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { BlockNodeT } from '../../graph/model';
import { portsFor } from '../../graph/ports';
import { useEditorDecor } from '../../store';
import { portsHeight, portTop } from '../PortHandles';
import './lod.css';

const EMPTY: Record<string, never> = {};

function LodBoxNodeImpl({ id, data, selected }: NodeProps<BlockNodeT>) {
  const spec = useEditorDecor((s) => s.specs[data.type]);
  const composite = useEditorDecor((s) => s.meta.blocks?.[data.type] ?? s.library[data.type]);
  const hasError = useEditorDecor((s) => !!s.report?.nodeIssues[id]?.length);
  const ports = useMemo(
    () => portsFor(data.type, data.params, spec, composite ? { [data.type]: composite } : EMPTY),
    [data.type, data.params, spec, composite],
  );
  const cat = spec?.category ?? (composite ? 'composite' : 'unknown');
  const height = portsHeight(ports.inputs.length, ports.outputs.length);
  const cls = `akid-lod-box cat-${cat}${hasError ? ' has-error' : ''}${selected ? ' selected' : ''}`;
  return (
    <div
      className={cls}
      style={{ height }}
      data-testid={`node-${id}`}
      data-type={data.type}
      data-lod="box"
      data-error={hasError ? 'true' : 'false'}
    >
      {ports.inputs.map((p, i) => (
        <div
          key={`i-${p.name}`}
          className="react-flow__handle target akid-lod-handle left"
          style={{ top: portTop(i) }}
          data-handleid={p.name}
          data-nodeid={id}
          data-handlepos="left"
        />
      ))}
      {ports.outputs.map((p, i) => (
        <div
          key={`o-${p.name}`}
          className="react-flow__handle source akid-lod-handle right"
          style={{ top: portTop(i) }}
          data-handleid={p.name}
          data-nodeid={id}
          data-handlepos="right"
        />
      ))}
    </div>
  );
}

export const LodBoxNode = memo(
  LodBoxNodeImpl,
  (a, b) => a.id === b.id && a.data === b.data && a.selected === b.selected,
);
