// One run, live: header (status, progress, cancel/resume), charts, layers (graph, histograms,
// filters, feature maps), confusion matrix, "try it" and logs.
import { useEffect, useMemo, useState } from 'react';
import { ConfusionMatrix } from './ConfusionMatrix';
import { classNamesFor } from './classNames';
import { HistogramPanel } from './HistogramPanel';
import { FeatureMaps, FiltersGrid, nodesWithImages } from './ImagePanels';
import { LogPanel } from './LogPanel';
import { MetricsPanel } from './MetricsPanel';
import { PredictPanel } from './PredictPanel';
import { RunGraph } from './RunGraph';
import { RunHeader } from './RunHeader';
import { headline } from './runSummary';
import { runsApi } from './runsApi';
import { useLiveRun, useRunsStore } from './runsStore';
import type { DatasetSpec, RunSummary } from './types';
import { WorkersPanel } from './WorkersPanel';

interface Props {
  runId: string;
  onChanged: () => void;
}

export function RunDetail({ runId, onChanged }: Props) {
  const [info, setInfo] = useState<RunSummary | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const live = useLiveRun(runId);
  const connected = useRunsStore((s) => s.connected);
  const selected = useRunsStore((s) => s.selectedNodeId);
  const setSelected = useRunsStore((s) => s.setSelectedNode);
  const setActive = useRunsStore((s) => s.setActiveRun);
  const [datasets, setDatasets] = useState<DatasetSpec[]>([]);
  useEffect(() => {
    runsApi.datasets().then(setDatasets, () => setDatasets([]));
  }, []);

  useEffect(() => {
    let alive = true;
    runsApi.get(runId).then(
      (r) => alive && setInfo(r),
      (e: unknown) => alive && setMissing(e instanceof Error ? e.message : String(e)),
    );
    setActive(runId);
    return () => {
      alive = false;
    };
  }, [runId, setActive]);

  const state = live?.status?.state;
  useEffect(() => {
    // refresh the run row (status in the list, final metrics) when the state changes
    if (state) {
      onChanged();
      runsApi.get(runId).then(setInfo, () => undefined);
    }
  }, [state, runId]); // eslint-disable-line react-hooks/exhaustive-deps

  const chartRuns = useMemo(
    () => (live ? [{ id: runId, label: runId, series: live.series }] : []),
    [live?.series, runId],
  ); // eslint-disable-line react-hooks/exhaustive-deps
  if (missing && !info)
    return (
      <p className="runs-error" data-testid="run-missing">
        Run {runId}: {missing}
      </p>
    );
  if (!live) return null;
  const h = headline(live, String(info?.status ?? 'queued'));
  const graph = info?.graph ?? null;
  const fmNodes = nodesWithImages(live.images, 'feature_map');
  const fmNode = selected && graph?.nodes.some((n) => n.id === selected) ? selected : null;

  return (
    <div
      className="runs-detail"
      data-testid="run-detail"
      data-run-id={runId}
      data-events={live.eventCount}
      data-last-seq={live.lastSeq}
    >
      <RunHeader
        runId={runId}
        name={info?.name || runId}
        h={h}
        connected={connected}
        reason={live.status?.reason ?? null}
        onChanged={onChanged}
        totalEpochs={typeof info?.config?.epochs === 'number' ? (info.config.epochs as number) : null}
      />
      <WorkersPanel workers={live.workers} />
      <MetricsPanel runs={chartRuns} />
      <section className="runs-section">
        <h3>Layers</h3>
        <div className="runs-layers">
          {graph && <RunGraph graph={graph} />}
          <div className="runs-layer-side">
            <label>
              Layer{' '}
              <select
                value={fmNode ?? ''}
                data-testid="layer-select"
                onChange={(e) => setSelected(e.target.value || null)}
              >
                <option value="">(click a node)</option>
                {(graph?.nodes ?? []).map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.id} ({n.type}){fmNodes.includes(n.id) ? ' ●' : ''}
                  </option>
                ))}
              </select>
            </label>
            <h4>Feature maps</h4>
            <FeatureMaps images={live.images} nodeId={fmNode} />
            <h4>Histograms</h4>
            <HistogramPanel histograms={live.histograms} nodeId={fmNode} />
          </div>
        </div>
        <h4>Filters</h4>
        <FiltersGrid images={live.images} onPick={setSelected} />
      </section>
      <section className="runs-section runs-two">
        <div>
          <h3>Confusion matrix</h3>
          <ConfusionMatrix
            images={live.images}
            namesFor={(node, n) => classNamesFor(info?.config, graph, datasets, node, n)}
          />
        </div>
        <div>
          <h3>Try it</h3>
          {h.state === 'queued' ? (
            <p className="runs-muted">Available once a checkpoint exists.</p>
          ) : (
            <PredictPanel runId={runId} graph={graph} />
          )}
        </div>
      </section>
      <section className="runs-section">
        <h3>Logs</h3>
        <LogPanel
          runId={runId}
          logs={live.logs}
          error={live.error}
          finished={['completed', 'failed', 'cancelled', 'interrupted'].includes(h.state)}
        />
      </section>
    </div>
  );
}
