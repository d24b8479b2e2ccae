// The dashed "shared with" links between a node that reuses a layer (`shares`) and the node that
// owns it. Drawn in flow coordinates above the edges, ignoring the pointer: it is not an edge, so it
// can be neither selected nor connected, and it is not in the document's `edges`.
import { ViewportPortal } from '@xyflow/react';
import { memo } from 'react';
import type { BlockNodeT } from '../graph/model';
import { shareLinks } from '../graph/sharing';
import { useEditor } from '../store';
import './sharing.css';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const box = (n: BlockNodeT): Box => ({
  x: n.position.x,
  y: n.position.y,
  w: n.measured?.width ?? n.width ?? 160,
  h: n.measured?.height ?? n.height ?? 60,
});

/** Where the segment from b's centre towards (tx, ty) leaves b's rectangle. */
function border(b: Box, tx: number, ty: number): [number, number] {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const dx = tx - cx;
  const dy = ty - cy;
  if (!dx && !dy) return [cx, cy];
  const t = Math.min(dx ? b.w / 2 / Math.abs(dx) : Infinity, dy ? b.h / 2 / Math.abs(dy) : Infinity);
  return [cx + dx * Math.min(t, 1), cy + dy * Math.min(t, 1)];
}

export const SharedLinks = memo(function SharedLinks() {
  const nodes = useEditor((s) => s.nodes);
  const links = shareLinks(nodes);
  if (!links.length) return null;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return (
    <ViewportPortal>
      <svg className="shared-links" aria-hidden="true" data-testid="shared-links">
        {links.map(({ from, to }) => {
          const a = box(byId.get(from)!);
          const b = box(byId.get(to)!);
          const [x1, y1] = border(a, b.x + b.w / 2, b.y + b.h / 2);
          const [x2, y2] = border(b, a.x + a.w / 2, a.y + a.h / 2);
          return (
            <g key={from} className="shared-link" data-testid={`shared-link-${from}`} data-owner={to}>
              <title>{`${from} shares the layer (weights) of ${to}`}</title>
              <line x1={x1} y1={y1} x2={x2} y2={y2} />
              <text x={(x1 + x2) / 2 + 6} y={(y1 + y2) / 2 + 4}>
                shared
              </text>
            </g>
          );
        })}
      </svg>
    </ViewportPortal>
  );
});
