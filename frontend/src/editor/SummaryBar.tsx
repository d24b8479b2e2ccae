// Bottom bar: total params / FLOPs / error count from the latest validation, plus status.
import { formatCount } from '../graph/format';
import { useEditor } from '../store';

export function SummaryBar() {
  const report = useEditor((s) => s.report);
  const validating = useEditor((s) => s.validating);
  const nNodes = useEditor((s) => s.nodes.length);
  const nEdges = useEditor((s) => s.edges.length);
  const dirty = useEditor((s) => s.rev !== s.savedRev);
  const saved = useEditor((s) => (s.savedId === null ? null : `${s.savedId} v${s.savedVersion ?? '?'}`));
  const errors = report?.errorCount ?? 0;
  const firstGraphIssue = report?.graphIssues[0]?.message;
  return (
    <div className={`summary-bar${errors ? ' has-errors' : ''}`} data-testid="summary-bar">
      <span data-testid="summary-nodes">{nNodes} blocks · {nEdges} edges</span>
      <span data-testid="summary-params">params {formatCount(report?.params)}</span>
      <span data-testid="summary-flops">FLOPs {formatCount(report?.flops)}</span>
      <span data-testid="summary-errors" data-count={errors} className={errors ? 'errors' : 'ok'}>
        {report ? (errors ? `${errors} error${errors === 1 ? '' : 's'}` : '✓ valid') : '…'}
      </span>
      {firstGraphIssue && <span className="graph-issue" title={firstGraphIssue}>{firstGraphIssue}</span>}
      <span className="spacer" />
      {validating && <span className="muted" data-testid="summary-validating">validating…</span>}
      <span className="muted" data-testid="summary-saved">{saved ? `saved ${saved}` : 'not saved'}{dirty ? ' · modified' : ''}</span>
    </div>
  );
}
