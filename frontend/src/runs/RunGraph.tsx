// The run's graph, read-only, with live statistics on each node; clicking a node selects it
// (feature maps, histograms) — the same selection the editor canvas sets.

import { Background, type Edge, Handle, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import { memo, useMemo } from 'react';
import '@xyflow/react/dist/style.css';
import { LiveNodeStats } from './LiveNodeStats';
import { useRunsStore } from './runsStore';
import type { GraphDoc } from './types';

type RunNodeData = { label: string; type: string; selected: boolean };
type RunNodeT = Node<RunNodeData, 'run'>;

const RunNode = memo(function RunNode({ id, data }: NodeProps<RunNodeT>) {
  return (
    <div className={`runs-gnode${data.selected ? ' runs-gnode-selected' : ''}`} data-testid={`run-node-${id}`}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="runs-gnode-type">{data.type}</div>
      <div className="runs-gnode-id">{id}</div>
      <LiveNodeStats nodeId={id} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { run: RunNode };

/**
 * Layered top to bottom: a node's row is its depth (longest path from an input, feedback edges
 * ignored), nodes of one depth side by side. Every forward edge runs downwards — no edge
 * doubles back across the panel — and a long chain stays readable in a narrow panel.
 */
export function layerLayout(doc: GraphDoc): Record<string, { x: number; y: number }> {
  const depth: Record<string, number> = {};
  doc.nodes.forEach((n) => (depth[n.id] = 0));
  const edges = doc.edges.filter((e) => !e.feedback);
  for (let i = 0; i < doc.nodes.length; i++) {
    let changed = false;
    for (const e of edges) {
      if (depth[e.source] !== undefined && depth[e.target] !== undefined && depth[e.target] < depth[e.source] + 1) {
        depth[e.target] = depth[e.source] + 1;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, string[]>();
  doc.nodes.forEach((n) => (rows.get(depth[n.id]) ?? rows.set(depth[n.id], []).get(depth[n.id])!).push(n.id));
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length));
  const pos: Record<string, { x: number; y: number }> = {};
  for (const [d, ids] of rows) {
    const offset = ((widest - ids.length) * 150) / 2; // centre narrower rows
    ids.forEach((id, k) => (pos[id] = { x: offset + k * 150, y: d * 72 }));
  }
  return pos;
}

export function RunGraph({ graph }: { graph: GraphDoc }) {
  const selected = useRunsStore((s) => s.selectedNodeId);
  const setSelected = useRunsStore((s) => s.setSelectedNode);
  const { nodes, edges } = useMemo(() => {
    const pos = layerLayout(graph);
    const nodes: RunNodeT[] = graph.nodes.map((n) => ({
      id: n.id,
      type: 'run',
      position: pos[n.id] ?? { x: 0, y: 0 },
      data: { label: n.id, type: n.type, selected: n.id === selected },
      draggable: false,
      connectable: false,
    }));
    const edges: Edge[] = graph.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      animated: !!e.feedback,
      ...(e.feedback ? { label: '↺', type: 'smoothstep' } : {}),
    }));
    return { nodes, edges };
  }, [graph, selected]);
  return (
    <div className="runs-graph" data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.25 }}
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={(_, n) => setSelected(n.id)}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
      </ReactFlow>
    </div>
  );
}
