// Links the editor to the runs: clicking a node in the editor selects that layer for feature
// maps and histograms in the Runs view, and the active run (the one started last or opened)
// stays subscribed while the editor shows, so its BlockNodes overlay live statistics.
import { editorStore } from '../store';
import { graphFingerprint } from './graphFingerprint';
import { runsApi } from './runsApi';
import { connection, loadHistory, useRunsStore } from './runsStore';

let last: string | null = null;
editorStore.subscribe((s) => {
  const sel = s.nodes.filter((n) => n.selected);
  const id = sel.length === 1 ? sel[0].id : null;
  if (id !== null && id !== last) useRunsStore.getState().setSelectedNode(id);
  last = id;
});

let activeUnsub: (() => void) | null = null;
let activeId: string | null = null;
function follow(id: string | null) {
  if (id === activeId) return;
  activeUnsub?.();
  activeUnsub = null;
  activeId = id;
  if (!id) return;
  void loadHistory(id).then(() => {
    if (activeId === id) activeUnsub = connection.subscribe(id);
  });
}
follow(useRunsStore.getState().activeRunId);
useRunsStore.subscribe((s) => follow(s.activeRunId));

// The editor overlays the active run's statistics only while it shows the graph that run trained
// (same blocks, params and wiring): a new graph whose ids happen to match gets none.
const runPrints = new Map<string, Promise<string>>();
const runPrint = (id: string) => {
  let p = runPrints.get(id);
  if (!p) {
    p = runsApi.get(id).then(
      (r) => graphFingerprint(r.graph),
      () => '',
    );
    runPrints.set(id, p);
  }
  return p;
};
let gateTimer: ReturnType<typeof setTimeout> | null = null;
let gateToken = 0;
function gate() {
  const runId = useRunsStore.getState().activeRunId;
  const token = ++gateToken;
  if (!runId) {
    if (useRunsStore.getState().editorRunId !== null) useRunsStore.setState({ editorRunId: null });
    return;
  }
  const mine = graphFingerprint(editorStore.getState().toDoc());
  void runPrint(runId).then((theirs) => {
    if (token !== gateToken) return;
    const id = theirs && theirs === mine ? runId : null;
    if (useRunsStore.getState().editorRunId !== id) useRunsStore.setState({ editorRunId: id });
  });
}
const scheduleGate = (now = false) => {
  if (gateTimer) clearTimeout(gateTimer);
  if (now) {
    // A whole new graph: no stale statistics even for a frame.
    if (useRunsStore.getState().editorRunId !== null) useRunsStore.setState({ editorRunId: null });
  }
  gateTimer = setTimeout(gate, 150);
};
editorStore.subscribe((s, p) => {
  if (s.rev !== p.rev) scheduleGate(s.fitRequest !== p.fitRequest);
});
useRunsStore.subscribe((s, p) => {
  if (s.activeRunId !== p.activeRunId) scheduleGate(true);
});
scheduleGate();
