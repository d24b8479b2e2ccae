// REST calls of Keras model files: import an upload, the URL of a trained run's .keras download.
import { requestJson } from '../api';
import type { GraphDoc, Issue } from '../types';

export interface KerasImportResult {
  graph: GraphDoc;
  weights_id: string | null;
  summary: {
    name: string;
    nodes: number;
    params: number | null;
    flops?: number | null;
    has_weights: boolean;
    ok: boolean;
  };
  issues: Issue[];
}

export function importKerasFile(file: File): Promise<KerasImportResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  return requestJson<KerasImportResult>('POST', '/api/graphs/import-keras-file', form);
}

export const runKerasUrl = (runId: string) => `/api/runs/${encodeURIComponent(runId)}/export?to=keras-file`;
