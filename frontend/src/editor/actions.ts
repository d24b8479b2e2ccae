// Editor commands shared by the toolbar, the shortcuts and window.__akid.
import { ApiError, api } from '../api';
import { FormatError, usedBlocks } from '../graph/convert';
import { editorStore } from '../store';
import type { BlockDoc, GraphDoc } from '../types';
import { carryPositions } from './textApply';

const st = () => editorStore.getState();

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.issues.map((i) => i.message).join('; ');
  return (e as Error)?.message ?? String(e);
}

async function guard<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    st().notify(`${what}: ${errorText(e)}`, 'error');
    return undefined;
  }
}

/** The open saved graph is kept in the URL (?graph=<id>) so a reload comes back to it. */
export function setUrlGraph(id: string | number | null) {
  const u = new URL(location.href);
  if (id === null) u.searchParams.delete('graph');
  else u.searchParams.set('graph', String(id));
  history.replaceState(history.state, '', u.toString());
}

export function urlGraph(): string | null {
  return new URLSearchParams(location.search).get('graph');
}

/** Replace the open graph. The replaced one stays one undo step away; say so when it had
 *  unsaved changes (`done` is what to tell the user otherwise). */
export function loadGraph(
  doc: GraphDoc,
  opts?: Parameters<ReturnType<typeof st>['loadDoc']>[1],
  done?: string,
): boolean {
  try {
    const before = st();
    const replaced =
      !opts?.keepHistory && before.nodes.length > 0 && before.rev !== before.savedRev ? before.meta.name : null;
    st().loadDoc(doc, opts);
    if (opts && opts.savedId !== undefined) setUrlGraph(opts.savedId);
    if (replaced !== null)
      st().notify(`${done ? `${done} · ` : ''}your unsaved "${replaced}" is one Undo (Ctrl+Z) away`);
    else if (done) st().notify(done);
    return true;
  } catch (e) {
    st().notify(e instanceof FormatError ? e.message : `cannot open graph: ${errorText(e)}`, 'error');
    return false;
  }
}

export async function refreshLibrary() {
  const list = await guard('loading composites', () => api.composites());
  if (list) st().setLibrary(Object.fromEntries(list.map((c) => [c.name, c.graph])));
}

export async function saveGraph(): Promise<boolean> {
  const s = st();
  if (s.scope.length) closeCompositeAndSave();
  const doc = st().toDoc();
  const id = st().savedId;
  const r = await guard('save', () => (id === null ? api.createGraph(doc) : api.updateGraph(id, doc)));
  if (!r) return false;
  st().markSaved(r.id, r.version ?? null);
  setUrlGraph(r.id);
  st().notify(`saved ${doc.name} (version ${r.version})`);
  return true;
}

export async function openSaved(id: string | number, version?: number) {
  const g = await guard('open', () => api.getGraph(id, version));
  if (g) loadGraph(g.graph, { savedId: g.id, savedVersion: g.version });
}

export async function revertTo(id: string | number, version: number) {
  const r = await guard('revert', () => api.revert(id, version));
  if (r) await openSaved(r.id ?? id);
}

export async function newFromTemplate(doc: GraphDoc | null) {
  // A template is a starting point: it is laid out to fit this canvas (positions are layout only).
  const fresh = doc ? { ...doc, nodes: doc.nodes.map(({ position: _p, ...n }) => n) } : null;
  loadGraph(fresh ?? { format: 'akid.graph/v1', name: 'untitled', nodes: [], edges: [] }, {
    savedId: null,
    savedVersion: null,
  });
}

/** A definition for the shared library carries the composites it uses inside it. */
function withNested(name: string, def: BlockDoc): BlockDoc {
  const s = st();
  const used = usedBlocks(def.nodes, { ...s.library, ...(s.meta.blocks ?? {}) });
  delete used[name];
  return Object.keys(used).length ? { ...def, blocks: { ...used, ...(def.blocks ?? {}) } } : def;
}

export async function groupSelectionAsComposite(name: string) {
  const def = st().groupSelection(name);
  if (!def) return;
  await guard('saving composite', () => api.saveComposite(name, withNested(name, def)));
  st().notify(`composite ${name} created`);
}

export function closeCompositeAndSave() {
  const r = st().closeComposite();
  if (r) void guard('saving composite', () => api.saveComposite(r.name, withNested(r.name, r.def)));
}

export function exportJson(): string {
  return JSON.stringify(st().toDoc(), null, 2);
}

export function download(filename: string, text: string, mime = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function importJsonText(text: string) {
  let doc: GraphDoc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    st().notify(`not valid JSON: ${(e as Error).message}`, 'error');
    return;
  }
  loadGraph(doc, { savedId: null, savedVersion: null }, `imported ${doc.name ?? 'graph'}`);
}

export async function importKerasText(text: string) {
  const doc = await guard('Keras import', () => api.importKeras(text));
  if (doc) loadGraph(doc, { savedId: null, savedVersion: null }, `imported Keras model ${doc.name ?? ''}`);
}

export async function exportText(to: string): Promise<string | undefined> {
  return guard(`export ${to}`, () => api.exportGraph(st().toDoc(), to));
}

export async function applyMetaSyntax(text: string): Promise<string | null> {
  try {
    const doc = await api.parse(text);
    const cur = st();
    // Keep positions of blocks that survive the edit; only new blocks get placed.
    // The parser's positions are a plain row layout: blocks that survive keep their place,
    // new ones are placed beside their neighbours (or all laid out when nothing survived).
    const parsed = doc.nodes.map(({ position: _p, ...n }) => n);
    const nodes = carryPositions(
      cur.nodes.map((n) => ({ id: n.id, type: n.data.type, position: n.position, placed: n.data.placed })),
      parsed,
    );
    st().loadDoc({ ...doc, nodes, blocks: doc.blocks ?? cur.meta.blocks }, { keepHistory: true });
    return null;
  } catch (e) {
    if (e instanceof ApiError) {
      return e.issues
        .map((i) => (i.line ? `line ${i.line}${i.column ? `:${i.column}` : ''}: ` : '') + i.message)
        .join('\n');
    }
    return errorText(e);
  }
}
