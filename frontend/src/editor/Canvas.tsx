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
import {
  type DragEvent,
  type MouseEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useStore } from 'zustand';
import { checkConnection } from '../graph/connect';
import type { BlockNodeT, GraphEdgeT } from '../graph/model';
import { editorStore, useEditor } from '../store';
import { withDragPositions } from '../store/dragPositions';
import { BIG_GRAPH, BlockNode, FarContext, farSelector } from './BlockNode';
import { isIncomplete } from './issueKinds';
import { autoLayout, canvasAspect, placeNear } from './layout';
import {
  collapseAll,
  DetailContext,
  detailSelector,
  expandedView,
  expandStore,
  isInnerId,
  LodEdgeCanvas,
  prefitViewport,
  takeInnerChanges,
} from './lod';
import { DRAG_MIME } from './Palette';
import { fitReadable } from './readableFit';
import { ShapeEdge } from './ShapeEdge';
import { SharedLinks } from './SharedLinks';
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
// Changes to the inner blocks/edges of an expanded composite are view state (lod/expand.ts).
const onNodesChange = (ch: Parameters<ReturnType<typeof editorStore.getState>['onNodesChange']>[0]) => {
  const rest = takeInnerChanges(ch);
  if (rest.length) editorStore.getState().onNodesChange(rest);
};
const onEdgesChange = (ch: Parameters<ReturnType<typeof editorStore.getState>['onEdgesChange']>[0]) => {
  const rest = ch.filter((c) => !('id' in c) || !isInnerId(c.id));
  if (rest.length) editorStore.getState().onEdgesChange(rest);
};
const onNodeDragStart = () => editorStore.getState().checkpoint();
const onNodeDragStop = () => editorStore.getState().endDrag();
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
  // A drag's moves live in editorStore.drag until it ends (store/dragPositions.ts).
  const storeNodes = useEditor((s) => s.nodes);
  const dragPos = useStore(editorStore.drag, (s) => s.pos);
  const moved = useMemo(() => withDragPositions(storeNodes, dragPos), [storeNodes, dragPos]);
  const storeEdges = useEditor((s) => s.edges);
  // Composites expanded in place add display-only inner blocks and edges (lod/expand.ts).
  const expanded = useStore(expandStore);
  const graphBlocks = useEditor((s) => s.meta.blocks);
  const library = useEditor((s) => s.library);
  const { nodes, edges } = useMemo(
    () => expandedView(moved, storeEdges, expanded.open, (t) => graphBlocks?.[t] ?? library[t], expanded.measured),
    [moved, storeEdges, expanded, graphBlocks, library],
  );
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
  // Every graph (a load, a composite entered or left) starts with its composites collapsed.
  useEffect(() => collapseAll(), [fitRequest]);
  // A big placed graph is drawn first at (about) its fitted view: before React Flow receives the
  // nodes (its store takes them in a passive effect), so they mount once at that level of detail.
  useLayoutEffect(() => {
    if (!fitRequest) return;
    const s = editorStore.getState();
    const el = wrap.current;
    if (!el || s.nodes.length <= BIG_GRAPH || s.nodes.some((n) => !n.data.placed)) return;
    const vp = prefitViewport(s.nodes, el.clientWidth, el.clientHeight);
    if (vp) void rf.setViewport(vp);
  }, [fitRequest, rf]);
  useEffect(() => {
    if (!layoutRequest && !fitRequest) return;
    let alive = true;
    let raf = 0;
    // React Flow measures only the nodes it renders (onlyRenderVisibleElements): in a big graph
    // most start off-screen and stay unmeasured until the fit, so waiting for all of them cost
    // 30 frames on every load. There, wait only for the rendered ones (a node one box off in the
    // fitted bounds is invisible at that zoom); small graphs still wait for every size.
    const unmeasured = () => {
      const all = rf.getNodes();
      if (all.length <= BIG_GRAPH) return all.some((n) => !n.measured?.width);
      const el = wrap.current;
      return (
        !el?.querySelector('.react-flow__node') || !!el.querySelector('.react-flow__node[style*="visibility: hidden"]')
      );
    };
    const fitWhenMeasured = (frames: number) => {
      if (!alive) return;
      if (frames < 30 && unmeasured()) {
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
            onNodeDragStop={onNodeDragStop}
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
            <SharedLinks />
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
