// The React Flow canvas: drop target for the palette, wiring with instant validation,
// feedback edges for cycles, double-click to search-and-insert or open a composite.
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type IsValidConnection,
  MiniMap,
  type NodeMouseHandler,
  Panel,
  ReactFlow,
  useStore as useFlowStore,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, type MouseEvent, useCallback, useEffect, useRef, useState } from 'react';
import { checkConnection } from '../graph/connect';
import type { BlockNodeT, GraphEdgeT } from '../graph/model';
import { editorStore, useEditor } from '../store';
import { BlockNode, FarContext, farSelector } from './BlockNode';
import { isIncomplete } from './issueKinds';
import { autoLayout, canvasAspect, placeNear } from './layout';
import { DetailContext, detailSelector, LodEdgeCanvas } from './lod';
import { DRAG_MIME } from './Palette';
import { fitReadable } from './readableFit';
import { ShapeEdge } from './ShapeEdge';
import { wrapPlaced } from './wrapRows';

// Module-level so React Flow never sees new objects (re-creating them remounts every node).
const nodeTypes = { block: BlockNode };
const edgeTypes = { akid: ShapeEdge };
// While an edge's end is dragged to another port, the edge itself does not count against it.
let reconnecting: string | null = null;
const isValidConnection: IsValidConnection<GraphEdgeT> = (c: Connection | Edge) => {
  const s = editorStore.getState();
  if (!reconnecting) return s.canConnect(c).ok;
  const id = reconnecting;
  return checkConnection(
    c,
    (n) => s.portsOf(n),
    s.edges.filter((e) => e.id !== id),
  ).ok;
};
const onReconnectStart = (_e: unknown, edge: GraphEdgeT) => {
  reconnecting = edge.id;
};
const onReconnectEnd = () => {
  reconnecting = null;
};
const onReconnect = (old: GraphEdgeT, c: Connection) => {
  const v = editorStore.getState().reconnect(old.id, c);
  if (!v.ok) editorStore.getState().notify(v.reason, 'error');
};
const onConnect = (c: Connection) => {
  const v = editorStore.getState().connect(c);
  if (!v.ok) editorStore.getState().notify(v.reason, 'error');
};
const onNodesChange = (ch: Parameters<ReturnType<typeof editorStore.getState>['onNodesChange']>[0]) =>
  editorStore.getState().onNodesChange(ch);
const onEdgesChange = (ch: Parameters<ReturnType<typeof editorStore.getState>['onEdgesChange']>[0]) =>
  editorStore.getState().onEdgesChange(ch);
const onNodeDragStart = () => editorStore.getState().checkpoint();
const DEFAULT_VIEWPORT = { x: 0, y: 0, zoom: 1 };
const NO_EDGES: GraphEdgeT[] = [];
const MAP_KEY = 'akid.editor.minimap';
const miniMapColor = (n: BlockNodeT) =>
  editorStore.getState().report?.nodeIssues[n.id]?.some((i) => !isIncomplete(i)) ? '#e5484d' : '#8a9bb5';

