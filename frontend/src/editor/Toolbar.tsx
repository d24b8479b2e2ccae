// Top toolbar: file operations, templates, import/export, edit commands.
import { type ReactNode, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { openKerasImport } from '../kerasio/KerasImportDialog';
import { TrainButton } from '../runs/TrainButton';
import { editorStore, useEditor } from '../store';
import { SweepButton } from '../sweeps/SweepButton';
import type { Template } from '../types';
import {
  closeCompositeAndSave,
  download,
  exportJson,
  importJsonText,
  importKerasText,
  newFromTemplate,
  saveGraph,
} from './actions';

export type DialogName = 'open' | 'versions' | 'code' | 'help' | 'group' | null;

function Menu({
  label,
  testid,
  children,
}: {
  label: string;
  testid: string;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <div className="menu" onMouseLeave={() => setOpen(false)}>
      <button data-testid={testid} onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        {label} ▾
      </button>
      {open && (
        <div className="menu-list" role="menu">
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}

interface Props {
  templates: Template[];
  openDialog(d: DialogName): void;
  metaOpen: boolean;
  toggleMeta(): void;
  layout(): void;
  fit(): void;
}

export function Toolbar({ templates, openDialog, metaOpen, toggleMeta, layout, fit }: Props) {
  const name = useEditor((s) => s.meta.name);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const nSel = useEditor((s) => s.nodes.reduce((a, n) => a + (n.selected ? 1 : 0), 0));
  const scope = useEditor(useShallow((s) => s.scope.map((f) => f.typeName))); // stable array: no render loop
  const saved = useEditor((s) => s.savedId !== null);
  const jsonInput = useRef<HTMLInputElement>(null);
  const kerasInput = useRef<HTMLInputElement>(null);
  const readFile = (el: HTMLInputElement | null, fn: (t: string) => void) => {
    const f = el?.files?.[0];
    if (!f) return;
    f.text().then(fn);
    el!.value = '';
  };
  const st = editorStore.getState;
  return (
    <div className="toolbar" data-testid="toolbar">
      <input
        className="graph-name"
        value={name}
        aria-label="Graph name"
        data-testid="graph-name"
        onChange={(e) => st().setMeta({ name: e.target.value })}
        disabled={scope.length > 0}
      />
      {scope.length > 0 && (
        <span className="breadcrumb" data-testid="composite-breadcrumb">
          editing composite <b>{scope.join(' › ')}</b>
          <button onClick={closeCompositeAndSave} data-testid="composite-back">
            Done ↩
          </button>
        </span>
      )}
      <Menu label="New" testid="template-menu">
        {(close) => (
          <>
            <button
              role="menuitem"
              data-testid="template-empty"
              onClick={() => {
                void newFromTemplate(null);
                close();
              }}
            >
              Empty graph
            </button>
            {templates.map((t) => (
              <button
                role="menuitem"
                key={t.id}
                data-testid={`template-${t.id}`}
                onClick={() => {
                  void newFromTemplate(t.graph);
                  close();
                }}
              >
                {t.name || t.id}
              </button>
            ))}
          </>
        )}
      </Menu>
      <button onClick={() => openDialog('open')} data-testid="open-button">
        Open…
      </button>
      <button onClick={() => void saveGraph()} data-testid="save-button" title="Save a new version (Ctrl+S)">
        Save
      </button>
      <span className="tb-wide">
        <button onClick={() => openDialog('versions')} disabled={!saved} data-testid="versions-button">
          Versions
        </button>
        <Menu label="Import" testid="import-menu">
          {(close) => (
            <>
              <button
                role="menuitem"
                onClick={() => {
                  jsonInput.current?.click();
                  close();
                }}
              >
                Graph JSON…
              </button>
              <button
                role="menuitem"
                onClick={() => {
                  kerasInput.current?.click();
                  close();
                }}
              >
                Keras model JSON…
              </button>
              <button
                role="menuitem"
                data-testid="import-keras-file"
                onClick={() => {
                  openKerasImport();
                  close();
                }}
              >
                Keras model file (.keras)…
              </button>
            </>
          )}
        </Menu>
        <input
          ref={jsonInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="import-json"
          onChange={(e) => readFile(e.currentTarget, importJsonText)}
        />
        <input
          ref={kerasInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="import-keras"
          onChange={(e) => readFile(e.currentTarget, (t) => void importKerasText(t))}
        />
        <Menu label="Export" testid="export-menu">
          {(close) => (
            <>
              <button
                role="menuitem"
                data-testid="export-json"
                onClick={() => {
                  download(`${name || 'graph'}.json`, exportJson());
                  close();
                }}
              >
                Graph JSON
              </button>
              <button
                role="menuitem"
                data-testid="export-code"
                onClick={() => {
                  openDialog('code');
                  close();
                }}
              >
                Code…
              </button>
            </>
          )}
        </Menu>
      </span>
      <button onClick={toggleMeta} className={metaOpen ? 'active' : ''} data-testid="toggle-meta">
        Text
      </button>
      <span className="sep" />
      <button
        onClick={() => st().undo()}
        disabled={!canUndo}
        data-testid="undo-button"
        title="Undo (Ctrl+Z)"
        aria-label="Undo"
      >
        ↶
      </button>
      <button
        onClick={() => st().redo()}
        disabled={!canRedo}
        data-testid="redo-button"
        title="Redo (Ctrl+Shift+Z)"
        aria-label="Redo"
      >
        ↷
      </button>
      <span className="tb-wide">
        <button onClick={layout} data-testid="layout-button" title="Auto-layout (L)">
          Layout
        </button>
        <button onClick={fit} data-testid="fit-button" title="Fit view (F)">
          Fit
        </button>
        <button
          onClick={() => openDialog('group')}
          disabled={nSel === 0}
          data-testid="group-button"
          title="Group into composite (Ctrl+G)"
        >
          Group
        </button>
      </span>
      {/* Narrow windows: what does not fit goes into one menu (styles.css shows one or the other). */}
      <span className="tb-narrow">
        <Menu label="More" testid="more-menu">
          {(close) => (
            <>
              <button
                role="menuitem"
                disabled={!saved}
                onClick={() => {
                  openDialog('versions');
                  close();
                }}
              >
                Versions…
              </button>
              <button
                role="menuitem"
                onClick={() => {
                  jsonInput.current?.click();
                  close();
                }}
              >
                Import graph JSON…
              </button>
              <button
                role="menuitem"
                onClick={() => {
                  kerasInput.current?.click();
                  close();
                }}
              >
                Import Keras model JSON…
              </button>
              <button
                role="menuitem"
                onClick={() => {
                  download(`${name || 'graph'}.json`, exportJson());
                  close();
                }}
              >
                Export graph JSON
              </button>
              <button
                role="menuitem"
                data-testid="more-export-code"
                onClick={() => {
                  openDialog('code');
                  close();
                }}
              >
                Export code…
              </button>
              <button
                role="menuitem"
                data-testid="more-layout"
                onClick={() => {
                  layout();
                  close();
                }}
              >
                Layout
              </button>
              <button
                role="menuitem"
                onClick={() => {
                  fit();
                  close();
                }}
              >
                Fit view
              </button>
              <button
                role="menuitem"
                disabled={nSel === 0}
                onClick={() => {
                  openDialog('group');
                  close();
                }}
              >
                Group into composite…
              </button>
            </>
          )}
        </Menu>
      </span>
      <span className="spacer" />
      <TrainButton getGraph={() => st().toDoc()} />
      <SweepButton getGraph={() => st().toDoc()} />
      <button
        onClick={() => openDialog('help')}
        data-testid="help-button"
        title="Keyboard shortcuts (?)"
        aria-label="Keyboard shortcuts"
      >
        ?
      </button>
    </div>
  );
}
