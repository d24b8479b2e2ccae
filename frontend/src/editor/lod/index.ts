// Level-of-detail rendering for big graphs: see levels.ts; composites expanded in place: expand.ts.

export { ExpandedFrame } from './ExpandedFrame';
export {
  collapseAll,
  expandedView,
  expandStore,
  isInnerId,
  setExpanded,
  takeInnerChanges,
  useExpanded,
} from './expand';
export { LodBoxNode } from './LodBoxNode';
export { LodEdgeCanvas } from './LodEdgeCanvas';
export { BOX_ZOOM, type Detail, DetailContext, detailAt, detailSelector } from './levels';
export { prefitViewport } from './prefit';
