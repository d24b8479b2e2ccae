// Turning a drawn / uploaded picture into the model's input tensor, and outputs into a ranking.

/**
 * Area-averages RGBA pixels (w×h) to an [oh, ow, channels] nested list in [0, 1].
 * channels 1: grey (mean of RGB); 3: RGB. invert: ink is dark on light (1 - value).
 */
export function toInputTensor(
  rgba: Uint8ClampedArray | number[],
  w: number,
  h: number,
  oh: number,
  ow: number,
  channels: number,
  invert = false,
): number[][][] {
  const out: number[][][] = [];
  for (let y = 0; y < oh; y++) {
    const row: number[][] = [];
    const y0 = Math.floor((y * h) / oh);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / oh));
    for (let x = 0; x < ow; x++) {
      const x0 = Math.floor((x * w) / ow);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / ow));
      const sum = [0, 0, 0];
      let n = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * w + xx) * 4;
          sum[0] += rgba[i];
          sum[1] += rgba[i + 1];
          sum[2] += rgba[i + 2];
          n++;
        }
      }
      const px = sum.map((s) => {
        const v = s / n / 255;
        return invert ? 1 - v : v;
      });
      row.push(channels === 1 ? [(px[0] + px[1] + px[2]) / 3] : px.slice(0, channels));
    }
    out.push(row);
  }
  return out;
}

/** Reshapes an [h, w, c] image to the Input node's shape when the sizes agree (e.g. [64]). */
export function fitToShape(img: number[][][], shape: readonly number[]): unknown {
  const flat = img.flat(2);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== flat.length) return img;
  if (shape.length === 3 && shape[0] === img.length) return img;
  const build = (dims: readonly number[], offset: number): unknown => {
    if (dims.length === 1) return flat.slice(offset, offset + dims[0]);
    const stride = dims.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({ length: dims[0] }, (_, i) => build(dims.slice(1), offset + i * stride));
  };
  return build(shape, 0);
}

/** Probabilities (softmax applied when the values are not already a distribution), ranked. */
export function toProbabilities(values: readonly number[]): { index: number; p: number }[] {
  const sum = values.reduce((a, b) => a + b, 0);
  const isDist = values.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 1e-3;
  let ps: number[];
  if (isDist) ps = values.slice();
  else {
    const m = Math.max(...values);
    const ex = values.map((v) => Math.exp(v - m));
    const z = ex.reduce((a, b) => a + b, 0);
    ps = ex.map((e) => e / z);
  }
  return ps.map((p, index) => ({ index, p }));
}

/** The first row of an output (outputs may come with a batch dimension). */
export function firstRow(out: unknown): number[] {
  let cur = out;
  while (Array.isArray(cur) && Array.isArray(cur[0])) cur = cur[0];
  return Array.isArray(cur) ? (cur as number[]).map(Number) : [];
}
