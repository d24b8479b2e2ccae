// Turns wire messages (socket events or REST /events rows) into typed RunEvents.
// Accepted shapes: flat `{run_id, seq, ...payload}` (socket), or `{run_id, seq, kind, payload}`
// (store rows); image bytes come as `attachments` (ArrayBuffers over the socket) or, from REST,
// as stored image numbers (`images`, fetched from GET /api/runs/<id>/images/<n>) or URLs.
import type { EventKind, ImageSource, RunEvent } from './types';

const KINDS: readonly EventKind[] = ['status', 'metrics', 'histograms', 'images', 'log', 'error'];

export function isEventKind(k: unknown): k is EventKind {
  return typeof k === 'string' && (KINDS as readonly string[]).includes(k);
}

function isBinary(v: unknown): v is ArrayBuffer | ArrayBufferView {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

function toSources(list: unknown, imageUrl?: (ref: string | number) => string): ImageSource[] {
  if (!Array.isArray(list)) return [];
  return list.map((v) => {
    if (isBinary(v)) return v;
    if (typeof v === 'string')
      return v.startsWith('/') || v.startsWith('http') || v.startsWith('data:') ? v : imageUrl ? imageUrl(v) : v;
    if (typeof v === 'number' && imageUrl) return imageUrl(v);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.url === 'string') return o.url;
      if (o.id !== undefined && imageUrl) return imageUrl(o.id as string | number);
      if (isBinary(o.data)) return o.data;
    }
    return '';
  });
}

/**
 * @param kind event kind when known from the socket event name (`run.metrics` → "metrics")
 * @param raw the message
 * @param extra binary arguments sent after the message (another attachment convention)
 */
export function normalizeEvent(
  kind: string | null,
  raw: unknown,
  extra: unknown[] = [],
  imageUrl?: (ref: string | number) => string,
  defaultRunId?: string,
): RunEvent | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  let k = kind ?? (r.kind as string) ?? (r.type as string) ?? (r.event as string);
  if (typeof k === 'string' && k.startsWith('run.')) k = k.slice(4);
  if (!isEventKind(k)) return null;
  const seq = typeof r.seq === 'number' ? r.seq : typeof r.seq === 'string' && r.seq !== '' ? Number(r.seq) : NaN;
  const runId = r.run_id ?? defaultRunId;
  if (!Number.isFinite(seq) || (typeof runId !== 'string' && typeof runId !== 'number')) return null;
  let payload: Record<string, unknown>;
  if (r.payload && typeof r.payload === 'object' && !Array.isArray(r.payload)) {
    payload = r.payload as Record<string, unknown>;
  } else {
    const { run_id: _r, seq: _s, kind: _k, attachments: _a, images: _i, ...rest } = r;
    payload = rest;
  }
  const base = { run_id: String(runId), seq };
  if (k === 'images') {
    // binary attachments (socket) win over stored image numbers (REST: GET .../images/<n>)
    const att = r.attachments ?? payload.attachments ?? r.images ?? payload.images ?? r.urls ?? payload.urls;
    let attachments = toSources(att, imageUrl);
    if (!attachments.length && extra.length) attachments = toSources(extra, imageUrl);
    const items = Array.isArray(payload.items) ? payload.items : [];
    // items may carry their own url / bytes
    items.forEach((it: Record<string, unknown>, i: number) => {
      const own = it.url ?? it.png ?? it.data;
      if (own !== undefined && attachments[(it.index as number) ?? i] === undefined) {
        attachments[(it.index as number) ?? i] = toSources([own], imageUrl)[0];
      }
    });
    return {
      ...base,
      kind: 'images',
      payload: { step: Number(payload.step ?? 0), items: items as never },
      attachments,
    };
  }
  return { ...base, kind: k, payload } as RunEvent;
}
