import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './normalize';

const url = (n: string | number) => `/api/runs/r1/images/${n}`;

describe('normalizeEvent', () => {
  it('reads flat socket messages', () => {
    const ev = normalizeEvent('run.metrics', {
      run_id: 'r1',
      seq: 4,
      points: [{ step: 1, split: 'train', name: 'loss', value: 2 }],
    });
    expect(ev).toEqual({
      run_id: 'r1',
      seq: 4,
      kind: 'metrics',
      payload: { points: [{ step: 1, split: 'train', name: 'loss', value: 2 }] },
    });
  });
  it('keeps binary attachments of socket image events', () => {
    const buf = new Uint8Array([137, 80]).buffer;
    const ev = normalizeEvent(
      'run.images',
      {
        run_id: 'r1',
        seq: 5,
        step: 10,
        items: [{ node_id: 'c', kind: 'filters', index: 0 }],
        attachments: [buf],
        images: [7],
      },
      [],
      url,
    );
    expect(ev?.kind).toBe('images');
    expect(ev && ev.kind === 'images' && ev.attachments[0]).toBe(buf);
  });
  it('reads REST rows (no run_id) and maps image numbers to URLs', () => {
    const ev = normalizeEvent(
      null,
      {
        seq: 9,
        kind: 'images',
        payload: { step: 3, items: [{ node_id: 'c', kind: 'feature_map', index: 0 }] },
        images: [12],
      },
      [],
      url,
      'r1',
    );
    expect(ev && ev.kind === 'images' && ev.attachments).toEqual(['/api/runs/r1/images/12']);
    expect(ev?.run_id).toBe('r1');
  });
  it('rejects messages without seq (server errors) and unknown kinds', () => {
    expect(normalizeEvent('run.error', { run_id: 'r1', seq: null, message: 'x' })).toBeNull();
    expect(normalizeEvent('run.other', { run_id: 'r1', seq: 1 })).toBeNull();
  });
});
