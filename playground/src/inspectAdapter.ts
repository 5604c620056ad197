/**
 * The one place that knows where `explain` and `decisionBoundary` come from.
 *
 * The "seeing inside" issue adds both to the library (src/inspect/) with the contract below.
 * Until they are exported from src/index.ts this module uses the local fallbacks underneath,
 * which compute the same numbers with the library's public API (a float64 copy of the model,
 * its layers' forward passes and computeGradients). When the library exports them, they are
 * used automatically; the lead can then delete the fallbacks and keep the re-exports.
 */
import * as library from '../../src/index.js';
import {
  Dense, Matrix, UnsupportedError, sequentialFromConfig, toMatrix,
  type Sequential, type SequentialConfig, type FloatArray,
} from '../../src/index.js';

export interface ExplainLayer {
  name: string;
  className: string;
  activation: string;
  /** The layer's input a(l−1), [m, in]. */
  input: number[][];
  /** z = a(l−1)·W + b, [m, units]. */
  z: number[][];
  /** a = g(z), [m, units]. */
  a: number[][];
  /** ∂E/∂a, [m, units]. */
  dA: number[][];
  /** g'(z) element-wise, or null where g is not element-wise (softmax). */
  gPrime: number[][] | null;
  /** δ = ∂E/∂z, [m, units]. */
  delta: number[][];
  kernel: number[][];
  bias: number[] | null;
  /** ∂E/∂W = a(l−1)ᵀ·δ (+ the regulariser's gradient), [in, units]. */
  dKernel: number[][];
  dBias: number[] | null;
  /** W − η·∂E/∂W: one plain gradient-descent step, as the notes write it. */
  kernelAfter: number[][];
  biasAfter: number[] | null;
}

export interface Explanation {
  lossName: string;
  loss: number;
  learningRate: number;
  x: number[][];
  target: number[][];
  output: number[][];
  layers: ExplainLayer[];
}

export interface ExplainArgs {
  learningRate: number;
}

export interface BoundaryArgs {
  xRange: [number, number];
  yRange: [number, number];
  resolution: number;
}

export interface DecisionBoundary {
  xs: number[];
  ys: number[];
  /** probabilities[i][j]: the class probabilities at (xs[j], ys[i]). */
  probabilities: number[][][];
  /** classes[i][j]: the most probable class at (xs[j], ys[i]). */
  classes: number[][];
}

type ExplainFn = (model: Sequential, x: number[][], y: number[][], args: ExplainArgs) => Explanation;
type BoundaryFn = (model: Sequential, args: BoundaryArgs) => DecisionBoundary;

const fromLibrary = library as unknown as { explain?: ExplainFn; decisionBoundary?: BoundaryFn };

/** Where the numbers come from, shown on the page next to the explanation. */
export const explainSource: 'library' | 'playground fallback' = typeof fromLibrary.explain === 'function' ? 'library' : 'playground fallback';

/** One training step of `model` on (x, y) laid out per layer; see Explanation. */
export function explain(model: Sequential, x: number[][], y: number[][], args: ExplainArgs): Explanation {
  return (fromLibrary.explain ?? fallbackExplain)(model, x, y, args);
}

/** Class probabilities on a resolution × resolution grid over the two input features. */
export function decisionBoundary(model: Sequential, args: BoundaryArgs): DecisionBoundary {
  return (fromLibrary.decisionBoundary ?? fallbackDecisionBoundary)(model, args);
}

// ---------------------------------------------------------------------------------------------
// Fallbacks (delete once src/inspect/ has landed).

const nested = (data: FloatArray, rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));

const matrixOf = (rows: number[][]): Matrix => Matrix.fromArray(rows, 'float64');

/** dA·Wᵀ for dA [m, units] and W [in, units]: ∂E/∂a of the layer below. */
function timesTransposed(dA: number[][], w: number[][]): number[][] {
  return dA.map((row) => w.map((wRow) => wRow.reduce((s, wij, j) => s + wij * row[j]!, 0)));
}

