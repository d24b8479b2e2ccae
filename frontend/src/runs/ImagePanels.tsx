// Conv filters as image grids (click one to enlarge it) and feature maps of the probe samples for
// the selected node (the confusion matrix is in ConfusionMatrix.tsx). Each image is the newest
// one the run sent for its node/kind/position.

import { useState } from 'react';
import type { LiveImage } from './eventReducer';
import { gridCells } from './gridCells';
import { PngImage } from './PngImage';

type Images = Record<string, LiveImage>;

function byKind(images: Images, kind: string): LiveImage[] {
  return Object.entries(images)
    .filter(([k]) => k.startsWith(`${kind}/`))
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([, v]) => v);
}

function groupByNode(list: LiveImage[]): Map<string, LiveImage[]> {
  const m = new Map<string, LiveImage[]>();
  for (const im of list) {
    const l = m.get(im.item.node_id) ?? [];
    l.push(im);
    m.set(im.item.node_id, l);
  }
  return m;
}

export function nodesWithImages(images: Images, kind: string): string[] {
  return Array.from(groupByNode(byKind(images, kind)).keys());
}

/** A grid picture with each channel's number drawn on its tile (from the grid layout the trainer
 * sends), shown at ``width`` pixels; the numbers are placed in percent so they stay on their tiles
 * when the picture is enlarged. */
function NumberedGrid({ im, alt, width }: { im: LiveImage; alt: string; width: number }) {
  const cells = gridCells(im.item.grid, im.item.width, im.item.height);
  return (
    <span className="runs-grid" style={{ width }} data-testid="channel-grid" data-channels={cells.length}>
      <PngImage
        src={im.data}
        alt={cells.length ? `${alt}: channels 0 to ${cells.length - 1}, left to right, top to bottom` : alt}
        className="runs-img"
        width={width}
      />
      {cells.map((c) => (
        <span
          key={c.channel}
          className="runs-grid-num"
          data-testid="channel-number"
          aria-hidden="true"
          style={{ left: `${c.left}%`, top: `${c.top}%` }}
        >
          {c.channel}
        </span>
      ))}
    </span>
  );
}

export function FiltersGrid({ images, onPick }: { images: Images; onPick: (nodeId: string) => void }) {
  const groups = groupByNode(byKind(images, 'filters'));
  const [zoomed, setZoomed] = useState<string | null>(null); // click a grid to see it larger
  return (
    <div className="runs-filters" data-testid="filters-grid">
      {groups.size === 0 && <p className="runs-muted">No filters yet (conv layers send them every few steps).</p>}
      {Array.from(groups.entries()).map(([node, list]) => (
        <figure key={node} className="runs-imgfig">
          <figcaption>
            <button type="button" className="runs-link" onClick={() => onPick(node)}>
              {node}
            </button>{' '}
            <span className="runs-muted">step {list[0].step}</span>
          </figcaption>
          {list.map((im, i) => (
            <button
              key={i}
              type="button"
              className="runs-zoom"
              data-testid="filters-zoom"
              aria-pressed={zoomed === node}
              aria-label={`${zoomed === node ? 'Shrink' : 'Enlarge'} the filters of ${node}`}
              onClick={() => setZoomed((z) => (z === node ? null : node))}
            >
              <NumberedGrid im={im} alt={`filters of ${node}`} width={zoomed === node ? 480 : 192} />
            </button>
          ))}
        </figure>
      ))}
    </div>
  );
}

export function FeatureMaps({ images, nodeId }: { images: Images; nodeId: string | null }) {
  const all = byKind(images, 'feature_map');
  const nodes = Array.from(groupByNode(all).keys());
  const shown = nodeId && nodes.includes(nodeId) ? nodeId : null;
  const list = shown ? all.filter((im) => im.item.node_id === shown) : [];
  const [zoomed, setZoomed] = useState<number | null>(null); // click a probe's grid to see it larger
  return (
    <div className="runs-fmaps" data-testid="feature-maps" data-node={shown ?? ''}>
      {!shown && (
        <p className="runs-muted">
          {nodeId ? `No feature maps for ${nodeId} yet. ` : ''}
          Click a layer on the graph to see its feature maps
          {nodes.length ? ` (available: ${nodes.join(', ')})` : ''}.
        </p>
      )}
      {list.map((im, i) => (
        <figure key={i} className="runs-imgfig">
          <figcaption>
            {shown} · probe {i} <span className="runs-muted">step {im.step}</span>
          </figcaption>
          <button
            type="button"
            className="runs-zoom"
            data-testid="fmap-zoom"
            aria-pressed={zoomed === i}
            aria-label={`${zoomed === i ? 'Shrink' : 'Enlarge'} the feature maps of ${shown}, probe ${i}`}
            onClick={() => setZoomed((z) => (z === i ? null : i))}
          >
            <NumberedGrid im={im} alt={`feature maps of ${shown}, probe ${i}`} width={zoomed === i ? 480 : 256} />
          </button>
        </figure>
      ))}
    </div>
  );
}
