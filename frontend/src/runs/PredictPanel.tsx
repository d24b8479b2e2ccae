// "Try it": draw on a canvas (or upload an image), downsample to the Input's shape, predict
// with the run's latest checkpoint and show the class probabilities.
import { type PointerEvent, useRef, useState } from 'react';
import { firstRow, fitToShape, toInputTensor, toProbabilities } from './predictMath';
import { runsApi } from './runsApi';
import type { GraphDoc } from './types';

const SIZE = 160;

interface Props {
  runId: string;
  graph: GraphDoc | null;
}

function inputBinding(graph: GraphDoc | null): { feature: string; shape: number[] } | null {
  const inp = graph?.nodes.find((n) => n.type === 'Input');
  if (!inp) return null;
  const p = inp.params ?? {};
  return { feature: String(p.feature ?? 'image'), shape: (p.shape as number[]) ?? [8, 8, 1] };
}

/** [h, w, c] of an image-like shape (a flat [n] with a square n is read as [√n, √n, 1]). */
function imageDims(shape: number[]): [number, number, number] {
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [shape[0], shape[1], 1];
  const n = shape.reduce((a, b) => a * b, 1);
  const s = Math.round(Math.sqrt(n));
  return s * s === n ? [s, s, 1] : [1, n, 1];
}

export function PredictPanel({ runId, graph }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [probs, setProbs] = useState<{ output: string; ranked: { index: number; p: number }[] }[]>([]);
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const binding = inputBinding(graph);

  const ctx = () => canvas.current?.getContext('2d') ?? null;
  const clear = () => {
    const c = ctx();
    if (!c) return;
    c.fillStyle = '#000';
    c.fillRect(0, 0, SIZE, SIZE);
    setProbs([]);
  };
  const pos = (e: PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) * SIZE) / r.width, ((e.clientY - r.top) * SIZE) / r.height] as const;
  };
  const down = (e: PointerEvent<HTMLCanvasElement>) => {
    drawing.current = true;
    const c = ctx();
    if (!c) return;
    const [x, y] = pos(e);
    c.strokeStyle = '#fff';
    c.lineWidth = 16;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(x, y);
    c.lineTo(x + 0.1, y + 0.1);
    c.stroke();
  };
  const move = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const c = ctx();
    if (!c) return;
    const [x, y] = pos(e);
    c.lineTo(x, y);
    c.stroke();
  };
  const upload = (file: File) => {
    const img = new Image();
    const url = URL.createObjectURL(file);
    img.onload = () => {
      const c = ctx();
      if (c) {
        c.fillStyle = '#000';
        c.fillRect(0, 0, SIZE, SIZE);
        c.drawImage(img, 0, 0, SIZE, SIZE);
      }
      URL.revokeObjectURL(url);
    };
    img.src = url;
  };
  const predict = async () => {
    const c = ctx();
    if (!c || !binding) return;
    setBusy(true);
    setErr(null);
    try {
      const [h, w, ch] = imageDims(binding.shape);
      const data = c.getImageData(0, 0, SIZE, SIZE).data;
      const tensor = fitToShape(toInputTensor(data, SIZE, SIZE, h, w, ch), binding.shape);
      const res = await runsApi.predict(runId, { [binding.feature]: [tensor] });
      setProbs(
        Object.entries(res.outputs ?? {}).map(([output, v]) => ({
          output,
          ranked: toProbabilities(firstRow(v)),
        })),
      );
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!binding) return <p className="runs-muted">This graph has no Input node to feed.</p>;
  const inputs = graph?.nodes.filter((n) => n.type === 'Input').length ?? 0;
  if (inputs > 1)
    return <p className="runs-muted">“Try it” feeds graphs with a single image input; this one has {inputs} inputs.</p>;
  return (
    <div className="runs-predict" data-testid="predict-panel">
      <div>
        <canvas
          ref={(el) => {
            canvas.current = el;
            if (el && !el.dataset.init) {
              el.dataset.init = '1';
              const c = el.getContext('2d');
              if (c) {
                c.fillStyle = '#000';
                c.fillRect(0, 0, SIZE, SIZE);
              }
            }
          }}
          width={SIZE}
          height={SIZE}
          className="runs-draw"
          data-testid="draw-canvas"
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={() => (drawing.current = false)}
          onPointerLeave={() => (drawing.current = false)}
        />
        <div className="runs-row">
          <button type="button" onClick={clear}>
            Clear
          </button>
          <label className="runs-filebtn">
            Upload image
            <input type="file" accept="image/*" onChange={(e) => e.target.files?.[0] && upload(e.target.files[0])} />
          </label>
          <button type="button" data-testid="predict" disabled={busy} onClick={predict}>
            Predict
          </button>
        </div>
        <p className="runs-muted">
          Fed to <code>{binding.feature}</code> as {binding.shape.join('×')}.
        </p>
      </div>
      <div className="runs-probs" data-testid="predictions">
        {err && <p className="runs-error">{err}</p>}
        {probs.map(({ output, ranked }) => {
          const best = ranked.reduce((a, b) => (b.p > a.p ? b : a), ranked[0]);
          return (
            <div key={output}>
              <h4>
                {output}: <span data-testid="predicted-class">{best?.index}</span>
              </h4>
              {ranked.map((r) => (
                <div key={r.index} className="runs-prob">
                  <span className="runs-prob-label">{r.index}</span>
                  <span className="runs-prob-bar" style={{ width: `${(r.p * 100).toFixed(1)}%` }} />
                  <span className="runs-num">{(r.p * 100).toFixed(1)}%</span>
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
