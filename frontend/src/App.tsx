import { useEffect, useState } from 'react';
import { EditorView } from './editor/EditorView';
import { RunsView } from './runs/RunsView';
import { useRunsStore } from './runs/runsStore';
import { SweepView } from './sweeps/SweepView';
import { useSweepsStore } from './sweeps/sweepsStore';

export type View = 'editor' | 'runs' | 'sweeps';

export function App() {
  const [view, setView] = useState<View>(() =>
    location.hash === '#runs' ? 'runs' : location.hash === '#sweeps' ? 'sweeps' : 'editor',
  );
  const choose = (v: View) => {
    setView(v);
    history.replaceState(null, '', `#${v}`);
  };
  const openRequest = useRunsStore((s) => s.openRequest); // a started run opens in the Runs view
  useEffect(() => {
    if (openRequest) choose('runs');
  }, [openRequest]);
  const sweepRequest = useSweepsStore((s) => s.openRequest); // a started sweep opens in the Sweeps view
  const editorRequest = useSweepsStore((s) => s.editorRequest); // "Open in editor" on a sweep's best trial
  useEffect(() => {
    if (sweepRequest) choose('sweeps');
  }, [sweepRequest]);
  useEffect(() => {
    if (editorRequest) choose('editor');
  }, [editorRequest]);
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">akid studio</span>
        <div className="view-switch" role="tablist">
          <button
            role="tab"
            aria-selected={view === 'editor'}
            data-testid="view-editor"
            className={view === 'editor' ? 'active' : ''}
            onClick={() => choose('editor')}
          >
            Editor
          </button>
          <button
            role="tab"
            aria-selected={view === 'runs'}
            data-testid="view-runs"
            className={view === 'runs' ? 'active' : ''}
            onClick={() => choose('runs')}
          >
            Runs
          </button>
          <button
            role="tab"
            aria-selected={view === 'sweeps'}
            data-testid="view-sweeps"
            className={view === 'sweeps' ? 'active' : ''}
            onClick={() => choose('sweeps')}
          >
            Sweeps
          </button>
        </div>
      </header>
      <main className="app-main">
        {/* The editor stays mounted so switching views keeps the canvas state. */}
        <div className="view" style={{ display: view === 'editor' ? 'flex' : 'none' }}>
          <EditorView />
        </div>
        {view === 'runs' && (
          <div className="view">
            <RunsView />
          </div>
        )}
        {view === 'sweeps' && (
          <div className="view">
            <SweepView />
          </div>
        )}
      </main>
    </div>
  );
}
