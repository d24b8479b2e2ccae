// The confusion matrix of each classification output, drawn from the numbers the run sends:
// class names on both axes, axis titles, counts or row-normalised shares in the cells, a colour
// scale, and a normalised / raw toggle. Falls back to the run's picture when it sent no numbers.
import { useState } from 'react';
import { rowNormalise } from './classNames';
import type { LiveImage } from './eventReducer';
import { PngImage } from './PngImage';

type Images = Record<string, LiveImage>;

const shade = (v: number) => `hsl(217, 80%, ${Math.round(97 - v * 62)}%)`;
const ink = (v: number) => (v > 0.55 ? '#fff' : '#0f172a');

function Matrix({
  matrix,
  names,
  node,
  step,
  normalised,
}: {
  matrix: number[][];
  names: string[];
  node: string;
  step: number;
  normalised: boolean;
}) {
  const norm = rowNormalise(matrix);
  const n = matrix.length;
  const cell = n <= 10 ? 34 : n <= 20 ? 22 : 12;
  const showText = n <= 20;
  const total = matrix.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
  const right = matrix.reduce((a, r, i) => a + (r[i] ?? 0), 0);
  return (
    <figure className="runs-cm" data-testid="confusion-table" data-node={node}>
      <figcaption>
        {node}{' '}
        <span className="runs-muted">
          · step {step} · {total} samples · {total ? ((100 * right) / total).toFixed(1) : '0'}% right
        </span>
      </figcaption>
      <div className="runs-cm-body">
        <div className="runs-cm-ytitle" aria-hidden="true">
          true class
        </div>
        <table
          className="runs-cm-grid"
          aria-label={`confusion matrix of ${node}: rows are true classes, columns predicted classes`}
        >
          <thead>
            <tr>
              <th />
              {names.map((c, j) => (
                <th key={j} scope="col" className="runs-cm-col" data-testid="cm-class" title={`predicted ${c}`}>
                  <span>{c}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => (
              <tr key={i}>
                <th scope="row" className="runs-cm-row" title={`true ${names[i]}`}>
                  {names[i]}
                </th>
                {row.map((v, j) => {
                  const share = norm[i][j];
                  return (
                    <td
                      key={j}
                      data-testid="cm-cell"
                      className={i === j ? 'diag' : ''}
                      style={{ background: shade(share), color: ink(share), width: cell, height: cell }}
                      title={`true ${names[i]}, predicted ${names[j]}: ${v} (${(share * 100).toFixed(1)}% of ${names[i]})`}
                    >
                      {showText ? (normalised ? (share ? `${Math.round(share * 100)}` : '') : v || '') : ''}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="runs-cm-xtitle">predicted class</div>
      <div className="runs-cm-scale" role="img" aria-label="colour scale: share of the true class, 0 to 100%">
        <span>0%</span>
        <i style={{ background: `linear-gradient(to right, ${shade(0)}, ${shade(0.5)}, ${shade(1)})` }} />
        <span>100% of the true class</span>
      </div>
    </figure>
  );
}

export function ConfusionMatrix({
  images,
  namesFor,
}: {
  images: Images;
  namesFor: (nodeId: string, n: number) => string[];
}) {
  const [normalised, setNormalised] = useState(true);
  const list = Object.entries(images)
    .filter(([k]) => k.startsWith('confusion/'))
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([, v]) => v);
  if (!list.length) return <p className="runs-muted">The confusion matrix appears after a validation pass.</p>;
  const hasNumbers = list.some((im) => Array.isArray((im.item as { matrix?: unknown }).matrix));
  return (
    <div className="runs-confusion" data-testid="confusion-matrix">
      {hasNumbers && (
        <div className="runs-cm-toggle" role="group" aria-label="Cell values">
          <button
            type="button"
            aria-pressed={normalised}
            className={normalised ? 'active' : ''}
            onClick={() => setNormalised(true)}
            data-testid="cm-normalised"
          >
            % of true class
          </button>
          <button
            type="button"
            aria-pressed={!normalised}
            className={!normalised ? 'active' : ''}
            onClick={() => setNormalised(false)}
            data-testid="cm-raw"
          >
            counts
          </button>
        </div>
      )}
      {list.map((im, i) => {
        const m = (im.item as { matrix?: number[][] }).matrix;
        if (Array.isArray(m) && m.length) {
          return (
            <Matrix
              key={i}
              matrix={m}
              names={namesFor(im.item.node_id, m.length)}
              node={im.item.node_id}
              step={im.step}
              normalised={normalised}
            />
          );
        }
        return (
          <figure key={i} className="runs-imgfig">
            <figcaption>
              {im.item.node_id} <span className="runs-muted">step {im.step}</span>
            </figcaption>
            <PngImage src={im.data} alt={`confusion matrix of ${im.item.node_id}`} className="runs-img" width={240} />
          </figure>
        );
      })}
    </div>
  );
}
