// Mirrors the editor canvas's selection into the runs store: clicking a node in the editor
// selects that layer for feature maps and histograms in the Runs view.
import { editorStore } from "../store";
import { useRunsStore } from "./runsStore";

let last: string | null = null;
editorStore.subscribe((s) => {
  const sel = s.nodes.filter((n) => n.selected);
  const id = sel.length === 1 ? sel[0].id : null;
  if (id !== null && id !== last) useRunsStore.getState().setSelectedNode(id);
  last = id;
});
