/**
 * What the worker sends the page to draw: every unit's output on a grid over the input space
 * and the decision boundary. Pure (no DOM, no worker globals), so the tests can run it in Node.
 */
import { Matrix, type Sequential } from '../../src/index.js';
import type { Block } from './model.js';
import { decisionBoundary } from './inspectAdapter.js';
import { DEFAULT_FEATURES, effectiveFeatures, expandFeaturesFlat, type FeatureName } from './features.js';

export interface Grid {
  /** The grid's points, in image order (see Snapshot.unitGrids). */
  points: Matrix;
  /** What the network gets at each point: its features (the points themselves for x₁, x₂). */
  inputs: Matrix;
  /** Whether the inputs are the points (x₁, x₂ or x): then the library's decisionBoundary applies. */
  identity: boolean;
  resolution: number;
  xRange: [number, number];
  yRange: [number, number];
  inputDim: 1 | 2;
}

/** resolution² points for 2-D data (row 0 the largest y), or `resolution` values of x for 1-D data; `features` the network's inputs. */
export function makeGrid(inputDim: 1 | 2, xRange: [number, number], yRange: [number, number], resolution: number, features: readonly FeatureName[] = DEFAULT_FEATURES): Grid {
  const at = (r: [number, number], i: number) => r[0] + ((r[1] - r[0]) * i) / (resolution - 1);
  const rows: number[][] = [];
  if (inputDim === 1) for (let j = 0; j < resolution; j++) rows.push([at(xRange, j)]);
  else for (let i = resolution - 1; i >= 0; i--) for (let j = 0; j < resolution; j++) rows.push([at(xRange, j), at(yRange, i)]);
  const points = Matrix.fromArray(rows, 'float32');
  const fs = effectiveFeatures(inputDim, features);
  const identity = inputDim === 1 || (fs.length === 2 && fs[0] === 'x1' && fs[1] === 'x2');
  const inputs = identity ? points : Matrix.fromArray(toRows(expandFeaturesFlat(points.data, points.rows, fs), fs.length), 'float32');
  return { points, inputs, identity, resolution, xRange, yRange, inputDim };
}

function toRows(flat: Float64Array, cols: number): number[][] {
  return Array.from({ length: flat.length / cols }, (_, i) => Array.from(flat.subarray(i * cols, (i + 1) * cols)));
}

/**
 * Each block's output on the grid, [points × units], from the layers' own forward passes in
 * inference mode (dropout off, batch norm on its moving averages), as the model predicts.
 */
export function unitGrids(model: Sequential, blocks: readonly Block[], grid: Grid): Float32Array[] {
  const out: Float32Array[] = [];
  let a = grid.inputs;
  let next = 0;
  model.layers.forEach((layer, i) => {
    a = layer.forward(a, false);
    if (blocks[next]?.end === i) {
      out.push(Float32Array.from(a.data.subarray(0, a.rows * a.cols)));
      next++;
    }
  });
  return out;
}

/**
 * The class probabilities in image order, [res² × classes]: decisionBoundary's when the inputs
 * are the coordinates, else the model's predictions on the grid's features (one sigmoid output
 * read as [1 − p, p], as decisionBoundary reads it).
 */
export function boundaryGrid(model: Sequential, grid: Grid): Float32Array {
  if (!grid.identity) {
    const p = model.predictMatrix(grid.inputs);
    if (p.cols > 1) return Float32Array.from(p.data.subarray(0, p.rows * p.cols));
    const flat = new Float32Array(p.rows * 2);
    for (let i = 0; i < p.rows; i++) {
      flat[2 * i] = 1 - p.data[i]!;
      flat[2 * i + 1] = p.data[i]!;
    }
    return flat;
  }
  const n = grid.resolution;
  const b = decisionBoundary(model, { xRange: grid.xRange, yRange: grid.yRange, resolution: n });
  const k = b.probabilities[0]?.[0]?.length ?? 0;
  const yUp = b.ys[0]! < b.ys[n - 1]!;
  const xRight = b.xs[0]! <= b.xs[n - 1]!;
  const flat = new Float32Array(n * n * k);
  for (let r = 0; r < n; r++) {
    const row = b.probabilities[yUp ? n - 1 - r : r]!;
    for (let c = 0; c < n; c++) flat.set(row[xRight ? c : n - 1 - c]!, (r * n + c) * k);
  }
  return flat;
}
