// Edge with its inferred shape as label; feedback edges are dashed and coloured.
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { FarContext } from './BlockNode';
import { memo, useContext } from 'react';
import { formatShape } from '../graph/format';
import type { GraphEdgeT } from '../graph/model';
import { useEditorDecor } from '../store';

function ShapeEdgeImpl(p: EdgeProps<GraphEdgeT>) {
  const shape = useEditorDecor((s) => s.report?.edgeShapes[p.id]);
  const feedback = !!p.data?.feedback;
  const far = useContext(FarContext);
  // An issue on the port this edge feeds (e.g. a shape mismatch) colours the edge too.
  const bad = useEditorDecor((s) => !!s.report?.nodeIssues[p.target]?.some((i) => i.port && i.port === (p.targetHandleId ?? 'in')));
  const [path, lx, ly] = getBezierPath({
    sourceX: p.sourceX, sourceY: p.sourceY, sourcePosition: p.sourcePosition,
    targetX: p.targetX, targetY: p.targetY, targetPosition: p.targetPosition,
    curvature: feedback ? 0.6 : 0.25,
  });
  const cls = `akid-edge${feedback ? ' feedback' : ''}${bad ? ' bad' : ''}${p.selected ? ' selected' : ''}`;
  return (
    <>
      <BaseEdge id={p.id} path={path} className={cls} markerEnd={p.markerEnd} interactionWidth={16} />
      {!far && (shape || feedback) && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label${feedback ? ' feedback' : ''}`}
            data-testid={`edge-label-${p.id}`}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}
          >
            {feedback ? '↺ ' : ''}{formatShape(shape)}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeImpl);
