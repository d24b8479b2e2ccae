// Meta-syntax pane: the same graph as text. Graph edits re-render the text
// (POST /api/graphs/export to=metasyntax) unless the user is editing it; Apply parses the text
// (POST /api/graphs/parse) and replaces the graph (one undo step).
import { useEffect, useRef, useState } from 'react';
import { useEditor } from '../store';
import { applyMetaSyntax, exportText } from './actions';

export function MetaPane({ onClose }: { onClose(): void }) {
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
    <section className="meta-pane" data-testid="meta-pane">
      <div className="meta-head">
        <b>Meta-syntax</b>
        <span className="spacer" />
        <button onClick={apply} disabled={!dirty || busy} data-testid="meta-apply">Apply</button>
        <button onClick={() => { setDirty(false); setError(null); }} disabled={!dirty} data-testid="meta-discard">Discard</button>
        <button onClick={onClose} aria-label="Close meta-syntax pane">×</button>
      </div>
      <textarea
        spellCheck={false} value={text} data-testid="meta-text"
        onChange={(e) => { setText(e.target.value); setDirty(true); }}
        onKeyDown={(e) => { if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void apply(); } }}
      />
      {error && <pre className="field-error" data-testid="meta-error">{error}</pre>}
      <div className="muted small">Ctrl+Enter applies the text to the graph.</div>
    </section>
  );
}
