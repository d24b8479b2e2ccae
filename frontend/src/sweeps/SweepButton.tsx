// The editor toolbar's Sweep button (beside Train): opens the Sweep dialog on the graph being edited.
import { useState } from 'react';
import { createPortal } from 'react-dom';
import type { GraphDoc } from '../types';
import { SweepDialog } from './SweepDialog';

export function SweepButton({ getGraph }: { getGraph: () => object }) {
  const [graph, setGraph] = useState<GraphDoc | null>(null);
  return (
    <>
      <button
        type="button"
        data-testid="sweep-button"
        title="Sweep: train the variants of this graph's choices and compare them"
        onClick={() => setGraph(getGraph() as GraphDoc)}
      >
        ⋯ Sweep
      </button>
      {graph && createPortal(<SweepDialog graph={graph} onClose={() => setGraph(null)} />, document.body)}
    </>
  );
}
