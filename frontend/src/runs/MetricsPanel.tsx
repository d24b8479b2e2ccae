// Loss, metrics, lr, grad norm and speed charts for one run or several (comparison), with a
// smoothing slider, a log-scale toggle and a step/epoch x axis.
import { useMemo, useState } from 'react';
import { color, LineChart } from './LineChart';
import { buildChart, type ChartRun, groupMetrics, type MetricGroup } from './metricGroups';

interface Props {
  runs: ChartRun[];
}

export function MetricsPanel({ runs }: Props) {
  const [smoothing, setSmoothing] = useState(0.6);
  const [logY, setLogY] = useState(false);
  const [xAxis, setXAxis] = useState<'step' | 'epoch'>('step');
  const keys = useMemo(() => runs.flatMap((r) => Object.keys(r.series)), [runs]);
  const groups = useMemo(() => groupMetrics(keys), [keys.join('|')]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section className="runs-section" data-testid="metrics-panel">
      <div className="runs-controls">
        <label>
          Smoothing
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            data-testid="smoothing"
            onChange={(e) => setSmoothing(Number(e.target.value))}
          />
          <span className="runs-num">{smoothing.toFixed(2)}</span>
        </label>
        <label>
          <input type="checkbox" checked={logY} data-testid="log-scale" onChange={(e) => setLogY(e.target.checked)} />
          Log scale (loss, lr, grad norm)
        </label>
        <label>
          X axis
          <select value={xAxis} data-testid="x-axis" onChange={(e) => setXAxis(e.target.value as 'step' | 'epoch')}>
            <option value="step">step</option>
            <option value="epoch">epoch</option>
          </select>
        </label>
      </div>
      {groups.length === 0 && <p className="runs-muted">No metrics yet.</p>}
      <div className="runs-charts">
        {groups.map((g) => (
          <GroupChart
            key={g.id}
            group={g}
            runs={runs}
            smoothing={smoothing}
            xAxis={xAxis}
            logY={logY && !!g.logScalable}
          />
        ))}
      </div>
    </section>
  );
}

interface GroupProps {
  group: MetricGroup;
  runs: ChartRun[];
  smoothing: number;
  xAxis: 'step' | 'epoch';
  logY: boolean;
}

function GroupChart({ group, runs, smoothing, xAxis, logY }: GroupProps) {
  const built = useMemo(
    () => buildChart(runs, group, { smoothing, xAxis, maxPoints: 1500 }),
    [runs, group, smoothing, xAxis],
  );
  const series = built.series.map((s, i) => ({
    label: s.label,
    color: runs.length > 1 ? color(s.runIndex) : color(i),
    dash: s.split === 'val' && runs.length > 1 ? [6, 4] : undefined,
    width: s.split === 'val' ? 2 : 1.5,
    points: s.split === 'val',
  }));
  return (
    <LineChart
      title={group.title}
      data={built.data}
      series={series}
      xLabel={xAxis}
      logY={logY}
      testId={`${group.id.replace(/[^a-z_]/gi, '-')}-chart`}
    />
  );
}
