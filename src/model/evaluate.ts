import { Matrix } from '../core/matrix.js';
import { tensorToNested } from '../layers/param.js';
import { ShapeError } from '../core/errors.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import type { Logs } from './callback.js';
import type { WeightArray } from '../layers/param.js';
import type { Model } from './types.js';
import { encodeTargets } from './targets.js';
import { withThreads } from './kernelThreads.js';

/** Evaluation, gradients without an update, and batched prediction: the non-training half of train.ts. */

export interface EvaluateArgs {
  batchSize?: number;
  /** Threads large batches are cut over (see FitArgs.threads); default: the model's setting, 'auto'. */
  threads?: number | 'auto';
}

/** What computeGradients gives: the loss and ∂J/∂θ per tensor. */
export interface Gradients {
  loss: number;
  /** ∂J/∂θ per tensor, in getWeights' layout (zeros for non-trainable tensors). */
  grads: WeightArray[];
}

export interface Prepared {
  x: Matrix;
  y: Matrix;
}

/** Validates and encodes (x, y) for the compiled model, checking their lengths agree. */
export function prepareData(model: Model, x: unknown, y: unknown, what: string): Prepared {
  const loss = model.requireCompiled(what);
  const X = model.prepareInput(x, `${what} x`);
  const { y: Y, classes } = encodeTargets(y, loss, model.outputUnits, model.dtype, model.classes);
  if (Y.rows !== X.rows) throw new ShapeError(`${what}: x has ${X.rows} rows but y has ${Y.rows}`);
  if (classes !== undefined) model.session.classes = classes;
  return { x: X, y: Y };
}

/** Loss (with regularisation) and metrics over prepared data, in inference mode. */
export function evaluatePrepared(model: Model, data: Prepared, batchSize: number): Logs {
  const engine = model.backprop();
  const metrics = model.session.createMetrics();
  const n = data.x.rows;
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const xb = rowsView(data.x, start, count);
    const yb = rowsView(data.y, start, count);
    const out = engine.forward(xb, false);
    lossSum += engine.lossValue(yb) * count;
    for (const m of metrics) m.update(out, yb);
  }
  const logs: Logs = { loss: lossSum / n + engine.penalty() };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

function rowsView(m: Matrix, start: number, count: number): Matrix {
  return new Matrix(count, m.cols, m.data.subarray(start * m.cols, (start + count) * m.cols));
}

export function evaluate(model: Model, x: unknown, y: unknown, args: EvaluateArgs): Logs {
  checkKeys('evaluate', args, ['batchSize', 'threads']);
  const batchSize = integerAtLeast('evaluate', 'batchSize', args.batchSize ?? 1024, 1);
  const data = prepareData(model, x, y, 'evaluate');
  return withThreads(model, 'evaluate', args.threads, () => evaluatePrepared(model, data, batchSize));
}

export function computeGradients(model: Model, x: unknown, y: unknown): { loss: number; grads: WeightArray[] } {
  const data = prepareData(model, x, y, 'computeGradients');
  const engine = model.backprop();
  engine.zeroGrads();
  engine.forward(data.x, true);
  const loss = engine.backward(data.y);
  const grads = model.params().map((p) => tensorToNested(p.trainable ? p.grad : new Float64Array(p.size), p.shape));
  return { loss, grads };
}

/**
 * Forward in inference mode in chunks, copied into a fresh matrix. With `checkAs`, X was not
 * checked for non-finite values: each chunk is, as it is staged (an InputError names the row).
 */
export function predictMatrix(model: Model, X: Matrix, batchSize = 1024, threads?: number | 'auto', checkAs?: string): Matrix {
  integerAtLeast('predict', 'batchSize', batchSize, 1);
  if (threads !== undefined) return withThreads(model, 'predict', threads, () => predictMatrix(model, X, batchSize, undefined, checkAs));
  const out = Matrix.zeros(X.rows, model.outputUnits, model.dtype);
  for (let start = 0; start < X.rows; start += batchSize) {
    const count = Math.min(batchSize, X.rows - start);
    let a = model.stage(rowsView(X, start, count), checkAs === undefined ? undefined : { what: checkAs, rowOffset: start });
    for (const layer of model.layers) a = layer.forward(a, false);
    out.data.set(a.data.subarray(0, count * a.cols), start * a.cols);
  }
  return out;
}

