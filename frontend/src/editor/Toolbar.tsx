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
import { type ToolAction, toolbarActions } from './toolbarActions';

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

function ActionButton({ a }: { a: ToolAction }) {
  return (
    <button onClick={a.run} disabled={a.disabled} data-testid={a.testid} title={a.title}>
      {a.label}
    </button>
  );
}

/** A menu of actions; `more` uses the labels that name their group (the narrow window's menu). */
function ActionMenu({
  label,
  testid,
  actions,
  more = false,
}: {
  label: string;
  testid: string;
  actions: ToolAction[];
  more?: boolean;
}) {
  return (
    <Menu label={label} testid={testid}>
      {(close) =>
        actions.map((a) => (
          <button
            key={a.id}
            role="menuitem"
            disabled={a.disabled}
            data-testid={more ? `more-${a.id}` : a.testid}
            title={a.title}
            onClick={() => {
              a.run();
              close();
            }}
          >
            {more ? a.moreLabel : a.label}
          </button>
        ))
      }
    </Menu>
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
  const actions = toolbarActions({
    saved,
    selected: nSel,
    openDialog,
    pickJson: () => jsonInput.current?.click(),
    pickKerasJson: () => kerasInput.current?.click(),
    openKerasFile: openKerasImport,
    exportJson: () => download(`${name || 'graph'}.json`, exportJson()),
    layout,
    fit,
  });
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
        {actions
          .filter((a) => a.group === 'versions')
          .map((a) => (
            <ActionButton key={a.id} a={a} />
          ))}
        <ActionMenu label="Import" testid="import-menu" actions={actions.filter((a) => a.group === 'import')} />
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
        <ActionMenu label="Export" testid="export-menu" actions={actions.filter((a) => a.group === 'export')} />
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
        {actions
          .filter((a) => a.group === 'view')
          .map((a) => (
            <ActionButton key={a.id} a={a} />
          ))}
      </span>
      {/* Narrow windows: the same actions in one menu (styles.css shows one or the other). */}
      <span className="tb-narrow">
        <ActionMenu label="More" testid="more-menu" actions={actions} more />
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
