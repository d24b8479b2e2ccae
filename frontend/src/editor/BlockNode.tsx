// One generic node component for every block type, rendered from the block spec: title,
// ports as handles, key params, inferred output shape, parameter count, error highlight.
import { type NodeProps, type ReactFlowState, useUpdateNodeInternals } from '@xyflow/react';
import { createContext, memo, useContext, useEffect, useMemo, useRef } from 'react';
import { formatCount, formatShape, formatValue } from '../graph/format';
import type { BlockNodeT } from '../graph/model';
import { portsFor } from '../graph/ports';
import { LiveNodeStats } from '../runs/LiveNodeStats';
import { useEditorDecor } from '../store';
import { hasChoices, isChoice, markerText, sweptStructure } from '../sweeps/choices';
import { splitIssues } from './issueKinds';
import { DetailContext, ExpandedFrame, LodBoxNode, setExpanded, useExpanded } from './lod';
import { directionText, sharedByCount } from './nodeFace';
import { PortHandles, portsHeight } from './PortHandles';

const EMPTY: Record<string, never> = {};
/** Below this zoom a node draws only its title (level of detail: big graphs stay fluid). */
export const FAR_ZOOM = 0.3;
export const BIG_GRAPH = 150;
export const farSelector = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
/** `farSelector`, read once by the Canvas: one store subscription instead of one per node and edge. */
export const FarContext = createContext(false);

