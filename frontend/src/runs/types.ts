// Types of the live protocol (namespace /runs) and of the runs REST API.
// See docs/architecture.md "Event payloads" and shared/DESIGN.md "Live protocol".
import type { Issue } from '../types';

export type { Issue };

export type RunState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export const TERMINAL_STATES: readonly RunState[] = ['completed', 'failed', 'cancelled', 'interrupted'];

export interface StatusPayload {
  state: RunState;
  step?: number;
  epoch?: number;
  total_steps?: number;
  progress?: number;
  reason?: string | null;
  /** multi-worker runs: the worker that sent it (0 = chief) */
  worker?: number;
}

export interface MetricPoint {
  step: number;
  epoch?: number;
  split: 'train' | 'val' | string;
  name: string;
  value: number;
  wall?: number;
  /** multi-worker runs: the worker that measured it (0 = chief) */
  worker?: number;
}

export interface HistogramItem {
  node_id: string;
  tensor: string;
  edges: number[];
  counts: number[];
  sparsity?: number | null;
}

/** Where each channel sits on a filter/feature-map grid picture (akid.train.pictures.grid_layout). */
export interface GridLayout {
  count: number;
  rows: number;
  cols: number;
  cell_w: number;
  cell_h: number;
  pad: number;
}

export interface ImageItem {
  node_id: string;
  kind: 'filters' | 'feature_map' | 'confusion' | string;
  index: number;
  width?: number;
  height?: number;
  grid?: GridLayout;
}

/** Binary image data: ArrayBuffer/typed array from the socket, or a URL (REST history). */
export type ImageSource = ArrayBuffer | ArrayBufferView | string;

export type EventKind = 'status' | 'metrics' | 'histograms' | 'images' | 'log' | 'error';

interface EventBase {
  run_id: string;
  seq: number;
}

export type RunEvent =
  | (EventBase & { kind: 'status'; payload: StatusPayload })
  | (EventBase & { kind: 'metrics'; payload: { points: MetricPoint[] } })
  | (EventBase & { kind: 'histograms'; payload: { step: number; items: HistogramItem[] } })
  | (EventBase & {
      kind: 'images';
      payload: { step: number; items: ImageItem[] };
      attachments: ImageSource[];
    })
  | (EventBase & { kind: 'log'; payload: { level: string; message: string; worker?: number } })
  | (EventBase & { kind: 'error'; payload: { message: string; issues?: Issue[] } });

export interface RunSummary {
  id: string;
  name?: string | null;
  status: RunState | string;
  created?: string | number | null;
  config?: Record<string, unknown>;
  graph?: GraphDoc;
  metrics?: Record<string, number> | null;
  [key: string]: unknown;
}

export interface GraphNode {
  id: string;
  type: string;
  params?: Record<string, unknown>;
  position?: { x: number; y: number };
  [key: string]: unknown;
}

export interface GraphEdge {
  id: string;
  source: string;
  source_port?: string;
  target: string;
  target_port?: string;
  feedback?: boolean;
}

export interface GraphDoc {
  format: string;
  name?: string;
  params?: Record<string, unknown>;
  nodes: GraphNode[];
  edges: GraphEdge[];
  [key: string]: unknown;
}

export interface DatasetSpec {
  name: string;
  description?: string;
  /** Uploaded sets name the source to open them with and its params (with the file path). */
  uploaded?: boolean;
  source?: string;
  params?: Record<string, unknown>;
  params_schema?: Record<string, unknown>;
  available?: boolean;
  reason?: string | null;
  sizes?: Record<string, number> | null;
  /** null when they depend on params (a CSV's columns, a folder's classes). */
  features: Record<string, { shape: number[]; dtype?: string }> | null;
  targets: Record<string, { shape: number[]; dtype?: string; num_classes?: number | null }> | null;
  [key: string]: unknown;
}

export interface DatasetSample {
  index: number;
  png: string | null;
  targets: Record<string, unknown>;
}
