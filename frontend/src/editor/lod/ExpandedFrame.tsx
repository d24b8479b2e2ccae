// A composite node shown expanded in place (./expand.ts): a frame the size of its inner layout,
// titled, with a Collapse button; the composite's ports stay on the frame's sides (at the height
// of the matching inner Input/Output block), so the outer edges keep their ends.
import { type NodeProps, useUpdateNodeInternals } from '@xyflow/react';
import { type MouseEvent, memo, useEffect, useMemo } from 'react';
import type { BlockNodeT } from '../../graph/model';
import { portsFor } from '../../graph/ports';
import { useEditorDecor } from '../../store';
import { splitIssues } from '../issueKinds';
import { PortHandles, portTop } from '../PortHandles';
import { innerLayout, innerWires, setExpanded } from './expand';

const EMPTY: Record<string, never> = {};
/** Inner Input/Output blocks' port row: the frame's port sits level with it. */
const INNER_PORT = 15;

function ExpandedFrameImpl({ id, data, selected }: NodeProps<BlockNodeT>) {
  const def = useEditorDecor((s) => s.meta.blocks?.[data.type] ?? s.library[data.type]);
  const issues = useEditorDecor((s) => s.report?.nodeIssues[id]);
  const hasError = useMemo(() => splitIssues(issues).wrong.length > 0, [issues]);
  const ports = useMemo(
    () => portsFor(data.type, data.params, undefined, def ? { [data.type]: def } : EMPTY),
    [data.type, data.params, def],
  );
  const lay = def ? innerLayout(def) : null;
  const specs = useEditorDecor((s) => s.specs);
  const graphBlocks = useEditorDecor((s) => s.meta.blocks);
  const library = useEditorDecor((s) => s.library);
  const wires = useMemo(() => {
    if (!lay) return [];
    const blocks = { ...library, ...(graphBlocks ?? {}) };
    return innerWires(lay, (b) => portsFor(b.type, b.params, specs[b.type], blocks));
  }, [lay, specs, graphBlocks, library]);
  const top = (name: string, i: number) => {
    const b = lay?.blocks.find((x) => x.id === name);
    return b ? b.y + INNER_PORT : portTop(i);
  };
  // The handles moved (collapsed -> expanded): React Flow must measure them again.
  const updateInternals = useUpdateNodeInternals();
  useEffect(() => updateInternals(id), [id, lay, updateInternals]);
  const collapse = (e: MouseEvent) => {
    e.stopPropagation();
    setExpanded(id, false);
  };
  return (
    <div
      className={`akid-expanded${selected ? ' selected' : ''}${hasError ? ' has-error' : ''}`}
      style={lay ? { width: lay.width, height: lay.height } : undefined}
      data-testid={`node-${id}`}
      data-expanded="true"
      data-type={data.type}
    >
      <div className="akid-expanded-title">
        <span className="akid-node-type">{data.type}</span>
        <span className="akid-node-id">{data.label ?? id}</span>
        <button
          type="button"
          className="akid-expand-toggle nodrag"
          onClick={collapse}
          onDoubleClick={(e) => e.stopPropagation()}
          data-testid={`collapse-${id}`}
          title="Collapse: show this composite as one block again"
        >
          ⊟ collapse
        </button>
      </div>
      {lay && (
        <svg className="akid-expanded-wires" width={lay.width} height={lay.height} aria-hidden="true">
          {wires.map((w) => (
            <path key={w.id} d={w.d} className={w.feedback ? 'feedback' : ''} data-testid={`wire-${id}-${w.id}`} />
          ))}
        </svg>
      )}
      <PortHandles nodeId={id} ports={ports} top={top} />
    </div>
  );
}

export const ExpandedFrame = memo(
  ExpandedFrameImpl,
  (a, b) => a.id === b.id && a.data === b.data && a.selected === b.selected,
);
