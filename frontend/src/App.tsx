import { useEffect, useState } from 'react';
import { RunsView } from './runs/RunsView';
import { EditorView } from './editor/EditorView';
import { useRunsStore } from './runs/runsStore';

export type View = 'editor' | 'runs';

export function App() {
  const [view, setView] = useState<View>(() => (location.hash === '#runs' ? 'runs' : 'editor'));
  const choose = (v: View) => {
    setView(v);
    history.replaceState(null, '', v === 'runs' ? '#runs' : '#editor');
  };
  const openRequest = useRunsStore((s) => s.openRequest); // a started run opens in the Runs view
  useEffect(() => { if (openRequest) choose('runs'); }, [openRequest]);
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">akid studio</span>
        <nav className="view-switch" role="tablist">
          <button role="tab" aria-selected={view === 'editor'} data-testid="view-editor" className={view === 'editor' ? 'active' : ''} onClick={() => choose('editor')}>
            Editor
          </button>
          <button role="tab" aria-selected={view === 'runs'} data-testid="view-runs" className={view === 'runs' ? 'active' : ''} onClick={() => choose('runs')}>
            Runs
          </button>
        </nav>
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
      </main>
    </div>
  );
}
