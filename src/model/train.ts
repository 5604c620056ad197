import { Matrix, allocate } from '../core/matrix.js';
import { DivergenceError, InputError, ShapeError } from '../core/errors.js';
import { checkKeys, describe, integerAtLeast, numberInRange, booleanOption } from '../core/validate.js';
import { now, yieldToEventLoop } from '../core/async.js';
import { Rng } from '../core/rng.js';
import { gatherRows } from '../kernels/elementwise.js';
import { CallbackList, emitWarning, type Callback, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { EpochLogger } from '../callbacks/epochLogger.js';
import type { Metric } from '../metrics/metric.js';
import type { Sequential, WeightArray } from './sequential.js';
import { encodeTargets, type TargetsLike } from './targets.js';
import type { Backprop } from './step.js';

export interface FitArgs {
  /** Passes over the training data; default 1. */
  epochs?: number;
  /** Rows per gradient step; default 32 (capped at the number of rows: full batch). 1 is SGD. */
  batchSize?: number;
  /** Reshuffle the training rows every epoch (seeded); default true. */
  shuffle?: boolean;
  /** Fraction of rows held out for validation, taken from the end before shuffling (as Keras). */
  validationSplit?: number;
  /** Explicit validation set; overrides validationSplit. */
  validationData?: readonly [readonly (ArrayLike<number>)[] | Matrix, TargetsLike];
  callbacks?: readonly Callback[];
  /** 0 silent, 1 a line per epoch (default, as Keras). */
  verbose?: 0 | 1;
  /** Reseeds the shuffling generator for this fit. */
  seed?: number;
  /** Epoch to start counting from (resuming); default 0. */
  initialEpoch?: number;
  /** Stop after this many optimiser steps in total, whatever the epoch. */
  maxIterations?: number;
  /** Yield to the event loop after this much work (ms); default 50. */
  yieldEveryMs?: number;
}

export interface EvaluateArgs {
  batchSize?: number;
}

export interface Gradients {
  loss: number;
  /** ∂J/∂θ per tensor, in getWeights' layout (zeros for non-trainable tensors). */
  grads: WeightArray[];
}

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'callbacks', 'verbose', 'seed', 'initialEpoch', 'maxIterations', 'yieldEveryMs'];

interface Prepared {
  x: Matrix;
  y: Matrix;
}

/** Validates and encodes (x, y) for the compiled model, checking their lengths agree. */
export function prepareData(model: Sequential, x: unknown, y: unknown, what: string): Prepared {
  const loss = model.requireCompiled(what);
  const X = model.prepareInput(x, `${what} x`);
  const { y: Y, classes } = encodeTargets(y, loss, model.outputUnits, model.dtype, model.classes);
  if (Y.rows !== X.rows) throw new ShapeError(`${what}: x has ${X.rows} rows but y has ${Y.rows}`);
  if (classes !== undefined) model.classes = classes;
  return { x: X, y: Y };
}

function parseFitArgs(args: FitArgs) {
  checkKeys('fit', args, FIT_KEYS);
  const epochs = integerAtLeast('fit', 'epochs', args.epochs ?? 1, 1);
  const initialEpoch = integerAtLeast('fit', 'initialEpoch', args.initialEpoch ?? 0, 0);
  if (initialEpoch >= epochs) throw new InputError(`fit: initialEpoch (${initialEpoch}) must be less than epochs (${epochs})`);
  const verbose = args.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1) throw new InputError(`fit: verbose must be 0 or 1, got ${describe(verbose)}`);
  if (args.callbacks !== undefined && !Array.isArray(args.callbacks)) throw new InputError(`fit: callbacks must be an array, got ${describe(args.callbacks)}`);
  return {
    epochs,
    initialEpoch,
    verbose,
    batchSize: integerAtLeast('fit', 'batchSize', args.batchSize ?? 32, 1),
    shuffle: booleanOption('fit', 'shuffle', args.shuffle ?? true),
    validationSplit: numberInRange('fit', 'validationSplit', args.validationSplit ?? 0, 0, 1),
    maxIterations: args.maxIterations === undefined ? Infinity : integerAtLeast('fit', 'maxIterations', args.maxIterations, 1),
    yieldEveryMs: numberInRange('fit', 'yieldEveryMs', args.yieldEveryMs ?? 50, 0, Infinity),
  };
}

