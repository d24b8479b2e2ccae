import { beforeEach, describe, expect, it } from 'vitest';
import { importedWeightsFor, initWeightsBody, rememberImport, setUseImported } from './importedWeights';

class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe('imported weights remembered with the graph', () => {
  beforeEach(() => {
    (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
    setUseImported(true);
  });

  it('offers the weights of the graph of that name only', () => {
    rememberImport({ name: 'mobilenet' }, 'a'.repeat(32), 'm.keras');
    expect(importedWeightsFor({ name: 'mobilenet' })).toEqual({ weightsId: 'a'.repeat(32), file: 'm.keras' });
    expect(importedWeightsFor({ name: 'other' })).toBeNull();
    expect(initWeightsBody({ name: 'mobilenet' })).toEqual({ init_weights: 'a'.repeat(32) });
    expect(initWeightsBody({ name: 'other' })).toEqual({});
  });

  it('starts from scratch when the option is unticked', () => {
    rememberImport({ name: 'g' }, 'b'.repeat(32), 'g.keras');
    setUseImported(false);
    expect(initWeightsBody({ name: 'g' })).toEqual({});
  });

  it('survives a corrupt table', () => {
    localStorage.setItem('akid.importedWeights', '{not json');
    expect(importedWeightsFor({ name: 'g' })).toBeNull();
  });
});
