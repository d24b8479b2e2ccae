// Live validation: every model edit (store.rev) is debounced, then POSTed to
// /api/graphs/validate. Each request carries an id; answers to older requests are dropped,
// so a slow answer can never overwrite a newer one, and the UI never waits on the network.
import { useEffect } from 'react';
import type { Api } from '../api';
import { keepIdentity, mapReport, requestFailed } from '../graph/validation';
import type { EditorStore } from '../store/editorStore';
import { firstVariant } from '../sweeps/choices';

export const DEBOUNCE_MS = 250;

export function startLiveValidation(
  store: EditorStore,
  api: Pick<Api, 'validate'>,
  debounceMs = DEBOUNCE_MS,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest = 0;
  let controller: AbortController | null = null;
  const run = async () => {
    const id = ++latest;
    controller?.abort();
    const ctl = (controller = typeof AbortController !== 'undefined' ? new AbortController() : null);
    const s = store.getState();
    const doc = firstVariant(s.toDoc()); // sweep choices: check the first variant (the sweep checks them all)
    const ids = new Set(s.nodes.map((n) => n.id));
    s.setValidating(true);
    try {
      const report = await api.validate(doc, ctl?.signal);
      if (id !== latest) return; // stale
      store.getState().setReport(keepIdentity(store.getState().report, mapReport(report, ids)));
    } catch (e) {
      if (id !== latest || (e as Error).name === 'AbortError') return;
      store.getState().setReport(requestFailed(`validation failed: ${(e as Error).message}`));
    } finally {
      if (id === latest) store.getState().setValidating(false);
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };
  const unsub = store.subscribe((s, prev) => {
    if (s.rev !== prev.rev || s.specList !== prev.specList) schedule();
  });
  schedule();
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
    controller?.abort();
    latest++;
  };
}

export function useLiveValidation(store: EditorStore, api: Pick<Api, 'validate'>) {
  useEffect(() => startLiveValidation(store, api), [store, api]);
}
