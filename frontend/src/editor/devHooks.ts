// window.__akid: hooks for e2e tests and the benchmark (load a graph, read it back, time things).
import { editorStore } from '../store';
import type { GraphDoc } from '../types';
import { loadGraph, saveGraph } from './actions';

export interface AkidHooks {
  store: typeof editorStore;
  load(doc: GraphDoc): boolean;
  graph(): GraphDoc;
  report(): unknown;
  save(): Promise<boolean>;
  fit(): void;
  layout(): Promise<void>;
  /** Resolves once the latest edit has been validated. */
  validated(): Promise<void>;
  /** Resolves once a loaded graph is laid out, fitted in view and validated. */
  ready(): Promise<void>;
}

declare global {
  interface Window {
    __akid?: AkidHooks;
  }
}

export function installDevHooks(extra: { fit(): void; layout(): Promise<void> }): () => void {
  window.__akid = {
    store: editorStore,
    load: (doc) => loadGraph(doc),
    graph: () => editorStore.getState().toDoc(),
    report: () => editorStore.getState().report,
    save: saveGraph,
    fit: extra.fit,
    layout: extra.layout,
    ready: () =>
      new Promise((resolve) => {
        const check = () => {
          const s = editorStore.getState();
          if (s.viewSettled && s.report && !s.validating) return resolve();
          setTimeout(check, 20);
        };
        setTimeout(check, 300);
      }),
    validated: () =>
      new Promise((resolve) => {
        const t0 = editorStore.getState().rev;
        const check = () => {
          const s = editorStore.getState();
          if (s.report && !s.validating && s.rev >= t0) return resolve();
          setTimeout(check, 20);
        };
        setTimeout(check, 300);
      }),
  };
  return () => {
    delete window.__akid;
  };
}
