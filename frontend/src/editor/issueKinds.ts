// A graph under construction is a normal state: issues that only say "not finished yet"
// (an open input port, a block not yet on a path from an Input to an Output) are kept apart
// from issues that say "this can never work" (a shape or parameter error), so that the canvas
// stays calm while the user is still wiring and turns red only for real mistakes.
import type { Issue } from '../types';

/** Codes the validator uses for an unfinished graph. Everything else is a real error. */
export const INCOMPLETE_CODES = new Set(['missing_input', 'unreachable', 'no_input', 'no_output']);

export const isIncomplete = (i: Issue): boolean => INCOMPLETE_CODES.has(i.code);

export interface IssueSplit {
  wrong: Issue[];
  incomplete: Issue[];
}

export function splitIssues(issues: readonly Issue[] | undefined | null): IssueSplit {
  const out: IssueSplit = { wrong: [], incomplete: [] };
  for (const i of issues ?? []) (isIncomplete(i) ? out.incomplete : out.wrong).push(i);
  return out;
}

export interface BuildProgress {
  wrong: number;
  /** Nodes with at least one open input or no path to an Output. */
  incompleteNodes: number;
  openInputs: number;
  noInput: boolean;
  noOutput: boolean;
}

/** Counts for the one-line summary of an unfinished graph. */
export function buildProgress(all: readonly Issue[] | undefined | null): BuildProgress {
  const nodes = new Set<string>();
  let wrong = 0,
    openInputs = 0,
    noInput = false,
    noOutput = false;
  for (const i of all ?? []) {
    if (!isIncomplete(i)) wrong++;
    else if (i.code === 'no_input') noInput = true;
    else if (i.code === 'no_output') noOutput = true;
    else {
      if (i.code === 'missing_input') openInputs++;
      if (i.node_id) nodes.add(i.node_id);
    }
  }
  return { wrong, incompleteNodes: nodes.size, openInputs, noInput, noOutput };
}

/** "2 open inputs · 3 blocks not on a path to an Output · no Output yet", or '' when complete. */
export function progressLine(p: BuildProgress): string {
  const parts: string[] = [];
  if (p.noInput) parts.push('no Input yet');
  if (p.noOutput) parts.push('no Output yet');
  if (p.openInputs) parts.push(`${p.openInputs} open input${p.openInputs === 1 ? '' : 's'}`);
  const unlinked = p.incompleteNodes;
  if (unlinked) parts.push(`${unlinked} block${unlinked === 1 ? '' : 's'} to connect`);
  return parts.join(' · ');
}
