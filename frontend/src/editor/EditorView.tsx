// The editor: toolbar, palette, canvas, inspector, summary bar, dialogs; wires live
// validation, keyboard shortcuts and the window.__akid hooks used by tests and benchmarks.
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';
import { editorStore, useEditor } from '../store';
import type { Template } from '../types';
import {
  closeCompositeAndSave,
  errorText,
  groupSelectionAsComposite,
  loadGraph,
  openSaved,
  refreshLibrary,
  saveGraph,
  setUrlGraph,
  urlGraph,
} from './actions';
import { readBlocksCache, writeBlocksCache } from './blocksCache';
import { Canvas } from './Canvas';
import { CodeDialog } from './CodeDialog';
import { installDevHooks } from './devHooks';
import { GroupDialog, HelpOverlay, OpenDialog, QuickInsert, VersionsDialog } from './dialogs';
import { readDraft, startDraftMirror, startupChoice } from './draft';
import { Inspector } from './Inspector';
import { autoLayout, canvasAspect } from './layout';
import { MetaPane } from './MetaPane';
import { Palette } from './Palette';
import { fitReadable } from './readableFit';
import { SummaryBar } from './SummaryBar';
import { actionFor, isTyping } from './shortcuts';
import { type DialogName, Toolbar } from './Toolbar';
import { useLiveValidation } from './useLiveValidation';

export function EditorView() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}

function Notice() {
  const notice = useEditor((s) => s.notice);
  const [hidden, setHidden] = useState<number | null>(null);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setHidden(notice.at), notice.kind === 'error' ? 6000 : 2500);
    return () => clearTimeout(t);
  }, [notice]);
  if (!notice || hidden === notice.at) return null;
  return (
    <div className={`notice ${notice.kind}`} data-testid="notice" role="status">
      {notice.text}
    </div>
  );
}

function Editor() {
  const rf = useReactFlow();
  const [templates, setTemplates] = useState<Template[]>([]);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [metaOpen, setMetaOpen] = useState(false);
  const [quick, setQuick] = useState<{ x: number; y: number; screenX: number; screenY: number } | null>(null);
  useLiveValidation(editorStore, api);

  useEffect(() => {
    // The palette shows the blocks known from the last visit at once (a cold server can take
    // seconds to list them), then the server's list replaces them.
    const cached = readBlocksCache();
    if (cached && !editorStore.getState().specList.length) editorStore.getState().setSpecs(cached);
    api.blocks().then(
      (b) => {
        editorStore.getState().setSpecs(b);
        writeBlocksCache(b);
      },
      (e) => editorStore.getState().notify(`loading blocks: ${errorText(e)}`, 'error'),
    );
    api.templates().then(setTemplates, () => setTemplates([]));
    void refreshLibrary();
    const choice = startupChoice(urlGraph(), readDraft());
    if (choice.kind === 'saved') void openSaved(choice.id);
    else if (choice.kind === 'draft') {
      const d = choice.draft;
      if (loadGraph(d.doc, { savedId: d.savedId, savedVersion: d.savedVersion }) && d.dirty) {
        editorStore.setState({ savedRev: -1 }); // still unsaved
        editorStore.getState().notify('restored your unsaved changes');
      }
    }
    const stopDraft = startDraftMirror(editorStore);
    // Undo across a New/Open brings back another saved graph: the URL follows it.
    const stopUrl = editorStore.subscribe((s, p) => {
      if (s.savedId !== p.savedId) setUrlGraph(s.savedId);
    });
    return () => {
      stopDraft();
      stopUrl();
    };
  }, []);

  const fit = useCallback(() => fitReadable(rf, { duration: 200 }), [rf]);
  const layout = useCallback(async () => {
    const s = editorStore.getState();
    const sel = s.nodes.filter((n) => n.selected);
    const nodes = sel.length > 1 ? sel : s.nodes;
    const pos = await autoLayout(nodes, s.edges, (id) => s.portsOf(id), canvasAspect());
    if (sel.length > 1) {
      // Lay out only the selection, keeping it where it was.
      const minX = Math.min(...sel.map((n) => n.position.x)),
        minY = Math.min(...sel.map((n) => n.position.y));
      for (const k of Object.keys(pos)) pos[k] = { x: pos[k].x + minX, y: pos[k].y + minY };
    }
    editorStore.getState().setPositions(pos, true);
    if (sel.length <= 1) requestAnimationFrame(() => fitReadable(rf, { duration: 200 }));
  }, [rf]);

  useEffect(() => installDevHooks({ fit, layout }), [fit, layout]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialog || quick) return;
      const a = actionFor(e);
      if (!a || (a !== 'save' && isTyping(e.target))) return;
      const s = editorStore.getState();
      e.preventDefault();
      switch (a) {
        case 'undo':
          return s.undo();
        case 'redo':
          return s.redo();
        case 'copy':
          return void s.copySelection();
        case 'cut':
          if (s.copySelection()) s.deleteSelection();
          return;
        case 'paste':
          return s.paste();
        case 'duplicate':
          if (s.copySelection()) s.paste();
          return;
        case 'selectAll':
          return s.selectAll();
        case 'delete':
          return s.deleteSelection();
        case 'group':
          if (s.nodes.some((n) => n.selected)) setDialog('group');
          return;
        case 'save':
          return void saveGraph();
        case 'layout':
          return void layout();
        case 'fit':
          return fit();
        case 'help':
          return setDialog('help');
        case 'escape':
          if (s.scope.length) closeCompositeAndSave();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog, quick, fit, layout]);

  const close = useCallback(() => setDialog(null), []);
  return (
    <div className="editor" data-testid="editor">
      <Toolbar
        templates={templates}
        openDialog={setDialog}
        metaOpen={metaOpen}
        toggleMeta={() => setMetaOpen((m) => !m)}
        layout={() => void layout()}
        fit={fit}
      />
      <div className="editor-body">
        <Palette />
        <div className="editor-center">
          <Canvas onQuickInsert={setQuick} />
          {metaOpen && <MetaPane onClose={() => setMetaOpen(false)} />}
          <SummaryBar />
        </div>
        <div className="editor-right">
          <Inspector onGroup={() => setDialog('group')} />
        </div>
      </div>
      <Notice />
      {quick && <QuickInsert at={quick} onClose={() => setQuick(null)} />}
      {dialog === 'help' && <HelpOverlay onClose={close} />}
      {dialog === 'open' && <OpenDialog onClose={close} />}
      {dialog === 'versions' && <VersionsDialog onClose={close} />}
      {dialog === 'code' && <CodeDialog onClose={close} />}
      {dialog === 'group' && <GroupDialog onClose={close} onGroup={(n) => void groupSelectionAsComposite(n)} />}
    </div>
  );
}

export { loadGraph };