export function Canvas({
  onQuickInsert,
}: {
  onQuickInsert: (at: { x: number; y: number; screenX: number; screenY: number }) => void;
}) {
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const layoutRequest = useEditor((s) => s.layoutRequest);
  const fitRequest = useEditor((s) => s.fitRequest);
  const rf = useReactFlow<BlockNodeT, GraphEdgeT>();
  const far = useFlowStore(farSelector);
  const detail = useFlowStore(detailSelector);
  const wrap = useRef<HTMLDivElement>(null);
  // The minimap is collapsed by default so that it never covers blocks; the choice is kept.
  const [showMap, setShowMap] = useState(() => localStorage.getItem(MAP_KEY) === '1');
  const toggleMap = useCallback(
    () =>
      setShowMap((v) => {
        localStorage.setItem(MAP_KEY, v ? '0' : '1');
        return !v;
      }),
    [],
  );

  // After a load: lay out nodes without positions, then fit the view once React Flow has
  // measured the nodes; `viewSettled` tells tests and benchmarks when the view is final.
  useEffect(() => {
    if (!layoutRequest && !fitRequest) return;
    let alive = true;
    let raf = 0;
    const fitWhenMeasured = (frames: number) => {
      if (!alive) return;
      if (frames < 30 && rf.getNodes().some((n) => !n.measured?.width)) {
        raf = requestAnimationFrame(() => fitWhenMeasured(frames + 1));
        return;
      }
      fitReadable(rf);
      raf = requestAnimationFrame(() => alive && editorStore.setState({ viewSettled: true }));
    };
    const s = editorStore.getState();
    const unplaced = s.nodes.filter((n) => !n.data.placed);
    if (unplaced.length === 0) {
      const wrapped = wrapPlaced(s.nodes, s.edges); // too wide to read whole here: rows (wrapRows.ts)
      if (wrapped) s.setPositions(wrapped, false);
      fitWhenMeasured(0);
    } else if (unplaced.length < s.nodes.length) {
      s.setPositions(placeNear(s.nodes, s.edges), false);
      fitWhenMeasured(0);
    } else {
      autoLayout(s.nodes, s.edges, (id) => s.portsOf(id), canvasAspect()).then((pos) => {
        if (!alive) return;
        editorStore.getState().setPositions(pos, false);
        raf = requestAnimationFrame(() => fitWhenMeasured(0));
      });
    }
    return () => {
      alive = false;
      cancelAnimationFrame(raf);
    };
  }, [layoutRequest, fitRequest, rf]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(DRAG_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (!type) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      editorStore.getState().addNode(type, { x: p.x - 80, y: p.y - 30 });
    },
    [rf],
  );
  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      const el = e.target as HTMLElement;
      // Only the empty pane: nodes, edges and controls live inside it too.
      if (
        !el.closest('.react-flow__pane') ||
        el.closest(
          '.react-flow__node, .react-flow__edge, .react-flow__panel, .react-flow__minimap, .react-flow__controls',
        )
      )
        return;
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      onQuickInsert({ ...p, screenX: e.clientX, screenY: e.clientY });
    },
    [rf, onQuickInsert],
  );
  const onNodeDoubleClick: NodeMouseHandler<BlockNodeT> = useCallback(
    (_e, node) => {
      editorStore.getState().openComposite(node.id);
    },
    [rf],
  );

  return (
    <div
      className="canvas"
      ref={wrap}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onDoubleClick={onDoubleClick}
      data-testid="canvas"
    >
      <FarContext.Provider value={far}>
        <DetailContext.Provider value={detail}>
          <ReactFlow<BlockNodeT, GraphEdgeT>
            nodes={nodes}
            edges={detail === 'box' ? NO_EDGES : edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            isValidConnection={isValidConnection}
            onReconnect={onReconnect}
            onReconnectStart={onReconnectStart}
            onReconnectEnd={onReconnectEnd}
            onNodeDragStart={onNodeDragStart}
            onNodeDoubleClick={onNodeDoubleClick}
            zoomOnDoubleClick={false}
            deleteKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={['Meta', 'Control']}
            onlyRenderVisibleElements
            minZoom={0.05}
            maxZoom={2.5}
            defaultViewport={DEFAULT_VIEWPORT}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} size={1} />
            {detail === 'box' && <LodEdgeCanvas nodes={nodes} edges={edges} />}
            {detail !== 'box' && showMap && <MiniMap pannable zoomable nodeColor={miniMapColor} ariaLabel="Minimap" />}
            <Panel position="bottom-right" className="map-toggle-panel">
              <button
                className="map-toggle"
                onClick={toggleMap}
                aria-pressed={showMap}
                data-testid="minimap-toggle"
                title={showMap ? 'Hide the minimap' : 'Show the minimap'}
              >
                {showMap ? 'Hide map' : 'Map'}
              </button>
            </Panel>
            <Controls showInteractive={false} />
          </ReactFlow>
        </DetailContext.Provider>
      </FarContext.Provider>
    </div>
  );
}
