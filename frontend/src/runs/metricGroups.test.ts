import { describe, expect, it } from 'vitest';
import { buildChart, groupMetrics } from './metricGroups';

describe('groupMetrics', () => {
  it('puts losses, accuracies and scalars on their charts', () => {
    const g = groupMetrics([
      'train/loss',
      'val/loss',
      'train/y/loss',
      'train/y/accuracy',
      'val/y/accuracy',
      'train/lr',
      'train/grad_norm',
      'train/custom',
    ]);
    expect(g.map((x) => x.id)).toEqual(['loss', 'accuracy', 'lr', 'grad_norm', 'm:custom']);
    expect(g[0].names).toEqual(['loss']);
    expect(g.filter((x) => x.logScalable).map((x) => x.id)).toEqual(['loss', 'lr', 'grad_norm']);
  });
  it("shows each output's loss beside the total when there are several outputs", () => {
    const g = groupMetrics(['train/loss', 'train/a/loss', 'train/b/loss']);
    expect(g[0].names).toEqual(['a/loss', 'b/loss', 'loss']);
  });
});

describe('buildChart', () => {
  const run = {
    id: 'a',
    label: 'a',
    series: {
      'train/loss': { steps: [1, 2, 3, 4], epochs: [0, 0, 1, 1], values: [4, 3, 2, 1] },
      'val/loss': { steps: [2, 4], epochs: [0, 1], values: [3.5, 1.5] },
    },
  };
  const group = { id: 'loss', title: 'Loss', names: ['loss'] };
  it('aligns train and val on steps', () => {
    const c = buildChart([run], group, { smoothing: 0, xAxis: 'step', maxPoints: 100 });
    expect(c.data).toEqual([
      [1, 2, 3, 4],
      [4, 3, 2, 1],
      [null, 3.5, null, 1.5],
    ]);
    expect(c.series.map((s) => s.label)).toEqual(['train', 'val']);
  });
  it("per epoch keeps the epoch's last value; several runs are labelled", () => {
    const c = buildChart([run, { ...run, id: 'b', label: 'b' }], group, {
      smoothing: 0,
      xAxis: 'epoch',
      maxPoints: 100,
    });
    expect(c.data[0]).toEqual([1, 2]); // epochs shown from 1
    expect(c.data[1]).toEqual([3, 1]);
    expect(c.series.map((s) => s.label)).toEqual(['a train', 'a val', 'b train', 'b val']);
  });
  it('smooths only training series', () => {
    const c = buildChart([run], group, { smoothing: 0.9, xAxis: 'step', maxPoints: 100 });
    expect(c.data[1][3]).not.toBe(1);
    expect(c.data[2][3]).toBe(1.5);
  });
});

describe('one legend entry per run and metric', () => {
  it("drops a single output's loss that repeats the total", async () => {
    const { buildChart } = await import('./metricGroups');
    const s = { steps: [1, 2], epochs: [0, 0], values: [1, 0.5] };
    const one = { id: 'a', label: 'a', series: { 'train/loss': s, 'train/y/loss': s } };
    const two = { id: 'b', label: 'b', series: { 'train/loss': s, 'train/y/loss': s, 'train/z/loss': s } };
    const group = { id: 'loss', title: 'Loss', names: ['loss', 'y/loss', 'z/loss'] };
    const opts = { smoothing: 0, xAxis: 'step' as const, maxPoints: 100 };
    expect(buildChart([one], group, opts).series.map((x) => x.label)).toEqual(['train loss']);
    expect(buildChart([two], group, opts).series).toHaveLength(3);
  });
});

describe('epoch axis', () => {
  it('counts epochs from 1', async () => {
    const { buildChart } = await import('./metricGroups');
    const s = { steps: [1, 2, 3, 4], epochs: [0, 0, 1, 1], values: [4, 3, 2, 1] };
    const run = { id: 'a', label: 'a', series: { 'val/loss': s } };
    const c = buildChart(
      [run],
      { id: 'loss', title: 'Loss', names: ['loss'] },
      { smoothing: 0, xAxis: 'epoch', maxPoints: 100 },
    );
    expect(c.data[0]).toEqual([1, 2]);
  });
});
