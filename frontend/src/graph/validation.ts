// Map a validation report (POST /api/graphs/validate) onto what the editor shows:
// issues per node, per param, per edge; edge shape labels; totals.
import type { Issue, NodeReport, Shape, ValidationReport } from '../types';

export interface MappedReport {
  ok: boolean;
  errorCount: number;
  nodeIssues: Record<string, Issue[]>;
  /** node id -> param name -> messages (for the inspector). */
  paramIssues: Record<string, Record<string, string[]>>;
  /** Issues that name no node currently on the canvas. */
  graphIssues: Issue[];
  edgeShapes: Record<string, Shape>;
  nodes: Record<string, NodeReport>;
  params: number;
  flops: number;
}

export function mapReport(report: ValidationReport, nodeIds?: Set<string>): MappedReport {
  const nodeIssues: Record<string, Issue[]> = {};
  const paramIssues: Record<string, Record<string, string[]>> = {};
  const graphIssues: Issue[] = [];
  for (const issue of report.errors ?? []) {
    const id = issue.node_id ?? null;
    if (id && (!nodeIds || nodeIds.has(id))) {
      (nodeIssues[id] ??= []).push(issue);
      if (issue.param) {
        const top = issue.param.split('.')[0];
        ((paramIssues[id] ??= {})[top] ??= []).push(issue.message);
      }
    } else {
      graphIssues.push(issue);
    }
  }
  return {
    ok: !!report.ok,
    errorCount: (report.errors ?? []).length,
    nodeIssues,
    paramIssues,
    graphIssues,
    edgeShapes: report.shapes ?? {},
    nodes: report.nodes ?? {},
    params: report.params ?? 0,
    flops: report.flops ?? 0,
  };
}

/** An issue for a failed request, shown in the summary bar. */
export function requestFailed(message: string): MappedReport {
  return {
    ok: false,
    errorCount: 1,
    nodeIssues: {},
    paramIssues: {},
    graphIssues: [{ code: 'request_failed', message }],
    edgeShapes: {},
    nodes: {},
    params: 0,
    flops: 0,
  };
}

function reuseEntries<T>(prev: Record<string, T> | undefined, next: Record<string, T>): Record<string, T> {
  if (!prev) return next;
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(next)) {
    const old = prev[k];
    out[k] = old !== undefined && JSON.stringify(old) === JSON.stringify(v) ? old : v;
  }
  return out;
}

/**
 * Keep the previous report's objects where nothing changed, so that after an edit only the
 * nodes and edges whose shapes or issues changed re-render (a 500-node graph stays fluid).
 */
export function keepIdentity(prev: MappedReport | null, next: MappedReport): MappedReport {
  if (!prev) return next;
  return {
    ...next,
    nodeIssues: reuseEntries(prev.nodeIssues, next.nodeIssues),
    paramIssues: reuseEntries(prev.paramIssues, next.paramIssues),
    edgeShapes: reuseEntries(prev.edgeShapes, next.edgeShapes),
    nodes: reuseEntries(prev.nodes, next.nodes),
  };
}
