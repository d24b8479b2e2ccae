import { describe, expect, it } from 'vitest';
import type { MappedReport } from '../graph/validation';
import { directionText, sharedByCount } from './nodeFace';

describe('node face hints', () => {
  it('counts the nodes sharing each owner from the report', () => {
    const report = {
      nodes: {
        enc: { outputs: {}, params: 20, flops: 8 },
        enc_call2: { outputs: {}, params: 0, flops: 8, shares: 'enc' },
        enc_call3: { outputs: {}, params: 0, flops: 8, shares: 'enc' },
      },
    } as unknown as MappedReport;
    expect(sharedByCount(report, 'enc')).toBe(2);
    expect(sharedByCount(report, 'enc_call2')).toBe(0);
    expect(sharedByCount(null, 'enc')).toBe(0);
  });

  it('names a bidirectional block and its merge mode', () => {
    expect(directionText({ units: 8, bidirectional: true, merge_mode: 'sum' })).toBe('bi · sum');
    expect(directionText({ units: 8, bidirectional: true })).toBe('bi · concat');
    expect(directionText({ units: 8 })).toBeNull();
  });
});
