// zustand store of the sweeps: the list, the open one (with its trials, kept live by
// sweep.update on the /runs socket), and requests that switch the app's view.

import { io, type Socket } from 'socket.io-client';
import { create } from 'zustand';
import { type SweepSummary, sweepsApi } from './sweepsApi';

export interface SweepsState {
  sweeps: Record<string, SweepSummary>;
  order: string[];
  selected: string | null;
  /** Set by openSweep(): the app switches to the Sweeps view. */
  openRequest: { id: string; at: number } | null;
  /** Set by openInEditor(): the app switches to the editor. */
  editorRequest: number | null;
  setList: (list: SweepSummary[]) => void;
  upsert: (s: SweepSummary) => void;
  select: (id: string | null) => void;
  openSweep: (id: string) => void;
  requestEditor: () => void;
}

export const useSweepsStore = create<SweepsState>((set) => ({
  sweeps: {},
  order: [],
  selected: null,
  openRequest: null,
  editorRequest: null,
  setList: (list) =>
    set((st) => {
      const sweeps = { ...st.sweeps };
      for (const s of list) sweeps[s.id] = { ...sweeps[s.id], ...s, trials: s.trials ?? sweeps[s.id]?.trials };
      return { sweeps, order: list.map((s) => s.id) };
    }),
  upsert: (s) =>
    set((st) => ({
      sweeps: { ...st.sweeps, [s.id]: { ...st.sweeps[s.id], ...s } },
      order: st.order.includes(s.id) ? st.order : [s.id, ...st.order],
    })),
  select: (id) => set({ selected: id }),
  openSweep: (id) => set({ openRequest: { id, at: Date.now() }, selected: id }),
  requestEditor: () => set({ editorRequest: Date.now() }),
}));

let socket: Socket | null = null;
const subscribed = new Set<string>();

function ensureSocket(): Socket {
  if (socket) return socket;
  socket = io('/runs', { transports: ['websocket', 'polling'], reconnectionDelayMax: 3000, forceNew: true });
  socket.on('sweep.update', (s: SweepSummary) => useSweepsStore.getState().upsert(s));
  socket.on('connect', () => {
    for (const id of subscribed) emitSubscribe(id);
  });
  return socket;
}

function emitSubscribe(id: string) {
  socket?.emit('sweep.subscribe', { sweep_id: id }, (ack: { ok: boolean; sweep?: SweepSummary }) => {
    if (ack?.ok && ack.sweep) useSweepsStore.getState().upsert(ack.sweep);
  });
}

/** Load a sweep (with its trials) and follow it live until unsubscribed. */
export function followSweep(id: string): () => void {
  void sweepsApi.get(id).then((s) => useSweepsStore.getState().upsert(s));
  const s = ensureSocket();
  subscribed.add(id);
  if (s.connected) emitSubscribe(id);
  return () => {
    subscribed.delete(id);
    socket?.emit('sweep.unsubscribe', { sweep_id: id });
  };
}

export async function refreshSweeps() {
  useSweepsStore.getState().setList(await sweepsApi.list());
}
