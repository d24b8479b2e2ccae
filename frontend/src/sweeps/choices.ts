// Sweep choices in a graph document (docs/sweeps.md): `{"$choice": [...]}` and
// `{"$range": [lo, hi], "log"?: true}` param values. Pure helpers, shared by the inspector hook,
// the canvas badge, live validation (which checks the first variant) and the sweep dialog.

import type { SweepStructure } from '../graph/model';
import type { GraphDoc } from '../types';

export type Choice = { $choice: unknown[] };
export type Range = { $range: [number, number]; log?: boolean };
export type Marker = Choice | Range;

export function isChoice(v: unknown): v is Marker {
  return !!v && typeof v === 'object' && !Array.isArray(v) && ('$choice' in v || '$range' in v);
}

/** The value every other check uses: the first choice, or the low bound of a range. */
export function firstValue(m: Marker): unknown {
  return '$choice' in m ? m.$choice[0] : m.$range[0];
}

export function hasChoices(params: Record<string, unknown> | undefined): boolean {
  return !!params && Object.values(params).some(isChoice);
}

type Marked = GraphDoc & { $repeats?: unknown[] };
const isOptional = (n: object) => (n as { $optional?: boolean }).$optional === true;

export function graphHasChoices(doc: GraphDoc): boolean {
  return (
    !!(doc as Marked).$repeats?.length ||
    (doc.nodes ?? []).some((n) => isOptional(n) || hasChoices(n.params as Record<string, unknown>))
  );
}

/** The graph with every choice at its first value, optional nodes kept and repeat groups once:
 * a plain graph the validator can check (the sweep checks every variant on the server). */
export function firstVariant(doc: GraphDoc): GraphDoc {
  if (!graphHasChoices(doc)) return doc;
  const { $repeats: _repeats, ...rest } = doc as Marked;
  return {
    ...rest,
    nodes: (doc.nodes ?? []).map((n) => {
      const { $optional: _optional, ...node } = n as typeof n & { $optional?: boolean };
      const params = n.params as Record<string, unknown> | undefined;
      if (!hasChoices(params)) return node;
      const plain: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(params!)) plain[k] = isChoice(v) ? firstValue(v) : v;
      return { ...node, params: plain };
    }),
  } as GraphDoc;
}

/** Editable text of a marker: `16 | 32 | 64`, `0.1 .. 0.5`, `0.0001 .. 0.1 log`. */
export function markerText(m: Marker): string {
  if ('$choice' in m) return m.$choice.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' | ');
  return `${m.$range[0]} .. ${m.$range[1]}${m.log ? ' log' : ''}`;
}

function readScalar(s: string): unknown {
  const t = s.trim();
  if (t === '') throw new Error('empty value');
  try {
    return JSON.parse(t);
  } catch {
    return t; // a bare name such as relu or same
  }
}

/** Parse the text of a choice list or range; throws Error with a message for the field. */
export function parseMarker(text: string): Marker {
  const range = /^\s*(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)\s*(log)?\s*$/.exec(text);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error('a range needs two numbers: low .. high');
    if (!(lo < hi)) throw new Error('a range needs low < high');
    if (range[3] && lo <= 0) throw new Error('a log range needs low > 0');
    return range[3] ? { $range: [lo, hi], log: true } : { $range: [lo, hi] };
  }
  const values = text.split('|').map(readScalar);
  const keys = values.map((v) => JSON.stringify(v));
  if (new Set(keys).size !== keys.length) throw new Error('a value is listed twice');
  return { $choice: values };
}

/** Number of variants of one marker (null for a continuous range). */
export function markerSize(m: Marker): number | null {
  if ('$choice' in m) return m.$choice.length;
  const [lo, hi] = m.$range;
  return Number.isInteger(lo) && Number.isInteger(hi) && !m.log ? hi - lo + 1 : null;
}

/** Whether node `id` is optional or part of a repeat group in the editor's sweep structure. */
export function sweptStructure(sweep: SweepStructure | undefined, id: string): boolean {
  return !!sweep && (!!sweep.optional?.includes(id) || !!sweep.repeats?.some((r) => r.nodes.includes(id)));
}
