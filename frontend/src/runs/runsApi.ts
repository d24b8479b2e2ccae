// REST client for the runs, data sets and config endpoints (docs/architecture.md "REST").

import { requestJson } from '../api';
import { initWeightsBody } from '../kerasio/importedWeights';
import type { JsonSchema } from './schema';
import type { DatasetSample, DatasetSpec, GraphDoc, RunEvent, RunSummary } from './types';

export { ApiError as RunsApiError } from '../api';

const call = <T>(method: string, path: string, body?: unknown): Promise<T> => requestJson<T>(method, path, body);

const enc = encodeURIComponent;

export interface ConfigSchema {
  schema: JsonSchema;
  defaults: Record<string, unknown>;
}

/** Where a run may execute (GET /api/runs/targets). */
export interface RunTarget {
  id: 'local' | 'kubernetes' | string;
  available: boolean;
  reason?: string | null;
}

export interface MetricsHistory {
  series: Record<string, [number, number][]>;
  last_seq?: number;
}

/** One slice of a worker log file (GET /api/runs/<id>/logs). */
export interface LogFileSlice {
  name: string;
  size: number;
  offset: number;
  next_offset: number;
  truncated_before: boolean;
  text: string;
}

export interface RunLogs {
  files: { name: string; size: number }[];
  file: LogFileSlice | null;
}

export const runsApi = {
  datasets: () => call<{ datasets: DatasetSpec[] }>('GET', '/api/datasets').then((r) => r.datasets ?? []),
  samples: (name: string, n = 8) =>
    call<{ samples: DatasetSample[] }>('GET', `/api/datasets/${enc(name)}/samples?n=${n}`).then((r) => r.samples ?? []),
  uploadDataset: (form: FormData) => call<{ dataset?: DatasetSpec; name?: string }>('POST', '/api/datasets', form),
  configSchema: async (): Promise<ConfigSchema> => {
    const r = await call<Partial<ConfigSchema> & JsonSchema>('GET', '/api/config/schema');
    if (r.schema) return { schema: r.schema as JsonSchema, defaults: (r.defaults ?? {}) as Record<string, unknown> };
    return { schema: r as JsonSchema, defaults: {} };
  },
  blocks: () =>
    call<{ blocks: { type: string; category: string; params_schema?: JsonSchema; [k: string]: unknown }[] }>(
      'GET',
      '/api/blocks',
    ).then((r) => r.blocks ?? []),
  list: () => call<{ runs: RunSummary[] }>('GET', '/api/runs').then((r) => r.runs ?? []),
  get: (id: string) => call<RunSummary>('GET', `/api/runs/${enc(id)}`),
  create: (graph: GraphDoc, config: unknown, name?: string, target?: string) =>
    call<{ id: string; status: string }>('POST', '/api/runs', {
      graph,
      config,
      name,
      ...(target ? { target } : {}),
      ...initWeightsBody(graph),
    }),
  logs: (id: string, file?: string) =>
    call<RunLogs>('GET', `/api/runs/${enc(id)}/logs${file ? `?file=${enc(file)}` : ''}`),
  targets: () => call<{ targets: RunTarget[] }>('GET', '/api/runs/targets').then((r) => r.targets ?? []),
  cancel: (id: string) => call<unknown>('POST', `/api/runs/${enc(id)}/cancel`),
  resume: (id: string) => call<unknown>('POST', `/api/runs/${enc(id)}/resume`),
  remove: (id: string) => call<unknown>('DELETE', `/api/runs/${enc(id)}`),
  metrics: (id: string, maxPoints = 2000) =>
    call<MetricsHistory>('GET', `/api/runs/${enc(id)}/metrics?max_points=${maxPoints}`),
  events: (id: string, sinceSeq: number) =>
    call<{ events: unknown[] }>('GET', `/api/runs/${enc(id)}/events?since_seq=${sinceSeq}`).then(
      (r) => (r.events ?? []) as unknown[],
    ),
  imageUrl: (id: string, n: number | string) => `/api/runs/${enc(id)}/images/${enc(String(n))}`,
  predict: (id: string, inputs: Record<string, unknown>) =>
    call<{ outputs: Record<string, unknown> }>('POST', `/api/runs/${enc(id)}/predict`, { inputs }),
};

export type { RunEvent };
