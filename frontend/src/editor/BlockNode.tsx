// One generic node component for every block type, rendered from the block spec: title,
// ports as handles, key params, inferred output shape, parameter count, error highlight.
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useMemo } from 'react';
import { formatCount, formatShape, formatValue } from '../graph/format';
import type { BlockNodeT } from '../graph/model';
import { portsFor } from '../graph/ports';
import { useEditor } from '../store';
import { LiveNodeStats } from '../runs/LiveNodeStats';

const EMPTY: Record<string, never> = {};

function BlockNodeImpl({ id, data, selected }: NodeProps<BlockNodeT>) {
  const spec = useEditor((s) => s.specs[data.type]);
  const composite = useEditor((s) => s.meta.blocks?.[data.type] ?? s.library[data.type]);
  const issues = useEditor((s) => s.report?.nodeIssues[id]);
  const info = useEditor((s) => s.report?.nodes[id]);
  const ports = useMemo(
    () => portsFor(data.type, data.params, spec, composite ? { [data.type]: composite } : EMPTY),
    [data.type, data.params, spec, composite],
  );
  const updateInternals = useUpdateNodeInternals();
  const portKey = ports.inputs.map((p) => p.name).join(',') + '|' + ports.outputs.map((p) => p.name).join(',');
  useEffect(() => updateInternals(id), [id, portKey, updateInternals]);

  const keyParams = spec?.key_params ?? [];
  const outShapes = info ? Object.entries(info.outputs) : [];
  const hasError = !!issues?.length;
  const cls = ['akid-node', `cat-${spec?.category ?? (composite ? 'composite' : 'unknown')}`, hasError ? 'has-error' : '', selected ? 'selected' : ''].join(' ');
  const spread = (i: number, n: number) => `${((i + 1) / (n + 1)) * 100}%`;

  return (
    <div className={cls} data-testid={`node-${id}`} data-type={data.type} data-error={hasError ? 'true' : 'false'} title={spec?.doc ?? data.type}>
      {ports.inputs.map((p, i) => (
        <Handle
          key={p.name} id={p.name} type="target" position={Position.Left}
          style={{ top: spread(i, ports.inputs.length) }}
          className={p.multi ? 'handle-multi' : ''} data-testid={`handle-${id}-in-${p.name}`}
          title={`${p.name}${p.multi ? ' (accepts several)' : ''}`}
        />
      ))}
      <div className="akid-node-title">
        <span className="akid-node-type">{data.type}</span>
        <span className="akid-node-id">{data.label ?? id}</span>
      </div>
      {keyParams.length > 0 && (
        <div className="akid-node-params">
          {keyParams.map((k) => (
            <div key={k} className="kp">
              <span>{k}</span>
              <b>{formatValue(data.params[k] ?? spec?.defaults[k])}</b>
            </div>
          ))}
        </div>
      )}
      {composite && <div className="akid-node-params composite-hint">composite · double-click to edit</div>}
      <div className="akid-node-foot" data-testid={`node-${id}-info`}>
        {outShapes.map(([port, shape]) => (
          <span key={port} className="shape">{outShapes.length > 1 ? `${port} ` : ''}{formatShape(shape)}</span>
        ))}
        {info && info.params > 0 && <span className="pcount">{formatCount(info.params)} params</span>}
      </div>
      <LiveNodeStats nodeId={id} />
      {hasError && (
        <div className="akid-node-error" data-testid={`node-${id}-error`}>
          {issues!.slice(0, 3).map((is, i) => <div key={i}>{is.message}</div>)}
          {issues!.length > 3 && <div>… {issues!.length - 3} more</div>}
        </div>
      )}
      {ports.outputs.map((p, i) => (
        <Handle
          key={p.name} id={p.name} type="source" position={Position.Right}
          style={{ top: spread(i, ports.outputs.length) }}
          data-testid={`handle-${id}-out-${p.name}`} title={p.name}
        >
          {ports.outputs.length > 1 && <span className="handle-label">{p.name}</span>}
        </Handle>
      ))}
    </div>
  );
}

export const BlockNode = memo(BlockNodeImpl);
