// Weights imported with a Keras model file, remembered with the graph (by its name, in localStorage),
// so the Train dialog can offer "start from imported weights" and POST /api/runs gets init_weights.
import type { GraphDoc } from '../types';

const KEY = 'akid.importedWeights';

export interface ImportedWeights {
  weightsId: string;
  file: string;
}

type Table = Record<string, ImportedWeights>;

function read(): Table {
  try {
    const t = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return t && typeof t === 'object' ? (t as Table) : {};
  } catch {
    return {};
  }
}

const graphKey = (graph: Pick<GraphDoc, 'name'>) => graph.name || 'untitled';

/** Remember the weights of an imported model for the graph of that name (the latest import wins). */
export function rememberImport(graph: Pick<GraphDoc, 'name'>, weightsId: string, file: string) {
  const t = read();
  t[graphKey(graph)] = { weightsId, file };
  localStorage.setItem(KEY, JSON.stringify(t));
}

export function importedWeightsFor(graph: Pick<GraphDoc, 'name'>): ImportedWeights | null {
  return read()[graphKey(graph)] ?? null;
}

// Whether the open Train dialog starts from the imported weights (default: yes, when there are some).
let useImported = true;
export function setUseImported(v: boolean) {
  useImported = v;
}

/** The ``init_weights`` part of a POST /api/runs body for this graph ({} when it starts from scratch). */
export function initWeightsBody(graph: Pick<GraphDoc, 'name'>): { init_weights?: string } {
  const w = importedWeightsFor(graph);
  return w && useImported ? { init_weights: w.weightsId } : {};
}
