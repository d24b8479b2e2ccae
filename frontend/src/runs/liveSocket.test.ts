import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => void;
class FakeSocket {
  handlers = new Map<string, Handler[]>();
  emitted: [string, unknown][] = [];
  connected = false;
  on(ev: string, fn: Handler) {
    this.handlers.set(ev, [...(this.handlers.get(ev) ?? []), fn]);
    return this;
  }
  emit(ev: string, data: unknown) {
    this.emitted.push([ev, data]);
    return this;
  }
  fire(ev: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(ev) ?? []) fn(...args);
  }
  connect() {
    this.connected = true;
    this.fire('connect');
  }
  disconnect() {
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
  }
}
const sockets: FakeSocket[] = [];
vi.mock('socket.io-client', () => ({
  io: () => {
    const s = new FakeSocket();
    sockets.push(s);
    return s;
  },
}));

const { LiveConnection, FLUSH_MS } = await import('./liveSocket');

describe('LiveConnection', () => {
  beforeEach(() => {
    sockets.length = 0;
    vi.useFakeTimers();
  });

  it('subscribes on connect and re-subscribes with the last seq after a reconnect', () => {
    const since = new Map<string, number>([['r1', 0]]);
    const batches: unknown[][] = [];
    const c = new LiveConnection(
      (evs) => batches.push(evs),
      (id) => since.get(id) ?? 0,
    );
    const unsub = c.subscribe('r1');
    const s = sockets[0];
    expect(s.emitted).toEqual([]); // not connected yet
    s.connect();
    expect(s.emitted).toEqual([['subscribe', { run_id: 'r1', since_seq: 0 }]]);

    s.fire('run.metrics', { run_id: 'r1', seq: 1, points: [] });
    s.fire('run.status', { run_id: 'r1', seq: 2, state: 'running' });
    vi.runAllTimers();
    expect(batches).toHaveLength(1); // batched into one store update
    expect(batches[0].map((e) => (e as { seq: number }).seq)).toEqual([1, 2]);

    since.set('r1', 2);
    s.disconnect();
    s.connect();
    expect(s.emitted.at(-1)).toEqual(['subscribe', { run_id: 'r1', since_seq: 2 }]);

    unsub();
    expect(s.emitted.at(-1)).toEqual(['unsubscribe', { run_id: 'r1' }]);
  });

  it('counts subscribers per run and ignores malformed messages', () => {
    const batches: unknown[][] = [];
    const c = new LiveConnection(
      (evs) => batches.push(evs),
      () => 0,
    );
    const s0 = () => sockets[0];
    const a = c.subscribe('r1');
    s0().connect();
    const b = c.subscribe('r1');
    expect(s0().emitted.filter(([e]) => e === 'subscribe')).toHaveLength(1);
    a();
    expect(s0().emitted.some(([e]) => e === 'unsubscribe')).toBe(false);
    b();
    expect(s0().emitted.at(-1)).toEqual(['unsubscribe', { run_id: 'r1' }]);
    s0().fire('run.error', { run_id: 'r1', seq: null, message: 'run not found' });
    vi.runAllTimers();
    expect(batches).toEqual([]);
  });

  it('expands a columnar run.metrics message into points within one frame', () => {
    const batches: { payload: unknown }[][] = [];
    const c = new LiveConnection(
      (evs) => batches.push(evs as never),
      () => 0,
    );
    c.subscribe('r1');
    const s = sockets[0];
    s.connect();
    s.fire('run.metrics', {
      run_id: 'r1',
      seq: 1,
      columns: { step: [7], wall: [1.5], series: { 'train/loss': [0.5] } },
    });
    vi.advanceTimersByTime(FLUSH_MS);
    expect(batches).toHaveLength(1);
    expect(batches[0][0].payload).toEqual({
      points: [{ step: 7, split: 'train', name: 'loss', value: 0.5, wall: 1.5 }],
    });
  });
});
