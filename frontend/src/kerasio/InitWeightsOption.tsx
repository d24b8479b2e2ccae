// Train dialog: "start from imported weights" when the graph came from a Keras model file with weights.
import { useEffect, useState } from 'react';
import type { GraphDoc } from '../types';
import { importedWeightsFor, setUseImported } from './importedWeights';

export function InitWeightsOption({ graph }: { graph: Pick<GraphDoc, 'name'> }) {
  const w = importedWeightsFor(graph);
  const [on, setOn] = useState(true);
  useEffect(() => setUseImported(on), [on]);
  if (!w) return null;
  return (
    <label
      className="runs-field"
      data-testid="init-weights-option"
      title="Weights are loaded by node id; blocks with trainable=false stay frozen"
    >
      <span className="runs-field-label">Initial weights</span>
      <span>
        <input
          type="checkbox"
          checked={on}
          data-testid="init-weights-checkbox"
          onChange={(e) => setOn(e.target.checked)}
        />{' '}
        imported from {w.file}
      </span>
    </label>
  );
}
