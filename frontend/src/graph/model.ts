// The editor's in-memory graph: React Flow nodes/edges whose data mirrors akid.graph/v1.
import type { Edge, Node } from '@xyflow/react';
import type { BlockDoc, GraphDoc } from '../types';

export interface BlockData extends Record<string, unknown> {
  type: string;
  params: Record<string, unknown>;
  label?: string;
  ui?: Record<string, unknown>;
  /** Id of the node whose layer (and weights) this node reuses (docs/graph-format.md, shared layers). */
  shares?: string;
  /** false while a node has no saved position (it is then laid out automatically). */
  placed: boolean;
}

export interface EdgeData extends Record<string, unknown> {
  feedback: boolean;
  ui?: Record<string, unknown>;
}

export type BlockNodeT = Node<BlockData, 'block'>;
export type GraphEdgeT = Edge<EdgeData, 'akid'>;

/** Graph-level fields that are not nodes or edges. */
export interface GraphMeta {
  name: string;
  description?: string;
  params?: GraphDoc['params'];
  blocks?: Record<string, BlockDoc>;
  ui?: Record<string, unknown>;
  /** Sweep structure choices (docs/sweeps.md): optional node ids and repeat groups (`$repeats`). */
  sweep?: SweepStructure;
}

export interface SweepStructure {
  optional?: string[];
  repeats?: { id: string; nodes: string[]; times: { $choice: number[] } }[];
}

export const FORMAT = 'akid.graph/v1' as const;

export function emptyDoc(name = 'untitled'): GraphDoc {
  return { format: FORMAT, name, nodes: [], edges: [] };
}