/** Splits off the last `fraction` of rows (Keras: before shuffling). */
function splitTail(data: Prepared, fraction: number): [Prepared, Prepared] {
  const n = data.x.rows;
  const nVal = Math.floor(n * fraction);
  const nTrain = n - nVal;
  if (nVal === 0 || nTrain === 0) {
    throw new InputError(`fit: validationSplit ${fraction} of ${n} rows leaves ${nTrain} training and ${nVal} validation rows; need at least 1 of each`);
  }
  const rows = (m: Matrix, from: number, to: number) => new Matrix(to - from, m.cols, m.data.slice(from * m.cols, to * m.cols));
  return [
    { x: rows(data.x, 0, nTrain), y: rows(data.y, 0, nTrain) },
    { x: rows(data.x, nTrain, n), y: rows(data.y, nTrain, n) },
  ];
}

/**
 * One training step on a batch: zero grads, forward, loss, backward, check, update.
 * Throws DivergenceError (weights untouched) when the loss or a gradient is not finite.
 */
function step(model: Sequential, engine: Backprop, x: Matrix, y: Matrix, metrics: readonly Metric[], where: string): number {
  engine.zeroGrads();
  const out = engine.forward(x, true);
  const loss = engine.backward(y);
  if (!Number.isFinite(loss)) {
    const layer = engine.firstNonFiniteLayer(x);
    throw new DivergenceError(`${where}: loss is ${loss}${layer ? ` (non-finite output first in layer ${layer.name})` : ''}; training stopped and the weights are those before this batch. Lower the learning rate.`);
  }
  const bad = engine.firstNonFiniteGradient();
  if (bad) throw new DivergenceError(`${where}: gradient of ${bad.name} is not finite while the loss is ${loss}; update skipped and training stopped`);
  for (const m of metrics) m.update(out, y);
  model.optimizer!.step(engine.params);
  return loss;
}

