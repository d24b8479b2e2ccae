import { describe, expect, it } from 'vitest';
import { logText } from './LogPanel';

const live = [
  { seq: 1, level: 'info', message: 'starting' },
  { seq: 2, level: 'warning', message: 'slow', worker: 1 },
];
const file = {
  name: 'worker.log',
  size: 30,
  offset: 0,
  next_offset: 30,
  truncated_before: false,
  text: '[info] starting\nW tf: x\n',
};

describe('logText', () => {
  it('shows live lines while running, even when a file exists', () => {
    expect(logText(false, live, file)).toBe('[info] starting\n[warning] [worker 1] slow');
  });
  it('shows only the file once finished (it holds the live lines too: no duplicates)', () => {
    expect(logText(true, live, file)).toBe('[info] starting\nW tf: x');
  });
  it('falls back to live lines, then to a note', () => {
    expect(logText(true, live, null)).toContain('[info] starting');
    expect(logText(true, [], null)).toBe('This run wrote no log lines.');
    expect(logText(false, [], null)).toBe('No log lines yet.');
  });
});
