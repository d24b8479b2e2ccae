import { describe, expect, it } from 'vitest';
import { buildProgress, progressLine, splitIssues } from './issueKinds';

const I = (code: string, node_id?: string) => ({ code, message: code, node_id });

describe('issue kinds', () => {
  it('keeps unfinished wiring apart from real errors', () => {
    const s = splitIssues([
      I('missing_input', 'a'),
      I('bad_param', 'a'),
      I('unreachable', 'b'),
      I('infer_failed', 'c'),
    ]);
    expect(s.wrong.map((i) => i.code)).toEqual(['bad_param', 'infer_failed']);
    expect(s.incomplete.map((i) => i.code)).toEqual(['missing_input', 'unreachable']);
  });

  it('summarises an unfinished graph in one line', () => {
    const p = buildProgress([
      I('missing_input', 'a'),
      I('missing_input', 'b'),
      I('unreachable', 'c'),
      I('no_output'),
      I('bad_param', 'd'),
    ]);
    expect(p).toEqual({ wrong: 1, incompleteNodes: 3, openInputs: 2, noInput: false, noOutput: true });
    expect(progressLine(p)).toBe('no Output yet · 2 open inputs · 3 blocks to connect');
  });

  it('says nothing about a complete graph', () => {
    expect(progressLine(buildProgress([]))).toBe('');
    expect(progressLine(buildProgress(null))).toBe('');
  });
});
