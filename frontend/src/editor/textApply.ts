// Applying the Text pane replaces the graph; blocks that are still there keep their place.
// A block is "still there" when its id survives, or, when the text renamed ids, when it is the
// k-th block of its type both before and after. Only blocks that are really new are laid out.
import type { XYPosition } from '@xyflow/react';

interface Old {
  id: string;
  type: string;
  position: XYPosition;
  placed?: boolean;
}
interface New {
  id: string;
  type: string;
  position?: XYPosition;
}

export function carryPositions<T extends New>(old: readonly Old[], next: readonly T[]): T[] {
  const placed = old.filter((n) => n.placed !== false);
  const byId = new Map(placed.map((n) => [n.id, n]));
  const nextIds = new Set(next.map((n) => n.id));
  // Old blocks whose ids are gone, per type, in order: candidates for renamed blocks.
  const spare = new Map<string, Old[]>();
  for (const n of placed) if (!nextIds.has(n.id)) (spare.get(n.type) ?? spare.set(n.type, []).get(n.type)!).push(n);
  return next.map((n) => {
    if (n.position) return n;
    const same = byId.get(n.id);
    if (same && same.type === n.type) return { ...n, position: same.position };
    const twin = spare.get(n.type)?.shift();
    return twin ? { ...n, position: twin.position } : n;
  });
}
