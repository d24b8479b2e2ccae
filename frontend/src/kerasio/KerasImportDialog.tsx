// Import ▸ Keras model file: upload a .keras (architecture + weights) or model JSON, open it on the canvas,
// remember its weights for "start from imported weights" in the Train dialog. Every refused layer/option is listed.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from '../api';
import { loadGraph } from '../editor/actions';
import { Modal } from '../editor/Modal';
import { editorStore } from '../store';
import type { Issue } from '../types';
import { rememberImport } from './importedWeights';
import { importKerasFile } from './kerasApi';

export function KerasImportDialog({ onClose }: { onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<Issue[]>([]);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setIssues([]);
    try {
      const res = await importKerasFile(file);
      if (!loadGraph(res.graph, { savedId: null, savedVersion: null })) return;
      if (res.weights_id) rememberImport(res.graph, res.weights_id, file.name);
      const s = res.summary;
      editorStore
        .getState()
        .notify(
          `imported ${file.name}: ${s.nodes} blocks, ${s.params?.toLocaleString() ?? '?'} parameters` +
            (res.weights_id ? ', weights kept (Train ▸ start from imported weights)' : ', no weights in the file'),
        );
      onClose();
    } catch (e) {
      setIssues(e instanceof ApiError ? e.issues : [{ code: 'error', message: String(e) }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="Import Keras model file" onClose={onClose} testid="keras-import-dialog">
      <p>
        A <code>.keras</code> file (architecture and weights, from <code>model.save()</code>) or a model JSON (
        <code>model.to_json()</code>). The weights stay on the server; a run can start from them.
      </p>
      <input
        type="file"
        accept=".keras,.json,application/json"
        disabled={busy}
        data-testid="keras-file-input"
        onChange={(e) => void upload(e.currentTarget.files?.[0])}
      />
      {busy && <p data-testid="keras-import-busy">Importing…</p>}
      {issues.length > 0 && (
        <ul className="keras-import-errors" data-testid="keras-import-errors" style={{ color: '#b91c1c' }}>
          {issues.map((i, k) => (
            <li key={k}>
              {i.node_id ? <b>{i.node_id}: </b> : null}
              {i.message}
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}

/** Open the dialog in its own root, so the toolbar needs only one menu item to reach it. */
export function openKerasImport() {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const root = createRoot(host);
  root.render(
    <KerasImportDialog
      onClose={() => {
        root.unmount();
        host.remove();
      }}
    />,
  );
}
