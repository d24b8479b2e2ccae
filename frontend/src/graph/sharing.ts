// Shared layers: a node with `shares: <owner id>` runs its owner's layer (same weights). The link is
// node data, not an edge: it is drawn as a dashed "shared with" line (editor/SharedLinks.tsx) and
// set in the inspector (editor/SharesField.tsx); it never enters `edges`, so it is never exported
// or connectable as one.
import { editorStore } from '../store';
import type { BlockNodeT } from './model';

export interface ShareLink {
  /** the sharing node */
  from: string;
  /** the node whose layer it reuses */
  to: string;
}

/** Every `shares` link whose both ends are on the canvas. */
export function shareLinks(nodes: readonly BlockNodeT[]): ShareLink[] {
  const links: ShareLink[] = [];
  let ids: Set<string> | null = null;
  for (const n of nodes) {
    const owner = n.data.shares;
    if (!owner) continue;
    ids ??= new Set(nodes.map((m) => m.id));
    if (ids.has(owner) && owner !== n.id) links.push({ from: n.id, to: owner });
  }
  return links;
}

/** The nodes `id` may share a layer with: same type, not itself, not themselves sharing (no chains). */
export function shareCandidates(nodes: readonly BlockNodeT[], id: string): string[] {
  const me = nodes.find((n) => n.id === id);
  if (!me || me.data.type === 'Input' || me.data.type === 'Output') return [];
  return nodes.filter((n) => n.id !== id && n.data.type === me.data.type && !n.data.shares).map((n) => n.id);
}

/** Set (or clear, with null) the layer node `id` reuses; one undo step. Choosing an owner copies its
 * params, which a shared layer has once (the validator refuses a sharer whose params differ). */
export function setShares(id: string, owner: string | null): void {
  const s = editorStore.getState();
  const ownerParams = owner ? s.nodes.find((n) => n.id === owner)?.data.params : undefined;
  s.checkpoint(); // each choice is its own undo step
  editorStore.setState({
    nodes: s.nodes.map((n) => {
      if (n.id !== id) return n;
      const data = { ...n.data };
      if (owner) {
        data.shares = owner;
        if (ownerParams) data.params = { ...ownerParams };
      } else delete data.shares;
      return { ...n, data };
    }),
    rev: s.rev + 1,
  });
}
