import { useEffect, useState } from 'react';
import type { LogLine } from './eventReducer';
import { type RunLogs, runsApi } from './runsApi';

/** One log line as text; multi-worker runs tag each line with its worker. */
export function formatLogLine(l: LogLine): string {
  return `[${l.level}]${typeof l.worker === 'number' ? ` [worker ${l.worker}]` : ''} ${l.message}`;
}

/** What the panel shows: a running run's live lines; a finished run's worker log file (which
 * holds those same lines plus stdout, warnings and tracebacks), so the two never both show. The
 * live lines stay the fallback for runs whose worker wrote no file. */
export function logText(finished: boolean, live: LogLine[], file: RunLogs['file'] | null): string {
  if (finished && file?.text) return file.text.replace(/\n$/, '');
  if (live.length > 0) return live.map(formatLogLine).join('\n');
  return finished ? 'This run wrote no log lines.' : 'No log lines yet.';
}

const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

export function LogPanel({
  runId,
  logs,
  error,
  finished = false,
}: {
  runId?: string;
  logs: LogLine[];
  error: { message: string } | null;
  finished?: boolean;
}) {
  const [fileLogs, setFileLogs] = useState<RunLogs | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    if (!finished || !runId) {
      setFileLogs(null);
      return;
    }
    let alive = true;
    runsApi.logs(runId, fileName ?? undefined).then(
      (r) => {
        if (!alive) return;
        setFileLogs(r);
        setLoadError(null);
      },
      (e: unknown) => alive && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      alive = false;
    };
  }, [runId, finished, fileName]);

  const file = finished ? (fileLogs?.file ?? null) : null;
  const files = finished ? (fileLogs?.files ?? []) : [];
  return (
    <div className="runs-logs" data-testid="run-logs" data-source={file?.text ? 'file' : 'live'}>
      {error && (
        <p className="runs-error" data-testid="run-error">
          {error.message}
        </p>
      )}
      {(files.length > 1 || file?.truncated_before || loadError) && (
        <div className="runs-logs-bar">
          {files.length > 1 && (
            <label>
              Log file{' '}
              <select data-testid="log-file" value={file?.name ?? ''} onChange={(e) => setFileName(e.target.value)}>
                {files.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.name} ({kb(f.size)})
                  </option>
                ))}
              </select>
            </label>
          )}
          {file?.truncated_before && (
            <span className="runs-muted" data-testid="log-truncated">
              showing the last {kb(file.next_offset - file.offset)} of {kb(file.size)}
            </span>
          )}
          {loadError && <span className="runs-error">Could not read the log file: {loadError}</span>}
        </div>
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must take keyboard focus (axe: scrollable-region-focusable) */}
      <pre tabIndex={0} role="log" aria-label="Run log" data-testid="run-log-text">
        {logText(finished, logs, file)}
      </pre>
    </div>
  );
}