export function fallbackExplain(model: Sequential, x: number[][], y: number[][], args: ExplainArgs): Explanation {
  const loss = model.requireCompiled('explain');
  model.requireBuilt('explain');
  const lr = args.learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new library.InputError(`explain: learningRate must be a finite number > 0, got ${String(lr)}`);
  for (const layer of model.layers) {
    if (!(layer instanceof Dense)) {
      throw new UnsupportedError(`explain (playground fallback) follows Dense layers only; ${layer.name} is ${layer.className}. Turn off dropout and batch norm to explain a step.`);
    }
  }
  // A float64 copy, so the numbers are the notes' numbers and the model itself is untouched.
  const config: SequentialConfig = { ...model.getConfig(), dtype: 'float64' };
  const copy = sequentialFromConfig(config);
  copy.setWeights(model.getWeights());
  copy.compile({ optimizer: 'sgd', loss });
  const X = toMatrix(x, 'explain x', 'float64');
  const Y = toMatrix(y, 'explain y', 'float64');
  const { loss: lossValue, grads } = copy.computeGradients(X, Y);

  const dense = copy.layers as Dense[];
  const m = X.rows;
  const records: { input: number[][]; z: number[][]; a: number[][] }[] = [];
  let a = X;
  for (const layer of dense) {
    const input = nested(a.data, m, a.cols);
    const out = layer.forward(a, true);
    const z = layer.lastPreactivation();
    records.push({ input, z: nested(z.data, m, z.cols), a: nested(out.data, m, out.cols) });
    a = out.clone('float64');
  }

  // Backward by hand, so each chain-rule factor can be shown: δ = ∂E/∂a ⊙ g'(z), ∂E/∂a(l−1) = δ·Wᵀ.
  const L = dense.length;
  const last = dense[L - 1]!;
  const outM = matrixOf(records[L - 1]!.a);
  const dOut = Matrix.zeros(m, last.units, 'float64');
  loss.gradient(outM, Y, dOut);
  let dA = nested(dOut.data, m, last.units);
  const weights = model.getWeights();
  const layersOut: ExplainLayer[] = [];
  let p = weights.length;
  for (let l = L - 1; l >= 0; l--) {
    const layer = dense[l]!;
    const rec = records[l]!;
    const act = layer.activation;
    const hasBias = layer.useBias;
    const kIndex = p - (hasBias ? 2 : 1);
    p = kIndex;
    const kernel = weights[kIndex] as number[][];
    const bias = hasBias ? (weights[kIndex + 1] as number[]) : null;
    const dKernel = grads[kIndex] as number[][];
    const dBias = hasBias ? (grads[kIndex + 1] as number[]) : null;
    const zM = matrixOf(rec.z);
    const aM = matrixOf(rec.a);
    const dAM = matrixOf(dA);
    const deltaM = Matrix.zeros(m, layer.units, 'float64');
    let gPrime: number[][] | null = null;
    if (act.name !== 'softmax') {
      const ones = Matrix.fromArray(rec.z.map((r) => r.map(() => 1)), 'float64');
      const gp = Matrix.zeros(m, layer.units, 'float64');
      act.backward(zM.data, aM.data, ones.data, gp.data, m, layer.units);
      gPrime = nested(gp.data, m, layer.units);
    }
    const fused = l === L - 1 && loss.fusedGradient(act.name, aM, Y, deltaM);
    // Fused sigmoid+BCE / softmax+CE: δ = (ŷ − y)/m exactly, as the library trains with.
    if (!fused) act.backward(zM.data, aM.data, dAM.data, deltaM.data, m, layer.units);
    const delta = nested(deltaM.data, m, layer.units);
    layersOut.unshift({
      name: layer.name,
      className: layer.className,
      activation: act.name,
      input: rec.input,
      z: rec.z,
      a: rec.a,
      dA,
      gPrime,
      delta,
      kernel,
      bias,
      dKernel,
      dBias,
      kernelAfter: kernel.map((row, i) => row.map((w, j) => w - lr * dKernel[i]![j]!)),
      biasAfter: bias && dBias ? bias.map((b, j) => b - lr * dBias[j]!) : null,
    });
    dA = timesTransposed(delta, kernel);
  }
  return {
    lossName: loss.name,
    loss: lossValue,
    learningRate: lr,
    x: nested(X.data, m, X.cols),
    target: nested(Y.data, Y.rows, Y.cols),
    output: records[L - 1]!.a,
    layers: layersOut,
  };
}

export function fallbackDecisionBoundary(model: Sequential, args: BoundaryArgs): DecisionBoundary {
  const n = args.resolution;
  if (!Number.isInteger(n) || n < 2) throw new library.InputError(`decisionBoundary: resolution must be an integer ≥ 2, got ${String(n)}`);
  const at = (r: [number, number], i: number) => r[0] + ((r[1] - r[0]) * i) / (n - 1);
  const xs = Array.from({ length: n }, (_, i) => at(args.xRange, i));
  const ys = Array.from({ length: n }, (_, i) => at(args.yRange, i));
  const grid: number[][] = [];
  for (const yv of ys) for (const xv of xs) grid.push([xv, yv]);
  const out = model.predictMatrix(grid);
  const k = out.cols;
  const probabilities: number[][][] = [];
  const classes: number[][] = [];
  for (let i = 0; i < n; i++) {
    const pRow: number[][] = [];
    const cRow: number[] = [];
    for (let j = 0; j < n; j++) {
      const o = (i * n + j) * k;
      const p = k === 1 ? [1 - out.data[o]!, out.data[o]!] : Array.from(out.data.subarray(o, o + k));
      let best = 0;
      for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
      pRow.push(p);
      cRow.push(best);
    }
    probabilities.push(pRow);
    classes.push(cRow);
  }
  return { xs, ys, probabilities, classes };
}
