// Conv filters as image grids, feature maps of the probe samples for the selected node and the
// confusion matrix. Each image is the newest one the run sent for its node/kind/position.
import type { LiveImage } from "./eventReducer";
import { PngImage } from "./PngImage";

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

export function FiltersGrid({ images, onPick }: { images: Images; onPick: (nodeId: string) => void }) {
  const groups = groupByNode(byKind(images, "filters"));
  return (
    <div className="runs-filters" data-testid="filters-grid">
      {groups.size === 0 && <p className="runs-muted">No filters yet (conv layers send them every few steps).</p>}
      {Array.from(groups.entries()).map(([node, list]) => (
        <figure key={node} className="runs-imgfig">
          <figcaption>
            <button type="button" className="runs-link" onClick={() => onPick(node)}>
              {node}
            </button>{" "}
            <span className="runs-muted">step {list[0].step}</span>
          </figcaption>
          {list.map((im, i) => (
            <PngImage key={i} src={im.data} alt={`filters of ${node}`} className="runs-img" width={192} />
          ))}
        </figure>
      ))}
    </div>
  );
}

export function FeatureMaps({ images, nodeId }: { images: Images; nodeId: string | null }) {
  const all = byKind(images, "feature_map");
  const nodes = Array.from(groupByNode(all).keys());
  const shown = nodeId && nodes.includes(nodeId) ? nodeId : null;
  const list = shown ? all.filter((im) => im.item.node_id === shown) : [];
  return (
    <div className="runs-fmaps" data-testid="feature-maps" data-node={shown ?? ""}>
      {!shown && (
        <p className="runs-muted">
          {nodeId ? `No feature maps for ${nodeId} yet. ` : ""}
          Click a layer on the graph to see its feature maps
          {nodes.length ? ` (available: ${nodes.join(", ")})` : ""}.
        </p>
      )}
      {list.map((im, i) => (
        <figure key={i} className="runs-imgfig">
          <figcaption>
            {shown} · probe {i} <span className="runs-muted">step {im.step}</span>
          </figcaption>
          <PngImage src={im.data} alt={`feature maps of ${shown}, probe ${i}`} className="runs-img" width={256} />
        </figure>
      ))}
    </div>
  );
}

export function ConfusionMatrix({ images }: { images: Images }) {
  const list = byKind(images, "confusion");
  if (!list.length) return <p className="runs-muted">The confusion matrix appears after a validation pass.</p>;
  return (
    <div className="runs-confusion" data-testid="confusion-matrix">
      {list.map((im, i) => (
        <figure key={i} className="runs-imgfig">
          <figcaption>
            {im.item.node_id} <span className="runs-muted">step {im.step}</span>
          </figcaption>
          <PngImage src={im.data} alt={`confusion matrix of ${im.item.node_id}`} className="runs-img" width={240} />
        </figure>
      ))}
    </div>
  );
}
