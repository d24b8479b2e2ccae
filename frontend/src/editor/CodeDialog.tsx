// Exported code (Python / Keras JSON / meta-syntax) with syntax highlighting, copy and download.
import hljs from 'highlight.js/lib/core';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import 'highlight.js/styles/github.css';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { editorStore, useEditor } from '../store';
import { download, errorText } from './actions';
import { Modal } from './Modal';

hljs.registerLanguage('python', python);
hljs.registerLanguage('json', json);

const TARGETS: { to: string; label: string; ext: string; lang: string }[] = [
  { to: 'python', label: 'Python (akid)', ext: 'py', lang: 'python' },
  { to: 'python-keras', label: 'Python (Keras)', ext: 'py', lang: 'python' },
  { to: 'keras-json', label: 'Keras JSON', ext: 'json', lang: 'json' },
  { to: 'metasyntax', label: 'Meta-syntax', ext: 'akid', lang: 'plaintext' },
];

/** Messages are for people: drop a leading Python function name ("to_keras_json: …"). */
export function readable(message: string): string {
  return message.replace(/^[A-Za-z_][\w.]*(\(\))?:\s+(?=\S)/, (m) => (/[_.(]/.test(m) ? '' : m));
}

export function CodeDialog({ onClose, initial = 'python' }: { onClose(): void; initial?: string }) {
  const [to, setTo] = useState(initial);
  const [text, setText] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const name = useEditor((s) => s.meta.name);
  const target = TARGETS.find((t) => t.to === to) ?? TARGETS[0];
  useEffect(() => {
    let alive = true;
    setText(null);
    setErr(null);
    // A form that cannot express this graph (e.g. Keras JSON and feedback edges) says why here,
    // in the dialog, instead of an empty box and a toast.
    api.exportGraph(editorStore.getState().toDoc(), to).then(
      (t) => alive && setText(t ?? ''),
      (e) => {
        if (alive) {
          setText('');
          setErr(readable(errorText(e)));
        }
      },
    );
    return () => {
      alive = false;
    };
  }, [to]);
  const html = useMemo(() => {
    if (text === null) return '';
    if (target.lang === 'plaintext') return hljs.highlightAuto(text, ['python']).value;
    return hljs.highlight(text, { language: target.lang }).value;
  }, [text, target.lang]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text ?? '');
    } catch {
      const ta = document.createElement('textarea');
      ta.value = text ?? '';
      document.body.appendChild(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1200);
  };
  return (
    <Modal title="Export code" onClose={onClose} wide testid="code-dialog">
      <div className="code-toolbar">
        <select value={to} onChange={(e) => setTo(e.target.value)} data-testid="code-target" aria-label="Export format">
          {TARGETS.map((t) => (
            <option key={t.to} value={t.to}>
              {t.label}
            </option>
          ))}
        </select>
        <button onClick={copy} disabled={!text} data-testid="code-copy">
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button
          onClick={() => download(`${name || 'graph'}.${target.ext}`, text ?? '', 'text/plain')}
          disabled={!text}
          data-testid="code-download"
        >
          Download
        </button>
      </div>
      {err && (
        <p className="field-error" role="alert" data-testid="code-error">
          {target.label} cannot be exported: {err}
        </p>
      )}
      <pre className="code hljs" data-testid="code-text" hidden={!!err}>
        {text === null ? (
          <span className="muted">exporting…</span>
        ) : (
          // biome-ignore lint/security/noDangerouslySetInnerHtml: highlight.js escapes the source it highlights
          <code dangerouslySetInnerHTML={{ __html: html }} />
        )}
      </pre>
    </Modal>
  );
}
