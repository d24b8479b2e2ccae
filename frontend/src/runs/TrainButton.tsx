// The editor toolbar's Train button: opens the Train dialog on the graph being edited.
import { useState } from "react";
import { createPortal } from "react-dom";
import { TrainDialog } from "./TrainDialog";
import type { GraphDoc } from "./types";

/** getGraph returns the editor's graph document (akid.graph/v1). */
export function TrainButton({ getGraph }: { getGraph: () => object }) {
  const [graph, setGraph] = useState<GraphDoc | null>(null);
  return (
    <>
      <button type="button" data-testid="train-button" title="Train this graph" onClick={() => setGraph(getGraph() as GraphDoc)}>
        ▶ Train
      </button>
      {graph && createPortal(<TrainDialog graph={graph} onClose={() => setGraph(null)} />, document.body)}
    </>
  );
}