function BlockNodeImpl({ id, data, selected }: NodeProps<BlockNodeT>) {
  // useEditorDecor, not useEditor: these selectors must not run on every drag move of any node.
  const spec = useEditorDecor((s) => s.specs[data.type]);
  const composite = useEditorDecor((s) => s.meta.blocks?.[data.type] ?? s.library[data.type]);
  const issues = useEditorDecor((s) => s.report?.nodeIssues[id]);
  const info = useEditorDecor((s) => s.report?.nodes[id]);
  const sweptNode = useEditorDecor((s) => sweptStructure(s.meta.sweep, id)); // optional, or in a repeat group
  const sharedBy = useEditorDecor((s) => sharedByCount(s.report, id));
  const ports = useMemo(
    () => portsFor(data.type, data.params, spec, composite ? { [data.type]: composite } : EMPTY),
    [data.type, data.params, spec, composite],
  );
  const zoomedOut = useContext(FarContext);
  // A big graph arrives compact: its first frame must not lay out every node in full.
  const bigLoading = useEditorDecor((s) => !s.viewSettled && s.nodeCount > BIG_GRAPH);
  const far = zoomedOut || bigLoading;
  const updateInternals = useUpdateNodeInternals();
  const portKey = `${ports.inputs.map((p) => p.name).join(',')}|${ports.outputs.map((p) => p.name).join(',')}`;
  const firstPorts = useRef(portKey);
  useEffect(() => {
    // React Flow measures handles on mount; re-measure only when the ports change (Split.num).
    if (firstPorts.current === portKey) return;
    firstPorts.current = portKey;
    updateInternals(id);
  }, [id, portKey, updateInternals]);

  const keyParams = spec?.key_params ?? [];
  const outShapes = info ? Object.entries(info.outputs) : [];
  // Unfinished wiring is a quiet badge; only a real mistake turns the node red.
  const { wrong, incomplete } = useMemo(() => splitIssues(issues), [issues]);
  const hasError = wrong.length > 0;
  const shown = hasError ? wrong : incomplete;
  const cls = [
    'akid-node',
    far ? 'far' : '',
    `cat-${spec?.category ?? (composite ? 'composite' : 'unknown')}`,
    hasError ? 'has-error' : '',
    !hasError && incomplete.length ? 'incomplete' : '',
    selected ? 'selected' : '',
  ].join(' ');
  const minHeight = portsHeight(ports.inputs.length, ports.outputs.length);

  return (
    <div
      className={cls}
      style={{ minHeight }}
      data-testid={`node-${id}`}
      data-type={data.type}
      data-error={hasError ? 'true' : 'false'}
      title={spec?.doc ?? data.type}
    >
      <PortHandles nodeId={id} ports={ports} />
      <div className="akid-node-title">
        <span className="akid-node-type">{data.type}</span>
        {(sweptNode || hasChoices(data.params)) && (
          <span
            className="akid-node-swept"
            data-testid={`node-${id}-swept`}
            title="swept: this block varies between the sweep's trials"
          >
            swept
          </span>
        )}
        <span className="akid-node-id">{data.label ?? id}</span>
        {shown.length > 0 && (
          <span
            className={`node-badge ${hasError ? 'wrong' : 'todo'}`}
            role="img"
            data-testid={`node-badge-${id}`}
            title={shown.map((i) => i.message).join('\n')}
            aria-label={`${shown.length} ${hasError ? 'error' : 'unfinished'}${shown.length === 1 ? '' : 's'}: ${shown.map((i) => i.message).join('; ')}`}
          >
            {hasError ? '!' : '○'}
            {shown.length > 1 ? shown.length : ''}
          </span>
        )}
      </div>
      {!far && keyParams.length > 0 && (
        <div className="akid-node-params">
          {keyParams.map((k) => (
            <div key={k} className="kp">
              <span>{k}</span>
              <b>
                {isChoice(data.params[k])
                  ? markerText(data.params[k])
                  : formatValue(data.params[k] ?? spec?.defaults[k])}
              </b>
            </div>
          ))}
        </div>
      )}
      {!far && (data.shares || sharedBy > 0 || directionText(data.params)) && (
        <div className="akid-node-hints">
          {directionText(data.params) && (
            <span className="hint-bi" data-testid={`node-${id}-bi`} title="bidirectional: reads the sequence both ways">
              {directionText(data.params)}
            </span>
          )}
          {data.shares && (
            <span
              className="hint-shares"
              data-testid={`node-${id}-shares`}
              title={`reuses the layer (weights) of ${data.shares}`}
            >
              shares {data.shares}
            </span>
          )}
          {sharedBy > 0 && (
            <span
              className="hint-shared"
              data-testid={`node-${id}-shared`}
              title={`this layer runs at ${sharedBy + 1} places: ${sharedBy} other block${sharedBy === 1 ? ' shares' : 's share'} its weights`}
            >
              shared ×{sharedBy + 1}
            </span>
          )}
        </div>
      )}
      {!far && composite && (
        <div className="akid-node-params composite-hint" title={data.inner ? undefined : 'Double-click to edit it'}>
          {data.inner ? 'composite' : 'composite · dbl-click edits'}
          {!data.inner && (
            <button
              type="button"
              className="akid-expand-toggle nodrag"
              onClick={(e) => {
                e.stopPropagation();
                setExpanded(id, true);
              }}
              onDoubleClick={(e) => e.stopPropagation()}
              data-testid={`expand-${id}`}
              title="Expand in place: show the blocks inside (view only, the graph is unchanged)"
            >
              ⊞ expand
            </button>
          )}
        </div>
      )}
      {!far && (
        <div className="akid-node-foot" data-testid={`node-${id}-info`}>
          {outShapes.map(([port, shape]) => (
            <span key={port} className="shape">
              {outShapes.length > 1 ? `${port} ` : ''}
              {formatShape(shape)}
            </span>
          ))}
          {info && info.params > 0 && <span className="pcount">{formatCount(info.params)} params</span>}
        </div>
      )}
      {!far && <LiveNodeStats nodeId={id} editor />}
      {!far && hasError && (
        // A popover outside the node's box (absolute, no pointer events): the node keeps its
        // size and its neighbours' handles stay reachable. Shown on hover and when selected.
        <div className="akid-node-error" role="tooltip" data-testid={`node-${id}-error`}>
          {wrong.slice(0, 3).map((is, i) => (
            <div key={i}>{is.message}</div>
          ))}
          {wrong.length > 3 && <div>… {wrong.length - 3} more</div>}
        </div>
      )}
    </div>
  );
}

// Only what the node draws: React Flow also passes positionAbsoluteX/Y, dragging, zIndex…, which
// change on every move of a drag and would re-render the dragged node's whole tree each time.
// Level of detail (./lod): far out, a plain box instead of the full node.
// A composite expanded in place (lod/expand.ts) draws as a frame around its inner blocks.
const BlockNodeLod = (p: NodeProps<BlockNodeT>) => {
  const expanded = useExpanded(p.id);
  const detail = useContext(DetailContext);
  if (expanded) return <ExpandedFrame {...p} />;
  return detail === 'box' ? <LodBoxNode {...p} /> : <BlockNodeImpl {...p} />;
};
export const BlockNode = memo(BlockNodeLod, (a, b) => a.id === b.id && a.data === b.data && a.selected === b.selected);
