// The app's editor store and its selector hook. Components select the smallest slice they
// need (e.g. one node's issues) so that a 500-node graph re-renders only what changed.
import { useStore } from 'zustand';
import { createEditorStore, type EditorState } from './editorStore';

export const editorStore = createEditorStore();

export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(editorStore, selector);
}

export { createEditorStore };
export type { EditorState };
