// One Socket.IO connection to namespace /runs shared by every view. Subscriptions are
// ref-counted per run; on (re)connect every subscribed run is re-subscribed with the last
// contiguous seq it has, so the server replays exactly what was missed (dedupe covers overlaps).
import { io, type Socket } from 'socket.io-client';
import { Decoder, Encoder } from 'socket.io-parser';
import { metricPoints } from './eventReducer';
import { normalizeEvent } from './normalize';
import { runsApi } from './runsApi';
import type { RunEvent } from './types';

export type EventSink = (events: RunEvent[]) => void;
export type SinceSeq = (runId: string) => number;

/**
 * socket.io-parser rejects packets with more than 10 binary attachments by default; one
 * `run.images` event carries a PNG per layer and probe (often more), so allow more.
 */
export const MAX_ATTACHMENTS = 4096;
class RunsDecoder extends Decoder {
  constructor() {
    super({ maxAttachments: MAX_ATTACHMENTS });
  }
}
const parser = { Encoder, Decoder: RunsDecoder };

const EVENT_NAMES = ['run.status', 'run.metrics', 'run.histograms', 'run.images', 'run.log', 'run.error'];

/** A columnar `run.metrics` message (docs/protocol.md) as the per-point form the views read. */
export function expandColumns(ev: RunEvent): RunEvent {
  if (ev.kind !== 'metrics') return ev;
  const raw = ev.payload as { points?: unknown; columns?: unknown };
  if (raw.columns === undefined) return ev;
  const { columns: _c, ...rest } = raw;
  return { ...ev, payload: { ...rest, points: metricPoints(raw) } };
}

/** How long events gather before one store update: one display frame, so a point is drawn
 * about as soon as it arrives while a burst still costs one React update. */
export const FLUSH_MS = 16;

export class LiveConnection {
  private socket: Socket | null = null;
  private refs = new Map<string, number>();
  private queue: RunEvent[] = [];
  private flushScheduled = false;
  connected = false;
  /** Reasons of past disconnects (shown in the e2e artifacts and devtools). */
  disconnects: string[] = [];
  private listeners = new Set<(connected: boolean) => void>();

  constructor(
    private sink: EventSink,
    private sinceSeq: SinceSeq,
    private url = '/runs',
  ) {}

  private ensure(): Socket {
    if (this.socket) return this.socket;
    const s = io(this.url, { transports: ['websocket', 'polling'], reconnectionDelayMax: 3000, parser });
    s.on('connect', () => {
      this.setConnected(true);
      for (const runId of this.refs.keys()) this.emitSubscribe(runId);
    });
    s.on('disconnect', (reason) => {
      this.disconnects.push(String(reason));
      this.setConnected(false);
    });
    s.on('connect_error', (err) => this.disconnects.push(`connect_error: ${err.message}`));
    for (const name of EVENT_NAMES) {
      s.on(name, (data: unknown, ...extra: unknown[]) => {
        const ev = normalizeEvent(name, data, extra, (ref) =>
          runsApi.imageUrl(String((data as { run_id?: string })?.run_id ?? ''), ref),
        );
        if (ev) this.push(expandColumns(ev));
      });
    }
    // Some servers send a batch of replayed events in one message.
    s.on('run.events', (data: unknown) => {
      const list = Array.isArray(data) ? data : (data as { events?: unknown[] })?.events;
      for (const raw of list ?? []) {
        const ev = normalizeEvent(null, raw);
        if (ev) this.push(ev);
      }
    });
    this.socket = s;
    return s;
  }

  private setConnected(c: boolean) {
    this.connected = c;
    for (const l of this.listeners) l(c);
  }

  onConnection(l: (connected: boolean) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Batches events arriving in one tick into one store update. */
  private push(ev: RunEvent) {
    this.queue.push(ev);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      const batch = this.queue;
      this.queue = [];
      this.sink(batch);
    }, FLUSH_MS);
  }

  private emitSubscribe(runId: string) {
    this.socket?.emit('subscribe', { run_id: runId, since_seq: this.sinceSeq(runId) });
  }

  subscribe(runId: string): () => void {
    const n = this.refs.get(runId) ?? 0;
    this.refs.set(runId, n + 1);
    const s = this.ensure();
    if (n === 0 && s.connected) this.emitSubscribe(runId);
    return () => this.unsubscribe(runId);
  }

  private unsubscribe(runId: string) {
    const n = (this.refs.get(runId) ?? 1) - 1;
    if (n > 0) {
      this.refs.set(runId, n);
      return;
    }
    this.refs.delete(runId);
    this.socket?.emit('unsubscribe', { run_id: runId });
  }

  /** For tests: drop the transport to exercise the reconnect path. */
  reconnect() {
    this.socket?.disconnect();
    this.socket?.connect();
  }
}
