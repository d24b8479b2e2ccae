// Small dialogs: help, quick insert, group name, open saved graph, versions.
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { formatTime } from '../graph/format';
import { editorStore, useEditor } from '../store';
import type { GraphVersion, SavedGraphSummary } from '../types';
import { errorText, openSaved, revertTo } from './actions';
import { Modal } from './Modal';
import { filterEntries, paletteEntries } from './Palette';
import { SHORTCUTS } from './shortcuts';

export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testid="help-overlay">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Drag from an output handle (right) to an input handle (left) to connect. An edge that closes a loop becomes a
        dashed feedback edge (it carries the previous time step).
      </p>
    </Modal>
  );
}

export function QuickInsert({
  at,
  onClose,
}: {
  at: { x: number; y: number; screenX: number; screenY: number };
  onClose(): void;
}) {
  const specs = useEditor((s) => s.specList);
  const library = useEditor((s) => s.library);
  const [q, setQ] = useState('');
  const [idx, setIdx] = useState(0);
  const items = useMemo(
    () => filterEntries(paletteEntries(specs, Object.keys(library)), q).slice(0, 12),
    [specs, library, q],
  );
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const pick = (type: string) => {
    editorStore.getState().addNode(type, { x: at.x - 80, y: at.y - 30 });
    onClose();
  };
  return (
    <div className="quick-insert-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="quick-insert" style={{ left: at.screenX, top: at.screenY }} data-testid="quick-insert">
        <input
          ref={ref}
          value={q}
          placeholder="Insert block…"
          data-testid="quick-insert-input"
          onChange={(e) => {
            setQ(e.target.value);
            setIdx(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
            else if (e.key === 'ArrowDown') setIdx((i) => Math.min(i + 1, items.length - 1));
            else if (e.key === 'ArrowUp') setIdx((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter' && items[idx]) pick(items[idx].type);
          }}
        />
        <ul>
          {items.map((it, i) => (
            <li
              key={it.type}
              className={i === idx ? 'active' : ''}
              onMouseDown={() => pick(it.type)}
              data-testid={`quick-insert-${it.type}`}
            >
              <b>{it.type}</b> <span className="muted">{it.category}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export function GroupDialog({ onClose, onGroup }: { onClose(): void; onGroup(name: string): void }) {
  const specs = useEditor((s) => s.specs);
  const library = useEditor((s) => s.library);
  const [name, setName] = useState(() => {
    for (let i = 1; ; i++) if (!specs[`Block${i}`] && !library[`Block${i}`]) return `Block${i}`;
  });
  const bad = !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)
    ? 'use letters, digits and _'
    : specs[name] || library[name]
      ? 'that name is taken'
      : null;
  return (
    <Modal title="Group into composite block" onClose={onClose} testid="group-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!bad) {
            onGroup(name);
            onClose();
          }
        }}
      >
        <label htmlFor="group-name">Block name</label>
        <input
          id="group-name"
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="group-name"
        />
        {bad && <div className="field-error">{bad}</div>}
        <p className="muted">Edges that cross the selection become the block's input and output ports.</p>
        <button type="submit" disabled={!!bad} data-testid="group-confirm">
          Group
        </button>
      </form>
    </Modal>
  );
}

export function OpenDialog({ onClose }: { onClose(): void }) {
  const [graphs, setGraphs] = useState<SavedGraphSummary[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    api.listGraphs().then(setGraphs, (e) => setErr(errorText(e)));
  }, []);
  const remove = async (id: string | number) => {
    try {
      await api.deleteGraph(id);
      setGraphs((g) => g?.filter((x) => x.id !== id) ?? null);
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <Modal title="Open a saved graph" onClose={onClose} testid="open-dialog">
      {err && <div className="field-error">{err}</div>}
      {!graphs && !err && <p className="muted">Loading…</p>}
      {graphs && graphs.length === 0 && <p className="muted">No saved graphs yet.</p>}
      <ul className="list">
        {graphs?.map((g) => (
          <li key={String(g.id)}>
            <button
              className="link"
              data-testid={`open-graph-${g.id}`}
              onClick={async () => {
                await openSaved(g.id);
                onClose();
              }}
            >
              {g.name}
            </button>
            <span className="muted">
              {' '}
              v{String(g.version ?? '?')} {g.updated_at ? `· ${formatTime(g.updated_at)}` : ''}
            </span>
            <button className="small danger" onClick={() => remove(g.id)} title="Delete this graph">
              Delete
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

export function VersionsDialog({ onClose }: { onClose(): void }) {
  const id = useEditor((s) => s.savedId);
  const current = useEditor((s) => s.savedVersion);
  const [versions, setVersions] = useState<GraphVersion[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    if (id !== null) api.versions(id).then(setVersions, (e) => setErr(errorText(e)));
  }, [id]);
  return (
    <Modal title="Versions" onClose={onClose} testid="versions-dialog">
      {id === null && <p className="muted">This graph has not been saved yet.</p>}
      {err && <div className="field-error">{err}</div>}
      <ul className="list">
        {versions?.map((v) => (
          <li key={v.version} data-testid={`version-${v.version}`}>
            <b>v{v.version}</b> <span className="muted">{formatTime(v.created_at)}</span>
            {v.version === current ? (
              <span className="muted"> (open)</span>
            ) : (
              <>
                <button
                  className="small"
                  onClick={async () => {
                    await openSaved(id!, v.version);
                    onClose();
                  }}
                >
                  View
                </button>
                <button
                  className="small"
                  data-testid={`revert-${v.version}`}
                  onClick={async () => {
                    await revertTo(id!, v.version);
                    onClose();
                  }}
                >
                  Revert to this
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
