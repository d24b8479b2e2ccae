// Inspector field "Shares weights with": pick the node whose layer this node reuses (same type),
// or none. The validator's errors about the link (param "shares") show beside it.
import { setShares, shareCandidates } from '../graph/sharing';
import { useEditor } from '../store';

export function SharesField({ id }: { id: string }) {
  const type = useEditor((s) => s.nodes.find((n) => n.id === id)?.data.type);
  const current = useEditor((s) => s.nodes.find((n) => n.id === id)?.data.shares ?? '');
  // A joined string: the selector's value stays equal while nothing relevant changes.
  const options = useEditor((s) => shareCandidates(s.nodes, id).join('\n'));
  const errors = useEditor((s) => s.report?.paramIssues[id]?.shares);
  const sharedBy = useEditor((s) =>
    s.nodes
      .filter((n) => n.data.shares === id)
      .map((n) => n.id)
      .join(', '),
  );
  if (!type || type === 'Input' || type === 'Output') return null;
  const ids = options ? options.split('\n') : [];
  if (current && !ids.includes(current)) ids.unshift(current); // a link the validator refuses stays visible
  if (!ids.length && !current && !sharedBy) return null;
  return (
    <div className={`param-field${errors?.length ? ' has-error' : ''}`} data-testid="shares-field">
      <label htmlFor={`shares-${id}`}>Shares weights with</label>
      <select
        id={`shares-${id}`}
        data-testid="shares-select"
        value={current}
        disabled={!!sharedBy}
        title={
          sharedBy
            ? `${sharedBy} reuse this node's layer; it cannot share another's`
            : `Reuse another ${type} node's layer and weights`
        }
        onChange={(e) => setShares(id, e.target.value || null)}
      >
        <option value="">none</option>
        {ids.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {sharedBy && (
        <div className="muted" data-testid="shared-by">
          Shared by {sharedBy}: editing the params below changes them too.
        </div>
      )}
      {current && !sharedBy && (
        <div className="muted" data-testid="shares-note">
          The params below are shared with {current}: editing them changes {current} too.
        </div>
      )}
      {errors?.map((m, k) => (
        <div key={k} className="field-error">
          {m}
        </div>
      ))}
    </div>
  );
}
