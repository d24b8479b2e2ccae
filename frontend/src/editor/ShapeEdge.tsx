// Edge with its inferred shape as label; feedback edges are dashed and coloured.
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo, useContext } from 'react';
import { formatShape } from '../graph/format';
import type { GraphEdgeT } from '../graph/model';
import { useEditorDecor } from '../store';
import { FarContext } from './BlockNode';
import { wrapEdgePath } from './wrapRows';

/** How far above the wire a tight label sits: past the ports' offset from a block's top (14 px). */
const TIGHT_LIFT = 22;

/** The label's width in flow pixels, estimated (monospace 10 px, padding): no DOM measuring per edge. */
export function labelWidth(text: string): number {
  return text.length * 6.2 + 10;
}

function ShapeEdgeImpl(p: EdgeProps<GraphEdgeT>) {
  const shape = useEditorDecor((s) => s.report?.edgeShapes[p.id]);
  const feedback = !!p.data?.feedback;
  const far = useContext(FarContext);
  // An issue on the port this edge feeds (e.g. a shape mismatch) colours the edge too.
  const bad = useEditorDecor(
    (s) => !!s.report?.nodeIssues[p.target]?.some((i) => i.port && i.port === (p.targetHandleId ?? 'in')),
  );
  // A feedback edge into an earlier block is a back-edge: it leaves to the right, runs back
  // below both blocks and enters from the left, so it never lies flat across the row.
  const back = feedback && p.targetX < p.sourceX + 40;
  // A forward edge into the next row of a wrapped layout runs back through the gap between rows.
  const wrap = !feedback && p.targetX < p.sourceX + 40 && p.targetY > p.sourceY + 80;
  const [path, lx, ly] = back
    ? backEdgePath(p.sourceX, p.sourceY, p.targetX, p.targetY)
    : wrap
      ? wrapEdgePath(p.sourceX, p.sourceY, p.targetX, p.targetY)
      : getBezierPath({
          sourceX: p.sourceX,
          sourceY: p.sourceY,
          sourcePosition: p.sourcePosition,
          targetX: p.targetX,
          targetY: p.targetY,
          targetPosition: p.targetPosition,
          curvature: feedback ? 0.6 : 0.25,
        });
  // A label wider than the gap between two close blocks would hide under them (edges are drawn
  // under nodes): it floats just above the wire instead, clear of both blocks' top edges.
  const text = `${feedback ? '↺ ' : ''}${formatShape(shape)}`;
  const tight = !back && !wrap && Math.abs(p.targetY - p.sourceY) < 20 && p.targetX - p.sourceX < labelWidth(text) + 8;
  const cls = `akid-edge${feedback ? ' feedback' : ''}${bad ? ' bad' : ''}${p.selected ? ' selected' : ''}`;
  return (
    <>
      <BaseEdge id={p.id} path={path} className={cls} markerEnd={p.markerEnd} interactionWidth={16} />
      {!far && (shape || feedback) && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label${feedback ? ' feedback' : ''}${tight ? ' tight' : ''}`}
            data-testid={`edge-label-${p.id}`}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${tight ? ly - TIGHT_LIFT : ly}px)` }}
          >
            {text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

/** Right, down below both ends, back left, up into the target: [path, labelX, labelY]. */
export function backEdgePath(
  sx: number,
  sy: number,
  tx: number,
  ty: number,
  below = 110,
  off = 22,
  r = 10,
): [string, number, number] {
  const by = Math.max(sy, ty) + below;
  const a = sx + off,
    b = tx - off;
  const d = [
    `M ${sx},${sy}`,
    `L ${a - r},${sy}`,
    `Q ${a},${sy} ${a},${sy + r}`,
    `L ${a},${by - r}`,
    `Q ${a},${by} ${a - r},${by}`,
    `L ${b + r},${by}`,
    `Q ${b},${by} ${b},${by - r}`,
    `L ${b},${ty + r}`,
    `Q ${b},${ty} ${b + r},${ty}`,
    `L ${tx},${ty}`,
  ].join(' ');
  return [d, (a + b) / 2, by];
}

export const ShapeEdge = memo(ShapeEdgeImpl);
