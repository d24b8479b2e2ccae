import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Draft, readDraft, startDraftMirror, startupChoice } from '../src/editor/draft';
import { createEditorStore } from '../src/store/editorStore';
import { specs } from './helpers';

const doc = (n: number) => ({
  format: 'akid.graph/v1' as const,
  name: 'd',
  nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'Dense' })),
  edges: [],
});

describe('drafts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('mirrors edits to storage and reads them back', async () => {
    const mem = new Map<string, string>();
    const storage = {
      setItem: (k: string, v: string) => void mem.set(k, v),
      getItem: (k: string) => mem.get(k) ?? null,
    };
    const store = createEditorStore({ specs });
    const stop = startDraftMirror(store, storage, 100);
    store.getState().addNode('Dense', { x: 0, y: 0 });
    await vi.advanceTimersByTimeAsync(150);
    const d = readDraft(storage)!;
    expect(d.doc.nodes.map((n) => n.id)).toEqual(['dense1']);
    expect(d.dirty).toBe(true);
    store.getState().markSaved('g1', 1);
    await vi.advanceTimersByTimeAsync(150);
    expect(readDraft(storage)).toMatchObject({ savedId: 'g1', savedVersion: 1, dirty: false });
    stop();
  });

  it('prefers unsaved changes to the graph named in the URL, else the saved graph', () => {
    const draft = (savedId: string | null, dirty: boolean, n = 2): Draft => ({
      doc: doc(n),
      savedId,
      savedVersion: 1,
      dirty,
    });
    expect(startupChoice('g1', draft('g1', true))).toMatchObject({ kind: 'draft' });
    expect(startupChoice('g1', draft('g1', false))).toEqual({ kind: 'saved', id: 'g1' });
    expect(startupChoice('g1', draft('g2', true))).toEqual({ kind: 'saved', id: 'g1' });
    expect(startupChoice(null, draft(null, true))).toMatchObject({ kind: 'draft' });
    expect(startupChoice(null, draft(null, true, 0))).toEqual({ kind: 'none' });
    expect(startupChoice(null, null)).toEqual({ kind: 'none' });
    expect(readDraft({ getItem: () => '{not json' })).toBeNull();
  });
});
