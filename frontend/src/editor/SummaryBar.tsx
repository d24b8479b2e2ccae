// Bottom bar: total params / FLOPs / error count from the latest validation, plus status.

import { useMemo } from 'react';
import { formatCount } from '../graph/format';
import { useEditor } from '../store';
import { buildProgress, isIncomplete, progressLine } from './issueKinds';

export function SummaryBar() {
  const report = useEditor((s) => s.report);
  const validating = useEditor((s) => s.validating);
  const nNodes = useEditor((s) => s.nodes.length);
  const nEdges = useEditor((s) => s.edges.length);
  const dirty = useEditor((s) => s.rev !== s.savedRev);
  const saved = useEditor((s) => (s.savedId === null ? null : `${s.savedId} v${s.savedVersion ?? '?'}`));
  const errors = report?.errorCount ?? 0;
  // Unfinished wiring gets one quiet line; only real mistakes are counted as errors.
  const progress = useMemo(
    () => buildProgress(report ? [...Object.values(report.nodeIssues).flat(), ...report.graphIssues] : []),
    [report],
  );
  const todo = progressLine(progress);
  const wrong = progress.wrong;
  const firstGraphIssue = report?.graphIssues.find((i) => !isIncomplete(i))?.message;
  return (
    <div className={`summary-bar${wrong ? ' has-errors' : ''}`} data-testid="summary-bar">
      <span data-testid="summary-nodes">
        {nNodes} blocks · {nEdges} edges
      </span>
      <span data-testid="summary-params">params {formatCount(report?.params)}</span>
      <span data-testid="summary-flops">FLOPs {formatCount(report?.flops)}</span>
      <span
        data-testid="summary-errors"
        data-count={errors}
        data-wrong={wrong}
        className={wrong ? 'errors' : errors ? 'todo' : 'ok'}
      >
        {report ? (wrong ? `${wrong} error${wrong === 1 ? '' : 's'}` : errors ? 'unfinished' : '✓ valid') : '…'}
      </span>
      {todo && (
        <span
          className="todo"
          data-testid="summary-incomplete"
          title="The graph is still being built: these are not errors."
        >
          {todo}
        </span>
      )}
      {firstGraphIssue && (
        <span className="graph-issue" title={firstGraphIssue}>
          {firstGraphIssue}
        </span>
      )}
      <span className="spacer" />
      {validating && (
        <span className="muted" data-testid="summary-validating">
          validating…
        </span>
      )}
      <span className="muted" data-testid="summary-saved">
        {saved ? `saved ${saved}` : 'not saved'}
        {dirty ? ' · modified' : ''}
      </span>
    </div>
  );
}
