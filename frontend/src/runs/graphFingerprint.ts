// Run statistics belong to a run: the editor overlays a run's node statistics only while it
// shows the graph that run trained. Node ids repeat across graphs (conv2d1, dense1…), so the
// graphs are compared by structure — blocks, their parameters and the wiring — not by ids alone.
// Positions, names and labels do not count: moving a block keeps the overlay.

type Doc = {
  nodes?: { id: string; type: string; params?: Record<string, unknown> }[];
  edges?: { source: string; source_port?: string; target: string; target_port?: string; feedback?: boolean }[];
};

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** A string equal for two graphs exactly when they would train the same model. */
export function graphFingerprint(doc: Doc | null | undefined): string {
  if (!doc) return '';
  const nodes = (doc.nodes ?? []).map((n) => `${n.id}:${n.type}:${stable(n.params ?? {})}`).sort();
  const edges = (doc.edges ?? [])
    .map((e) => `${e.source}.${e.source_port ?? 'out'}>${e.target}.${e.target_port ?? 'in'}${e.feedback ? '~' : ''}`)
    .sort();
  return `${nodes.join('|')}#${edges.join('|')}`;
}
