import type { LogLine } from './eventReducer';

/** One log line as text; multi-worker runs tag each line with its worker. */
export function formatLogLine(l: LogLine): string {
  return `[${l.level}]${typeof l.worker === 'number' ? ` [worker ${l.worker}]` : ''} ${l.message}`;
}

export function LogPanel({
  logs,
  error,
  finished = false,
}: {
  logs: LogLine[];
  error: { message: string } | null;
  finished?: boolean;
}) {
  return (
    <div className="runs-logs" data-testid="run-logs">
      {error && (
        <p className="runs-error" data-testid="run-error">
          {error.message}
        </p>
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must take keyboard focus (axe: scrollable-region-focusable) */}
      <pre tabIndex={0} role="log" aria-label="Run log">
        {logs.length === 0
          ? finished
            ? 'This run wrote no log lines.'
            : 'No log lines yet.'
          : logs.map(formatLogLine).join('\n')}
      </pre>
    </div>
  );
}
