// Where a new block goes: at the requested spot, or the nearest free spot to it, so that a
// dropped block never covers another block (and its handles stay reachable).
import type { XYPosition } from '@xyflow/react';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A node's footprint before React Flow has measured it. */
export const NEW_NODE = { width: 184, height: 80 };
const GAP = 16;
const STEP = 24;

function hits(a: Rect, b: Rect): boolean {
  return (
    a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP
  );
}

/** The free position nearest to `at` for a box of `size`, given the boxes already there. */
export function freeSpot(taken: readonly Rect[], at: XYPosition, size = NEW_NODE, maxRings = 60): XYPosition {
  const fits = (p: XYPosition) => !taken.some((r) => hits({ ...p, ...size }, r));
  if (fits(at)) return at;
  for (let ring = 1; ring <= maxRings; ring++) {
    const cands: XYPosition[] = [];
    for (let i = -ring; i <= ring; i++) {
      cands.push({ x: at.x + i * STEP, y: at.y - ring * STEP }, { x: at.x + i * STEP, y: at.y + ring * STEP });
      if (Math.abs(i) !== ring)
        cands.push({ x: at.x - ring * STEP, y: at.y + i * STEP }, { x: at.x + ring * STEP, y: at.y + i * STEP });
    }
    cands.sort((a, b) => Math.hypot(a.x - at.x, a.y - at.y) - Math.hypot(b.x - at.x, b.y - at.y));
    const hit = cands.find(fits);
    if (hit) return hit;
  }
  return at;
}

/** Boxes of nodes as React Flow knows them (measured, or the default size). */
export function nodeRects(
  nodes: readonly { position: XYPosition; measured?: { width?: number; height?: number } }[],
): Rect[] {
  return nodes.map((n) => ({
    x: n.position.x,
    y: n.position.y,
    width: n.measured?.width ?? NEW_NODE.width,
    height: n.measured?.height ?? NEW_NODE.height,
  }));
}
