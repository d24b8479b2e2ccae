// Level-of-detail rendering for big graphs: see levels.ts.
export { BOX_ZOOM, DetailContext, detailAt, detailSelector, type Detail } from './levels';
export { LodBoxNode } from './LodBoxNode';
export { LodEdgeCanvas } from './LodEdgeCanvas';
