// The editor toolbar's Train button: opens the Train dialog on the graph being edited.
import { useState } from 'react';
import { createPortal } from 'react-dom';
import { editorStore } from '../store';
import { TrainDialog } from './TrainDialog';
import type { GraphDoc } from './types';

/** getGraph returns the editor's graph document (akid.graph/v1). */
export function TrainButton({ getGraph }: { getGraph: () => object }) {
  const [graph, setGraph] = useState<GraphDoc | null>(null);
  const [ctx, setCtx] = useState<{ problems: string[]; outSizes: Record<string, number | null>; key: string }>({
    problems: [],
    outSizes: {},
    key: '',
  });
  const open = () => {
    // The editor's latest validation: what is wrong (Start stays disabled, with the reason) and
    // the size arriving at each Output (warned about when it is not the number of classes).
    const s = editorStore.getState();
    const r = s.report;
    const problems = r ? [...Object.values(r.nodeIssues).flat(), ...r.graphIssues].map((i) => i.message) : [];
    const outSizes: Record<string, number | null> = {};
    for (const n of s.nodes) {
      if (n.data.type !== 'Output') continue;
      const into = s.edges.find((e) => e.target === n.id);
      const shape = into ? r?.edgeShapes[into.id] : undefined;
      outSizes[n.id] = shape?.length ? (shape[shape.length - 1] ?? null) : null;
    }
    setCtx({ problems, outSizes, key: s.savedId !== null ? `graph:${s.savedId}` : `name:${s.meta.name}` });
    setGraph(getGraph() as GraphDoc);
  };
  return (
    <>
      <button type="button" data-testid="train-button" title="Train this graph" onClick={open}>
        ▶ Train
      </button>
      {graph &&
        createPortal(
          <TrainDialog
            graph={graph}
            onClose={() => setGraph(null)}
            graphProblems={ctx.problems}
            outSizes={ctx.outSizes}
            graphKey={ctx.key}
          />,
          document.body,
        )}
    </>
  );
}
