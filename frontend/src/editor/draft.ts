// Unsaved work survives a reload and a crash of the tab: the open graph is mirrored to
// localStorage shortly after every change (a crash gives no unload event to save on) and
// restored on start-up when it is newer than what the server has.
import type { EditorStore } from '../store/editorStore';
import type { GraphDoc } from '../types';

const KEY = 'akid.editor.draft';

export interface Draft {
  doc: GraphDoc;
  savedId: string | number | null;
  savedVersion: number | null;
  dirty: boolean;
}

export function readDraft(storage: Pick<Storage, 'getItem'> = localStorage): Draft | null {
  try {
    const d = JSON.parse(storage.getItem(KEY) ?? 'null') as Draft | null;
    return d?.doc && Array.isArray(d.doc.nodes) ? d : null;
  } catch {
    return null;
  }
}

export function startDraftMirror(
  store: EditorStore,
  storage: Pick<Storage, 'setItem'> = localStorage,
  delayMs = 120,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    const s = store.getState();
    if (s.scope.length) return; // inside a composite: the parent graph is what counts
    const draft: Draft = {
      doc: s.toDoc(),
      savedId: s.savedId,
      savedVersion: s.savedVersion,
      dirty: s.rev !== s.savedRev,
    };
    try {
      storage.setItem(KEY, JSON.stringify(draft));
    } catch {
      /* storage full or disabled: drafts are a convenience */
    }
  };
  const unsub = store.subscribe((s, prev) => {
    if (s.rev === prev.rev && s.savedRev === prev.savedRev && s.scope === prev.scope) return;
    if (timer) clearTimeout(timer);
    // Written when the browser is idle (at most ~half a second later): serialising a big graph
    // must not cost a frame of a drag or of the first render.
    timer = setTimeout(() => {
      const ric = (globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number })
        .requestIdleCallback;
      if (ric)
        ric(
          () => {
            if (timer) write();
          },
          { timeout: 500 },
        );
      else write();
    }, delayMs);
  });
  // Leaving the page normally: write what the debounce still holds.
  const flush = () => {
    if (!timer) return;
    clearTimeout(timer);
    timer = null;
    write();
  };
  const hidden = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') flush();
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', hidden);
  }
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
    if (typeof window !== 'undefined') {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', hidden);
    }
  };
}

/** Which graph to show at start-up: the draft, the saved graph named in the URL, or nothing. */
export function startupChoice(
  urlId: string | null,
  draft: Draft | null,
): { kind: 'draft'; draft: Draft } | { kind: 'saved'; id: string } | { kind: 'none' } {
  if (urlId !== null) {
    if (draft?.dirty && String(draft.savedId) === urlId) return { kind: 'draft', draft };
    return { kind: 'saved', id: urlId };
  }
  if (draft && draft.savedId === null && draft.doc.nodes.length > 0) return { kind: 'draft', draft };
  return { kind: 'none' };
}
