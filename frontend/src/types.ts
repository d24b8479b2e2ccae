// Types of the REST API (docs/architecture.md). The graph format itself is generated from
// schema/graph.schema.json into src/generated/graph.ts.
export type { BlockDoc, GraphDoc, GraphEdge, GraphNode, GraphParams, Position } from './generated/graph';

import type { BlockDoc, GraphDoc } from './generated/graph';

export interface PortSpec {
  name: string;
  multi: boolean;
  doc?: string;
}

/** A JSON Schema fragment as pydantic emits it (only the parts the inspector reads). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
}

export interface PortRule {
  param: string;
  /** A count param: ports pattern{0..n-1} (Split's out{i}). */
  pattern?: string;
  /** A param whose value picks fixed ports (LSTM's merge_mode null: fwd, bwd); `otherwise` else. */
  cases?: { value: unknown; ports: string[] }[];
  otherwise?: string[];
}

export interface BlockSpec {
  type: string;
  category: string;
  doc: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  dynamic_outputs: boolean;
  /** Output ports computed from a param (Split: {param: 'num', pattern: 'out{i}'}); read by graph/ports.ts. */
  output_rule?: PortRule | null;
  params_schema: JsonSchema;
  defaults: Record<string, unknown>;
  key_params: string[];
  /** The Keras layer class the block exports to (null: none). */
  keras?: string | null;
  /** Set by the editor for composite blocks (graph.blocks / GET /api/composites). */
  composite?: boolean;
}

export interface Issue {
  code: string;
  message: string;
  node_id?: string | null;
  port?: string | null;
  param?: string | null;
  path?: string | null;
  line?: number | null;
  column?: number | null;
}

export type Shape = (number | null)[];

export interface NodeReport {
  outputs: Record<string, Shape>;
  params: number;
  flops: number;
  /** set on a node that reuses another node's layer: its weights are counted there */
  shares?: string;
}

export interface ValidationReport {
  ok: boolean;
  errors: Issue[];
  shapes: Record<string, Shape>;
  nodes: Record<string, NodeReport>;
  params: number;
  flops: number;
}

export interface Template {
  id: string;
  name: string;
  graph: GraphDoc;
}

export interface SavedGraphSummary {
  id: string | number;
  name: string;
  version?: number;
  updated_at?: string;
  [k: string]: unknown;
}

export interface SavedGraph {
  id: string | number;
  name: string;
  version: number;
  graph: GraphDoc;
}

export interface GraphVersion {
  version: number;
  created_at?: string;
  [k: string]: unknown;
}

export interface Composite {
  name: string;
  graph: BlockDoc;
}

export type ExportTarget = 'python' | 'python-keras' | 'keras-json' | 'metasyntax';
