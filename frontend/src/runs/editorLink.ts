// Links the editor to the runs: clicking a node in the editor selects that layer for feature
// maps and histograms in the Runs view, and the active run (the one started last or opened)
// stays subscribed while the editor shows, so its BlockNodes overlay live statistics.
import { editorStore } from "../store";
import { connection, loadHistory, useRunsStore } from "./runsStore";

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
