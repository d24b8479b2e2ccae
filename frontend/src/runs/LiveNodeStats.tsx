// A small overlay of live statistics for a canvas node (editor BlockNode and run graph):
// activation sparsity and gradient norm of the active run. Renders nothing when no run is active.
import { useLiveNodeStats } from './runsStore';

export function LiveNodeStats({ nodeId, editor = false }: { nodeId: string; editor?: boolean }) {
  const st = useLiveNodeStats(nodeId, editor);
  if (!st) return null;
  return (
    <div className="runs-nodestats" data-testid={`node-stats-${nodeId}`}>
      {st.sparsity !== null && <span title="activation sparsity">sp {(st.sparsity * 100).toFixed(0)}%</span>}
      {st.gradNorm !== null && <span title="gradient norm">∇ {st.gradNorm.toPrecision(2)}</span>}
      {st.gradNorm === null && st.weightNorm !== null && (
        <span title="weight norm">‖w‖ {st.weightNorm.toPrecision(2)}</span>
      )}
    </div>
  );
}
