// Level-of-detail rendering for big graphs: see levels.ts.

export { LodBoxNode } from './LodBoxNode';
export { LodEdgeCanvas } from './LodEdgeCanvas';
export { BOX_ZOOM, type Detail, DetailContext, detailAt, detailSelector } from './levels';
