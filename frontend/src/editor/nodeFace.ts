// Small facts a node's face shows beside its key params: the shared layer it reuses or lends,
// and a recurrent block's direction. Pure functions of data the node already has (its params,
// the validation report), so no node subscribes to the whole `nodes` array.
import type { MappedReport } from '../graph/validation';

const sharerCounts = new WeakMap<MappedReport, Map<string, number>>();

/** How many nodes reuse `id`'s layer, from the report (`nodes[x].shares`): computed once per report. */
export function sharedByCount(report: MappedReport | null | undefined, id: string): number {
  if (!report) return 0;
  let counts = sharerCounts.get(report);
  if (!counts) {
    counts = new Map();
    for (const info of Object.values(report.nodes)) {
      if (info.shares) counts.set(info.shares, (counts.get(info.shares) ?? 0) + 1);
    }
    sharerCounts.set(report, counts);
  }
  return counts.get(id) ?? 0;
}

/** "bi · concat" for a bidirectional LSTM/GRU, else null (the meta-syntax order is unchanged:
 *  this is a face hint, not a key param). */
export function directionText(params: Record<string, unknown>): string | null {
  if (params.bidirectional !== true) return null;
  const mode = params.merge_mode;
  return `bi · ${typeof mode === 'string' ? mode : 'concat'}`;
}
