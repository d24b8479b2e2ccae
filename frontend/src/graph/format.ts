import type { Shape } from '../types';

export function formatShape(shape: Shape | undefined | null): string {
  if (!shape) return '';
  return `(${shape.map((d) => (d === null ? '?' : String(d))).join(', ')})`;
}

export function formatCount(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function formatValue(v: unknown): string {
  // inside a list (an Input shape), null is an unknown size: '?' as on the edges
  if (Array.isArray(v)) return `[${v.map((x) => (x === null ? '?' : formatValue(x))).join(', ')}]`;
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '–';
  return String(v);
}

/** Server timestamps: epoch seconds (number) or ISO text. */
export function formatTime(t: unknown): string {
  if (typeof t === 'number' && Number.isFinite(t)) return new Date(t * 1000).toLocaleString();
  if (typeof t === 'string') return t;
  return '';
}
