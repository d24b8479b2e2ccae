// Fitting a long left-to-right chain into a small canvas would shrink its blocks past reading.
// A small graph is fitted at no less than READABLE_ZOOM; when it is then wider than the canvas,
// the view starts at its left end (the Inputs) and the rest is a pan away. The layout avoids that
// for graphs of typical size by cutting a too-wide graph into rows (wrapRows.ts).
import type { Edge, Node, ReactFlowInstance } from '@xyflow/react';

/** The zoom a typical graph is laid out for (wrapRows.ts), and shown at when it cannot fit. */
export const READABLE_ZOOM = 0.5;
/** A graph is fitted whole down to this zoom: a 13 px block title is still about 6 px tall. */
export const LEGIBLE_ZOOM = 0.45;
export const MAX_FIT_ZOOM = 1.2;
const SMALL_GRAPH = 60;

export function fitReadable<N extends Node, E extends Edge>(
  rf: ReactFlowInstance<N, E>,
  opts: { duration?: number; maxZoom?: number } = {},
): void {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const nodes = rf.getNodes();
  if (nodes.length > SMALL_GRAPH || !nodes.length) {
    void rf.fitView({ padding: 0.15, maxZoom: opts.maxZoom ?? MAX_FIT_ZOOM, duration: opts.duration ?? 0 });
    return;
  }
  const el = document.querySelector('.canvas') as HTMLElement | null;
  const w = el?.clientWidth ?? 800,
    h = el?.clientHeight ?? 600;
  const b = rf.getNodesBounds(nodes);
  const pad = 0.15;
  const fitZoom = Math.min(
    (w * (1 - pad)) / Math.max(b.width, 1),
    (h * (1 - pad)) / Math.max(b.height, 1),
    opts.maxZoom ?? MAX_FIT_ZOOM,
  );
  if (fitZoom >= LEGIBLE_ZOOM) {
    void rf.fitView({ padding: pad, maxZoom: opts.maxZoom ?? MAX_FIT_ZOOM, duration: opts.duration ?? 0 });
    return;
  }
  const zoom = READABLE_ZOOM;
  const x = 40 - b.x * zoom;
  const y = h / 2 - (b.y + b.height / 2) * zoom;
  void rf.setViewport({ x, y, zoom }, { duration: opts.duration ?? 0 });
}
