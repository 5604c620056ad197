import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { InputError, ShapeError } from '../core/errors.js';
import { checkKeys, describe, integerAtLeast, numberInRange } from '../core/validate.js';
import { sigmoid } from '../activations.js';
import { softmaxRows } from '../kernels/softmax.js';
import type { Sequential } from '../model/sequential.js';

/** The grid decisionBoundary evaluates: its ranges and resolution. */
export interface DecisionBoundaryArgs {
  /** [min, max] of the first feature (columns of the grid). */
  xRange: readonly [number, number];
  /** [min, max] of the second feature (rows of the grid). */
  yRange: readonly [number, number];
  /** Grid points per axis (≥ 2); default 50. */
  resolution?: number;
}

/** Class probabilities of a 2-input classifier on a regular grid. JSON-serialisable. */
export interface DecisionBoundary {
  /** The first feature's value at each column, from xRange[0] to xRange[1]. */
  xs: number[];
  /** The second feature's value at each row, from yRange[0] to yRange[1]. */
  ys: number[];
  /** [row][col][class]: P(class | (xs[col], ys[row])). One sigmoid output gives [1 − p, p]. */
  probabilities: number[][][];
  /** [row][col]: the most probable class index (ties go to the lower index). */
  classes: number[][];
}

const MAX_RESOLUTION = 2000;

/**
 * Evaluates the model on an n×n grid over a rectangle of its two input features, in inference
 * mode: the picture of a decision boundary (the report and the playground draw it). A single
 * output is read as a sigmoid probability p (classes [1 − p, p]); several outputs as class
 * probabilities. Outputs trained as logits (`fromLogits`) are passed through sigmoid/softmax.
 */
export function decisionBoundary(model: Sequential, args: DecisionBoundaryArgs): DecisionBoundary {
  checkKeys('decisionBoundary', args, ['xRange', 'yRange', 'resolution']);
  const [x0, x1] = range('xRange', args.xRange);
  const [y0, y1] = range('yRange', args.yRange);
  const n = integerAtLeast('decisionBoundary', 'resolution', args.resolution ?? 50, 2);
  if (n > MAX_RESOLUTION) throw new InputError(`decisionBoundary: resolution must be ≤ ${MAX_RESOLUTION}, got ${n}`);
  model.requireBuilt('decisionBoundary');
  if (model.inputUnits !== 2) throw new ShapeError(`decisionBoundary: the model has ${model.inputUnits} input features; a decision boundary grid needs exactly 2`);

  const xs = Array.from({ length: n }, (_, j) => x0 + ((x1 - x0) * j) / (n - 1));
  const ys = Array.from({ length: n }, (_, i) => y0 + ((y1 - y0) * i) / (n - 1));
  const grid = Matrix.zeros(n * n, 2, model.dtype);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      grid.data[(i * n + j) * 2] = xs[j]!;
      grid.data[(i * n + j) * 2 + 1] = ys[i]!;
    }
  }
  const out = model.predictMatrix(grid);
  const k = out.cols;
  const fromLogits = model.loss?.config.fromLogits === true;
  if (fromLogits && k > 1) softmaxRows(out.data, out.data, out.rows, k);
  const probabilities: number[][][] = [];
  const classes: number[][] = [];
  for (let i = 0; i < n; i++) {
    const pRow: number[][] = [];
    const cRow: number[] = [];
    for (let j = 0; j < n; j++) {
      const o = (i * n + j) * k;
      let probs: number[];
      if (k === 1) {
        const p = fromLogits ? sigmoid(out.data[o]!) : out.data[o]!;
        probs = [1 - p, p];
      } else {
        probs = Array.from(out.data.subarray(o, o + k));
      }
      let best = 0;
      for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
      pRow.push(probs);
      cRow.push(best);
    }
    probabilities.push(pRow);
    classes.push(cRow);
  }
  return { xs, ys, probabilities, classes };
}

function range(name: string, r: unknown): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InputError(`decisionBoundary: ${name} must be [min, max] of finite numbers, got ${Array.isArray(r) ? JSON.stringify(r) : describe(r)}`);
  }
  const [lo, hi] = r as [number, number];
  if (!(lo < hi)) throw new InputError(`decisionBoundary: ${name} must have min < max, got [${lo}, ${hi}]`);
  return [lo, hi];
}

/**
 * The grid's ranges from 2-column data: each axis spans the data's [min, max] widened by
 * `margin` × its span on both sides (an axis with no spread gets ±0.5).
 */
export function boundaryRanges(x: MatrixLike, args: { margin?: number } = {}): { xRange: [number, number]; yRange: [number, number] } {
  checkKeys('boundaryRanges', args, ['margin']);
  const margin = numberInRange('boundaryRanges', 'margin', args.margin ?? 0.1, 0, 10, true);
  const X = toMatrix(x, 'boundaryRanges x', 'float64');
  if (X.cols !== 2) throw new ShapeError(`boundaryRanges: x has ${X.cols} features; a decision boundary needs exactly 2`);
  const axis = (c: number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[i * 2 + c]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const pad = hi > lo ? (hi - lo) * margin : 0.5;
    return [lo - pad, hi + pad];
  };
  return { xRange: axis(0), yRange: axis(1) };
}
