// REST client for /api/sweeps (docs/sweeps.md "On the server").
import { requestJson } from '../api';
import type { GraphDoc, Issue } from '../types';

export interface Dimension {
  name: string;
  kind: 'param' | 'optional' | 'repeat' | 'config';
  values: unknown[] | null;
  range?: [number, number];
  log?: boolean;
  node_id?: string;
  param?: string;
}

export interface SpaceInfo {
  dimensions: Dimension[];
  size: number | null;
  discrete_size: number;
  invalid?: { assignment: Record<string, unknown>; errors: Issue[] }[];
}

/** What the sweep view's trial panels (ParallelCoords, TrialTable) are given: the sweep, its
 * trials, and the trial hovered in either (they highlight it together). */
export interface TrialPanelProps {
  sweep: SweepSummary;
  trials: Trial[];
  hovered: number | null;
  onHover: (n: number | null) => void;
}

export interface Trial {
  number: number;
  run_id: string | null;
  choices: Record<string, unknown>;
  objective: number | null;
  state: 'running' | 'completed' | 'pruned' | 'cancelled' | 'failed';
  intermediate: Record<string, number>;
  /** why a failed trial failed */
  error?: string;
}

export interface SweepSummary {
  id: string;
  name: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';
  reason?: string | null;
  strategy: string;
  objective: string;
  direction: 'maximize' | 'minimize';
  trials_wanted: number;
  trials_started: number;
  trials_done: number;
  space: SpaceInfo;
  best: { number: number; run_id: string | null; objective: number; choices: Record<string, unknown> } | null;
  created_at: number;
  trials?: Trial[];
}

export interface SweepRequest {
  graph: GraphDoc;
  config: Record<string, unknown>;
  strategy: string;
  trials: number;
  objective: string;
  budget_s?: number;
  name?: string;
  prune?: boolean;
}

const enc = encodeURIComponent;

export const sweepsApi = {
  space: (graph: GraphDoc, config: Record<string, unknown>) =>
    requestJson<SpaceInfo>('POST', '/api/sweeps/space', { graph, config }),
  create: (req: SweepRequest) => requestJson<{ id: string; status: string }>('POST', '/api/sweeps', req),
  list: () => requestJson<{ sweeps: SweepSummary[] }>('GET', '/api/sweeps').then((r) => r.sweeps ?? []),
  get: (id: string) => requestJson<SweepSummary>('GET', `/api/sweeps/${enc(id)}`),
  cancel: (id: string) => requestJson<unknown>('POST', `/api/sweeps/${enc(id)}/cancel`),
  runGraph: (runId: string) => requestJson<{ graph: GraphDoc }>('GET', `/api/runs/${enc(runId)}`).then((r) => r.graph),
};
