// The footer the Train and Sweep dialogs share: the server's issues (node id first), any notes
// the dialog adds, Close, and the Start button with why it is disabled.
import type { ReactNode } from 'react';
import type { Issue } from '../types';

interface Props {
  issues: Issue[];
  /** data-testid of the issue list (e.g. train-errors). */
  issuesTestId: string;
  onClose(): void;
  onStart(): void;
  canStart: boolean;
  busy: boolean;
  startLabel: string;
  startTestId: string;
  startTitle?: string;
  /** Notes between the issues and the buttons (warnings, "fix N problems"). */
  children?: ReactNode;
}

export function DialogFooter({
  issues,
  issuesTestId,
  onClose,
  onStart,
  canStart,
  busy,
  startLabel,
  startTestId,
  startTitle,
  children,
}: Props) {
  return (
    <footer className="runs-modal-footer">
      {issues.length > 0 && (
        <ul className="runs-error" data-testid={issuesTestId}>
          {issues.map((i, k) => (
            <li key={k}>
              {i.node_id ? <code>{i.node_id}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      )}
      {children}
      <button type="button" onClick={onClose}>
        Close
      </button>
      <button
        type="button"
        className="runs-primary"
        data-testid={startTestId}
        disabled={!canStart}
        onClick={onStart}
        title={startTitle}
      >
        {busy ? 'Starting…' : startLabel}
      </button>
    </footer>
  );
}
