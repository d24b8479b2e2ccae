// The app's editor store and its selector hooks. Components select the smallest slice they
// need (e.g. one node's issues) so that a 500-node graph re-renders only what changed.
import { useStore } from 'zustand';
import { createEditorStore, type EditorState } from './editorStore';

export const editorStore = createEditorStore();

export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(editorStore, selector);
}

/**
 * The slow-changing part of the state that every canvas node and edge reads: block specs,
 * composite definitions, the validation report, and whether a load is still settling.
 * A drag moves a node (a new `nodes` array) on every pointer move; with `useEditor`, each of
 * the ~5 selectors of each of 500 nodes and edges would run on every move. Listeners of this
 * view run only when one of these fields (or the node count) changes.
 */
export type DecorState = Pick<EditorState, 'specs' | 'meta' | 'library' | 'report' | 'viewSettled'> & {
  nodeCount: number;
};

export function decorChanged(s: EditorState, prev: EditorState): boolean {
  return (
    s.specs !== prev.specs ||
    s.meta !== prev.meta ||
    s.library !== prev.library ||
    s.report !== prev.report ||
    s.viewSettled !== prev.viewSettled ||
    s.nodes.length !== prev.nodes.length
  );
}

const decorListeners = new Set<(s: DecorState, prev: DecorState) => void>();
editorStore.subscribe((s, prev) => {
  if (!decorChanged(s, prev)) return;
  const before = decor ?? decorApi.getState();
  const now = decorApi.getState();
  decorListeners.forEach((l) => l(now, before));
});
let decor: DecorState | null = null;
const decorApi = {
  getState: (): DecorState => {
    const s = editorStore.getState();
    if (
      !decor ||
      decor.specs !== s.specs ||
      decor.meta !== s.meta ||
      decor.library !== s.library ||
      decor.report !== s.report ||
      decor.viewSettled !== s.viewSettled ||
      decor.nodeCount !== s.nodes.length
    ) {
      decor = {
        specs: s.specs,
        meta: s.meta,
        library: s.library,
        report: s.report,
        viewSettled: s.viewSettled,
        nodeCount: s.nodes.length,
      };
    }
    return decor;
  },
  getInitialState: (): DecorState => decorApi.getState(),
  subscribe: (l: (s: DecorState, prev: DecorState) => void) => {
    decorListeners.add(l);
    return () => void decorListeners.delete(l);
  },
};

/** `useEditor` for selectors that read only `DecorState` (see above): not re-run on moves. */
export function useEditorDecor<T>(selector: (s: DecorState) => T): T {
  return useStore(decorApi, selector);
}

export type { EditorState };
export { createEditorStore };
