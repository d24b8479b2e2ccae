// Typed fetch client for the akid studio REST API (docs/architecture.md).
// Every non-2xx answer becomes an ApiError carrying the server's issue list.
import type {
  BlockDoc,
  BlockSpec,
  Composite,
  GraphDoc,
  GraphVersion,
  Issue,
  SavedGraph,
  SavedGraphSummary,
  Template,
  ValidationReport,
} from './types';

export class ApiError extends Error {
  status: number;
  issues: Issue[];
  constructor(status: number, issues: Issue[], message?: string) {
    super(message ?? (issues.map((i) => i.message).join('; ') || `HTTP ${status}`));
    this.status = status;
    this.issues = issues;
  }
}

type Fetch = typeof fetch;

/** One JSON request: FormData bodies go as multipart, other bodies as JSON; non-2xx throws ApiError. */
export async function requestJson<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  fetchImpl: Fetch = (...a) => fetch(...a),
): Promise<T> {
  const init: RequestInit = { method, signal };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const res = await fetchImpl(path, init);
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const errs = (data as { errors?: Issue[] } | null)?.errors;
    const issues =
      Array.isArray(errs) && errs.length
        ? errs
        : [{ code: 'http_error', message: `${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}` }];
    throw new ApiError(res.status, issues);
  }
  return data as T;
}

export function createApi(base = '', fetchImpl: Fetch = (...a) => fetch(...a)) {
  const call = <T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> =>
    requestJson<T>(method, base + path, body, signal, fetchImpl);
  const enc = encodeURIComponent;
  return {
    blocks: () => call<{ blocks: BlockSpec[] }>('GET', '/api/blocks').then((r) => r.blocks),
    templates: () => call<{ templates: Template[] }>('GET', '/api/templates').then((r) => r.templates),
    validate: (graph: GraphDoc, signal?: AbortSignal) =>
      call<ValidationReport>('POST', '/api/graphs/validate', graph, signal),
    parse: (text: string) => call<{ graph: GraphDoc }>('POST', '/api/graphs/parse', { text }).then((r) => r.graph),
    exportGraph: (graph: GraphDoc, to: string) =>
      call<{ text: string }>('POST', '/api/graphs/export', { graph, to }).then((r) => r.text),
    importKeras: (json: string) =>
      call<{ graph: GraphDoc }>('POST', '/api/graphs/import-keras', { json }).then((r) => r.graph),
    listGraphs: () => call<{ graphs: SavedGraphSummary[] }>('GET', '/api/graphs').then((r) => r.graphs ?? []),
    createGraph: (graph: GraphDoc) => call<{ id: string | number; version: number }>('POST', '/api/graphs', { graph }),
    updateGraph: (id: string | number, graph: GraphDoc) =>
      call<{ id: string | number; version: number }>('PUT', `/api/graphs/${enc(String(id))}`, { graph }),
    getGraph: (id: string | number, version?: number) =>
      call<SavedGraph>('GET', `/api/graphs/${enc(String(id))}${version === undefined ? '' : `?version=${version}`}`),
    versions: (id: string | number) =>
      call<{ versions: GraphVersion[] }>('GET', `/api/graphs/${enc(String(id))}/versions`).then(
        (r) => r.versions ?? [],
      ),
    revert: (id: string | number, version: number) =>
      call<{ id: string | number; version: number }>('POST', `/api/graphs/${enc(String(id))}/revert`, { version }),
    deleteGraph: (id: string | number) => call<unknown>('DELETE', `/api/graphs/${enc(String(id))}`),
    composites: () => call<{ composites: Composite[] }>('GET', '/api/composites').then((r) => r.composites ?? []),
    saveComposite: (name: string, graph: BlockDoc) => call<unknown>('POST', '/api/composites', { name, graph }),
  };
}

export type Api = ReturnType<typeof createApi>;
export const api: Api = createApi();
