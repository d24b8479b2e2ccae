// Status, progress with ETA, headline metrics and the cancel / resume controls of a run.
import { useState } from 'react';
import { ExportKerasButton } from '../kerasio/ExportKerasButton';
import { formatDuration } from './chartMath';
import { useMeasuredEta } from './eta';
import type { Headline } from './runSummary';
import { runsApi } from './runsApi';

interface Props {
  runId: string;
  name: string;
  h: Headline;
  connected: boolean;
  reason?: string | null;
  onChanged: () => void;
  /** Epochs the run was configured for (shown as "epoch 3 / 5"). */
  totalEpochs?: number | null;
}

const fmt = (v: number | null, digits = 4) => (v === null ? '–' : v.toPrecision(digits));

export function RunHeader({ runId, name, h, connected, reason, onChanged, totalEpochs }: Props) {
  const eta = useMeasuredEta(runId, h.step, h.totalSteps, h.state === 'running') ?? h.etaS;
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setErr(null);
    try {
      await fn();
      onChanged();
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const active = h.state === 'running' || h.state === 'queued';
  const resumable = h.state === 'cancelled' || h.state === 'failed' || h.state === 'interrupted';
  return (
    <header className="runs-header">
      <div className="runs-title">
        <h2 data-testid="run-name" title={name}>
          {name}
        </h2>
        <span className={`runs-badge runs-state-${h.state}`} data-testid="run-status" data-state={h.state}>
          {h.state}
        </span>
        {!connected && (
          <span className="runs-badge runs-offline" data-testid="offline">
            reconnecting…
          </span>
        )}
        <span className="runs-spacer" />
        <ExportKerasButton runId={runId} state={h.state} />
        {active && (
          <button
            type="button"
            data-testid="cancel-run"
            disabled={busy}
            onClick={() => act(() => runsApi.cancel(runId))}
          >
            Cancel
          </button>
        )}
        {resumable && (
          <button
            type="button"
            data-testid="resume-run"
            disabled={busy}
            onClick={() => act(() => runsApi.resume(runId))}
          >
            Resume
          </button>
        )}
      </div>
      <div className="runs-progress" data-testid="run-progress" data-progress={h.progress.toFixed(4)}>
        <div className="runs-progress-bar" style={{ width: `${(h.progress * 100).toFixed(1)}%` }} />
      </div>
      <dl className="runs-stats">
        <dt>step</dt>
        <dd data-testid="run-step">
          {h.step}
          {h.totalSteps ? ` / ${h.totalSteps}` : ''}
        </dd>
        <dt>epoch</dt>
        {/* the trainer counts epochs from 0; people count from 1 */}
        <dd data-testid="run-epoch">
          {h.epoch === null ? '–' : `${h.epoch + 1}${totalEpochs ? ` / ${totalEpochs}` : ''}`}
        </dd>
        <dt>ETA</dt>
        <dd data-testid="run-eta">{h.state === 'running' ? formatDuration(eta) : '–'}</dd>
        <dt>train loss</dt>
        <dd data-testid="train-loss">{fmt(h.trainLoss)}</dd>
        <dt>val loss</dt>
        <dd data-testid="val-loss">{fmt(h.valLoss)}</dd>
        <dt>val accuracy</dt>
        <dd data-testid="val-accuracy">{h.valAccuracy === null ? '–' : `${(h.valAccuracy * 100).toFixed(1)}%`}</dd>
        <dt>samples/s</dt>
        <dd>{h.samplesPerSec === null ? '–' : h.samplesPerSec.toFixed(0)}</dd>
      </dl>
      {h.state === 'queued' && (
        <p className="runs-muted" data-testid="run-queued">
          Waiting for a free worker; the run starts when the runs before it finish.
        </p>
      )}
      {reason && <p className="runs-error">{reason}</p>}
      {err && <p className="runs-error">{err}</p>}
    </header>
  );
}
