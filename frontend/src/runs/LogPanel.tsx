import type { LogLine } from "./eventReducer";

export function LogPanel({ logs, error }: { logs: LogLine[]; error: { message: string } | null }) {
  return (
    <div className="runs-logs" data-testid="run-logs">
      {error && (
        <p className="runs-error" data-testid="run-error">
          {error.message}
        </p>
      )}
      <pre>
        {logs.length === 0 ? "No log lines yet." : logs.map((l) => `[${l.level}] ${l.message}`).join("\n")}
      </pre>
    </div>
  );
}
