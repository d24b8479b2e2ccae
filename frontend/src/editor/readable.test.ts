import { describe, expect, it } from 'vitest';
import { readable } from './CodeDialog';

describe('readable', () => {
  it('drops a leading Python function name', () => {
    expect(readable('to_keras_json: feedback edges cannot be expressed')).toBe('feedback edges cannot be expressed');
    expect(readable('akid.export.keras(): no')).toBe('no');
  });
  it('keeps ordinary sentences', () => {
    expect(readable('Conv2D: kernel too large')).toBe('Conv2D: kernel too large');
  });
});