/** The training loop behind `model.fit`. */
export async function fit(model: Sequential, x: unknown, y: unknown, args: FitArgs): Promise<History> {
  const opts = parseFitArgs(args);
  const all = prepareData(model, x, y, 'fit');
  let train = all;
  let val: Prepared | undefined;
  if (args.validationData !== undefined) {
    if (!Array.isArray(args.validationData) || args.validationData.length !== 2) throw new InputError('fit: validationData must be [x, y]');
    val = prepareData(model, args.validationData[0], args.validationData[1], 'fit validationData');
  } else if (opts.validationSplit > 0) {
    [train, val] = splitTail(all, opts.validationSplit);
  }
  if (args.seed !== undefined) model.shuffleRng.setState(new Rng(integerAtLeast('fit', 'seed', args.seed, 0)).getState());

  const engine = model.backprop();
  const n = train.x.rows;
  const batchSize = Math.min(opts.batchSize, n);
  const bx = new Matrix(batchSize, train.x.cols, allocate(model.dtype, batchSize * train.x.cols));
  const by = new Matrix(batchSize, train.y.cols, allocate(model.dtype, batchSize * train.y.cols));
  const lastSize = n % batchSize;
  const views = new Map<number, [Matrix, Matrix]>([[batchSize, [bx, by]]]);
  if (lastSize > 0) views.set(lastSize, [bx.topRows(lastSize), by.topRows(lastSize)]);
  // A resumed fit (initialEpoch > 0) continues the permutation the earlier epochs left, so that
  // 5 epochs + resume 5 shuffle exactly as 10 straight (RELIABILITY T5); a fresh fit starts at 0..n-1.
  const saved = model.shuffleOrder;
  const order = opts.initialEpoch > 0 && saved !== undefined && saved.length === n ? saved.slice() : Int32Array.from({ length: n }, (_, i) => i);
  model.shuffleOrder = order;

  const history = new History();
  const userCallbacks = args.callbacks ?? [];
  const callbacks = new CallbackList([history, ...(opts.verbose === 1 ? [new EpochLogger(opts.epochs)] : []), ...userCallbacks], model);
  const metrics = model.createMetrics();
  const batchLogs: Logs = {};
  model.stopTraining = false;
  await callbacks.call('onTrainBegin', {});

  let lastYield = now();
  let epochsRun = 0;
  let bestLoss = Infinity;
  let lastImprovement = 0;
  let stepsTaken = 0;
  for (let epoch = opts.initialEpoch; epoch < opts.epochs && !model.stopTraining; epoch++) {
    await callbacks.call('onEpochBegin', epoch, {});
    if (opts.shuffle) model.shuffleRng.shuffle(order);
    for (const m of metrics) m.reset();
    let lossSum = 0;
    let seen = 0;
    const batches = Math.ceil(n / batchSize);
    for (let b = 0; b < batches; b++) {
      const start = b * batchSize;
      const count = Math.min(batchSize, n - start);
      const [xb, yb] = views.get(count)!;
      gatherRows(train.x.data, train.x.cols, order, start, count, xb.data);
      gatherRows(train.y.data, train.y.cols, order, start, count, yb.data);
      if (callbacks.hasBatchHooks) await callbacks.call('onBatchBegin', b, { batch: b, size: count });
      const loss = step(model, engine, xb, yb, metrics, `epoch ${epoch + 1}, batch ${b + 1}`);
      lossSum += loss * count;
      seen += count;
      stepsTaken++;
      if (callbacks.hasBatchHooks) {
        batchLogs.batch = b;
        batchLogs.size = count;
        batchLogs.loss = loss;
        await callbacks.call('onBatchEnd', b, batchLogs);
      }
      if (stepsTaken >= opts.maxIterations) model.stopTraining = true;
      if (model.stopTraining) break;
      if (now() - lastYield >= opts.yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    const logs: Logs = { loss: lossSum / seen };
    for (const m of metrics) logs[m.name] = m.result();
    if (val) {
      const v = evaluatePrepared(model, val, 1024);
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    }
    logs.lr = model.optimizer!.currentLearningRate();
    if (logs.loss! < bestLoss * (1 - 1e-4) - 1e-12) {
      bestLoss = logs.loss!;
      lastImprovement = epoch;
    }
    epochsRun++;
    await callbacks.call('onEpochEnd', epoch, logs);
    await yieldToEventLoop();
    lastYield = now();
  }
  history.iterations = stepsTaken;
  const reachedLimit = !model.stopTraining && epochsRun > 0;
  if (reachedLimit && lastImprovement === opts.epochs - 1 && epochsRun > 1) {
    history.converged = false;
    emitWarning(callbacks, `Maximum epochs (${opts.epochs}) reached and the loss was still falling; training may not have converged.`);
  }
  await callbacks.call('onTrainEnd', {});
  return history;
}

/** Loss (with regularisation) and metrics over prepared data, in inference mode. */
function evaluatePrepared(model: Sequential, data: Prepared, batchSize: number): Logs {
  const engine = model.backprop();
  const metrics = model.createMetrics();
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

export function evaluate(model: Sequential, x: unknown, y: unknown, args: EvaluateArgs): Logs {
  checkKeys('evaluate', args, ['batchSize']);
  const batchSize = integerAtLeast('evaluate', 'batchSize', args.batchSize ?? 1024, 1);
  return evaluatePrepared(model, prepareData(model, x, y, 'evaluate'), batchSize);
}

export async function trainOnBatch(model: Sequential, x: unknown, y: unknown): Promise<Logs> {
  const data = prepareData(model, x, y, 'trainOnBatch');
  const metrics = model.createMetrics();
  const loss = step(model, model.backprop(), data.x, data.y, metrics, 'trainOnBatch');
  const logs: Logs = { loss };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

export function computeGradients(model: Sequential, x: unknown, y: unknown): { loss: number; grads: WeightArray[] } {
  const data = prepareData(model, x, y, 'computeGradients');
  const engine = model.backprop();
  engine.zeroGrads();
  engine.forward(data.x, true);
  const loss = engine.backward(data.y);
  const grads = model.params().map((p) => {
    const g = p.trainable ? p.grad : new Float64Array(p.size);
    if (p.shape.length === 1) return Array.from(g);
    const cols = p.shape[1]!;
    const out: number[][] = [];
    for (let i = 0; i < p.shape[0]!; i++) out.push(Array.from(g.subarray(i * cols, (i + 1) * cols)));
    return out;
  });
  return { loss, grads };
}

/** Forward in inference mode in chunks, copied into a fresh matrix. */
export function predictMatrix(model: Sequential, X: Matrix, batchSize = 1024): Matrix {
  integerAtLeast('predict', 'batchSize', batchSize, 1);
  const out = Matrix.zeros(X.rows, model.outputUnits, model.dtype);
  for (let start = 0; start < X.rows; start += batchSize) {
    const count = Math.min(batchSize, X.rows - start);
    let a = rowsView(X, start, count);
    for (const layer of model.layers) a = layer.forward(a, false);
    out.data.set(a.data.subarray(0, count * a.cols), start * a.cols);
  }
  return out;
}

