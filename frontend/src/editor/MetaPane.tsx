// Meta-syntax pane, a bottom drawer under the canvas (drag or arrow keys on its edge resize it):
// the same graph as text. Graph edits re-render the text
// (POST /api/graphs/export to=metasyntax) unless the user is editing it; Apply parses the text
// (POST /api/graphs/parse) and replaces the graph (one undo step).
import {
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
  useEffect,
  useRef,
  useState,
} from 'react';
import { useEditor } from '../store';
import { applyMetaSyntax, exportText } from './actions';

const HEIGHT_KEY = 'akid.editor.metaHeight';
const clampHeight = (h: number) => Math.round(Math.max(120, Math.min(window.innerHeight * 0.7, h)));

/** The drawer's height, dragged on its top edge (or arrow keys when the edge has focus); kept. */
function useDrawerHeight(): [number, (e: ReactPointerEvent) => void, (e: ReactKeyboardEvent) => void] {
  const [height, setHeight] = useState(() => clampHeight(Number(localStorage.getItem(HEIGHT_KEY)) || 240));
  useEffect(() => {
    localStorage.setItem(HEIGHT_KEY, String(height));
  }, [height]);
  const onPointerDown = (e: ReactPointerEvent) => {
    e.preventDefault();
    const y0 = e.clientY,
      h0 = height;
    const move = (ev: PointerEvent) => setHeight(clampHeight(h0 + (y0 - ev.clientY)));
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: ReactKeyboardEvent) => {
    if (e.key === 'ArrowUp') {
      e.preventDefault();
      setHeight((h) => clampHeight(h + 24));
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setHeight((h) => clampHeight(h - 24));
    }
  };
  return [height, onPointerDown, onKeyDown];
}

export function MetaPane({ onClose }: { onClose(): void }) {
  const [height, onResizeStart, onResizeKey] = useDrawerHeight();
  const rev = useEditor((s) => s.rev);
  const [text, setText] = useState('');
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const req = useRef(0);
  useEffect(() => {
    if (dirty) return;
    const id = ++req.current;
    const t = setTimeout(() => {
      exportText('metasyntax').then((s) => {
        if (id === req.current && s !== undefined) setText(s);
      });
    }, 300);
    return () => clearTimeout(t);
  }, [rev, dirty]);
  const apply = async () => {
    setBusy(true);
    const err = await applyMetaSyntax(text);
    setBusy(false);
    setError(err);
    if (!err) setDirty(false);
  };
  return (
    <section className="meta-pane" data-testid="meta-pane" style={{ height }} aria-label="Meta-syntax">
      <div
        className="meta-resize"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the meta-syntax drawer"
        aria-valuenow={height}
        aria-valuemin={120}
        tabIndex={0}
        data-testid="meta-resize"
        onPointerDown={onResizeStart}
        onKeyDown={onResizeKey}
      />
      <div className="meta-head">
        <b>Meta-syntax</b>
        <span className="spacer" />
        <button onClick={apply} disabled={!dirty || busy} data-testid="meta-apply">
          Apply
        </button>
        <button
          onClick={() => {
            setDirty(false);
            setError(null);
          }}
          disabled={!dirty}
          data-testid="meta-discard"
        >
          Discard
        </button>
        <button onClick={onClose} aria-label="Close meta-syntax pane">
          ×
        </button>
      </div>
      <textarea
        spellCheck={false}
        value={text}
        data-testid="meta-text"
        aria-label="Graph as meta-syntax text"
        onChange={(e) => {
          setText(e.target.value);
          setDirty(true);
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            void apply();
          }
        }}
      />
      {error && (
        <pre className="field-error" data-testid="meta-error">
          {error}
        </pre>
      )}
      <div className="muted small">Ctrl+Enter applies the text to the graph.</div>
    </section>
  );
}
