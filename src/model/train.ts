import { Matrix, allocate } from '../core/matrix.js';
import { DivergenceError, InputError, UnsupportedError } from '../core/errors.js';
import { checkKeys, describe, integerAtLeast, numberInRange, booleanOption } from '../core/validate.js';
import { now, yieldToEventLoop } from '../core/async.js';
import { Rng, checkSeed } from '../core/rng.js';
import { CallbackList, emitWarning, type Callback, type Logs } from './callback.js';
import { History } from './history.js';
import { EpochLogger } from './epochLogger.js';
import type { Metric } from '../metrics/metric.js';
import type { Sequential } from './sequential.js';
import type { TargetsLike } from './targets.js';
import type { Backprop, StepRecorder } from './step.js';
import { evaluatePrepared, prepareData, type Prepared } from './evaluate.js';
import { threadSetting } from './kernelThreads.js';
import { EpochSnapshot } from './epochSnapshot.js';
import { WeightGuard, describeDivergence, explodingLoss, firstNonFiniteGradient, type Failure } from './divergence.js';

export { prepareData, evaluate, computeGradients, predictMatrix, type EvaluateArgs, type Gradients } from './evaluate.js';

/** Options of fit, with Keras' names and defaults. */
export interface FitArgs {
  /** Passes over the training data; default 1. */
  epochs?: number;
  /** Rows per gradient step; default 32 (capped at the number of rows: full batch). 1 is SGD. */
  batchSize?: number;
  /** Reshuffle the training rows every epoch (seeded); default true. */
  shuffle?: boolean;
  /** Fraction of rows held out for validation, taken from the end before shuffling (as Keras). */
  validationSplit?: number;
  /**
   * With validationSplit on a classifier: hold out the last fraction of each class's rows, so a
   * file sorted by class still validates on every class. Default false (Keras' plain tail, with a
   * warning when it holds a single class).
   */
  stratify?: boolean;
  /** Weight of each class's rows in the loss, by class index (Keras' class_weight), e.g. { 0: 1, 1: 5 }. */
  classWeight?: Readonly<Record<number, number>>;
  /** Weight of each row in the loss (one per row of x; Keras' sample_weight). Multiplies classWeight. */
  sampleWeight?: ArrayLike<number>;
  /** Explicit validation set; overrides validationSplit. */
  validationData?: readonly [readonly (ArrayLike<number>)[] | Matrix, TargetsLike];
  /** Hooks (`callbacks.earlyStopping(...)`, ...); a History is always recorded and returned. */
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
  /**
   * Threads each step's large products and passes are cut over (the kernel threads: Node worker
   * threads, or Web Workers on a cross-origin isolated page, sharing the model's WebAssembly
   * memory). Default 'auto': the cores, used by the calls large enough to pay for them (batch 1
   * stays on one thread). Every count gives the same weights, bit for bit: each element of a
   * result is computed by one thread, in the same order as with one.
   */
  threads?: number | 'auto';
  /**
   * When a callback stops training mid-epoch (Ctrl-C), undo that partial epoch: weights, optimiser
   * and generators go back to its start, it is not logged, and `history.discardedEpoch` names it.
   * Resuming then repeats the uninterrupted run bit for bit. Default false (the partial epoch is logged).
   */
  discardPartialEpoch?: boolean;
}

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'stratify', 'classWeight', 'sampleWeight', 'validationData', 'callbacks', 'verbose', 'seed', 'initialEpoch', 'maxIterations', 'yieldEveryMs', 'threads', 'discardPartialEpoch'];

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
    stratify: booleanOption('fit', 'stratify', args.stratify ?? false),
    maxIterations: args.maxIterations === undefined ? Infinity : integerAtLeast('fit', 'maxIterations', args.maxIterations, 1),
    yieldEveryMs: numberInRange('fit', 'yieldEveryMs', args.yieldEveryMs ?? 50, 0, Infinity),
    discardPartialEpoch: booleanOption('fit', 'discardPartialEpoch', args.discardPartialEpoch ?? false),
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

/** The class of each row of encoded classification targets (index column, 0/1 column or one-hot rows), else undefined. */
function rowClasses(model: Sequential, y: Matrix): Int32Array | undefined {
  if (model.classes === undefined) return undefined;
  const out = new Int32Array(y.rows);
  for (let i = 0; i < y.rows; i++) {
    if (y.cols === 1) out[i] = Math.round(y.data[i]!);
    else {
      let k = 0;
      for (let c = 1; c < y.cols; c++) if (y.data[i * y.cols + c]! > y.data[i * y.cols + k]!) k = c;
      out[i] = k;
    }
  }
  return out;
}

/** Per-training-row loss weights from classWeight and sampleWeight (undefined when neither is given). */
function rowWeightsOf(model: Sequential, all: Prepared, train: Prepared, trainRows: number[] | undefined, args: FitArgs): Float64Array | undefined {
  if (args.classWeight === undefined && args.sampleWeight === undefined) return undefined;
  const n = train.x.rows;
  const w = new Float64Array(n).fill(1);
  if (args.sampleWeight !== undefined) {
    const sw = args.sampleWeight;
    if (typeof sw !== 'object' || sw === null || sw.length !== all.x.rows) throw new InputError(`fit: sampleWeight must have one weight per row of x (${all.x.rows}), got ${describe(sw === null || typeof sw !== 'object' ? sw : sw.length)}`);
    for (let i = 0; i < n; i++) {
      const v = sw[trainRows ? trainRows[i]! : i]!;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError(`fit: sampleWeight[${trainRows ? trainRows[i]! : i}] is ${describe(v)}; weights are finite numbers ≥ 0`);
      w[i] = v;
    }
  }
  if (args.classWeight !== undefined) {
    const classes = rowClasses(model, train.y);
    if (classes === undefined) throw new InputError('fit: classWeight needs a classifier (a cross-entropy loss with class labels)');
    const cw = args.classWeight;
    for (const [k, v] of Object.entries(cw)) {
      if (!/^\d+$/.test(k) || Number(k) >= Math.max(2, model.outputUnits)) throw new InputError(`fit: classWeight key ${JSON.stringify(k)} is not a class index (0..${Math.max(2, model.outputUnits) - 1})`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError(`fit: classWeight[${k}] is ${describe(v)}; weights are finite numbers ≥ 0`);
    }
    for (let i = 0; i < n; i++) w[i]! *= cw[classes[i]!] ?? 1;
  }
  return w;
}

/** The last `fraction` of each class's rows as validation, the rest (in order) as training (and which rows those are). */
function splitStratified(data: Prepared, fraction: number, classes: Int32Array): [Prepared, Prepared, number[]] {
  const byClass = new Map<number, number[]>();
  classes.forEach((c, i) => (byClass.get(c) ?? byClass.set(c, []).get(c)!).push(i));
  const validation = new Set<number>();
  for (const rows of byClass.values()) for (const r of rows.slice(rows.length - Math.floor(rows.length * fraction))) validation.add(r);
  const trainRows: number[] = [];
  const valRows: number[] = [];
  for (let i = 0; i < classes.length; i++) (validation.has(i) ? valRows : trainRows).push(i);
  if (valRows.length === 0 || trainRows.length === 0) {
    throw new InputError(`fit: a stratified validationSplit ${fraction} of ${classes.length} rows leaves ${trainRows.length} training and ${valRows.length} validation rows; need at least 1 of each`);
  }
  const take = (m: Matrix, rows: number[]) => {
    const out = new Matrix(rows.length, m.cols, allocate(m.dtype, rows.length * m.cols));
    rows.forEach((r, k) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols));
    return out;
  };
  return [{ x: take(data.x, trainRows), y: take(data.y, trainRows) }, { x: take(data.x, valRows), y: take(data.y, valRows) }, trainRows];
}

/**
 * One training step on a batch: save weights, forward, loss, backward, check,
 * update, check. Returns the loss, or what went wrong with the weights restored to their state
 * before the step (RELIABILITY T1/T2). Allocates nothing on success.
 */
function step(model: Sequential, engine: Backprop, guard: WeightGuard, x: Matrix, y: Matrix, metrics: readonly Metric[], recorder?: StepRecorder): number | Failure {
  guard.save();
  const out = engine.forward(x, true, recorder);
  // Gradients are written over (accumulate = false): no zeroing pass needed.
  const loss = engine.backward(y, false, recorder);
  let failure: Failure | undefined;
  if (!Number.isFinite(loss)) failure = { kind: 'loss', loss };
  else {
    const bad = firstNonFiniteGradient(engine.params);
    if (bad) failure = { kind: 'gradient', loss, param: bad };
  }
  if (failure === undefined) {
    for (const m of metrics) m.update(out, y);
    if (model.optimizer!.step(engine.params)) return loss;
    // An update overflowed: find which tensor (only on this rare path).
    failure = { kind: 'weight', loss, param: guard.firstNonFinite() };
  }
  guard.restore();
  return failure;
}

/**
 * The training loop behind `model.fit`. Each epoch's logs hold loss and metrics (training, then
 * `val_` ones), and `lr`, the rate the epoch's last step used. A step whose loss, gradient or
 * updated weights are not finite is undone; fit then throws a DivergenceError naming the epoch,
 * batch, layer and tensor, unless a callback (terminateOnNaN) sets stopTraining, in which case
 * it ends cleanly with the message in history.warnings.
 */
export async function fit(model: Sequential, x: unknown, y: unknown, args: FitArgs): Promise<History> {
  const opts = parseFitArgs(args);
  const all = prepareData(model, x, y, 'fit');
  let train = all;
  let val: Prepared | undefined;
  // Which rows of x the training part holds, when not its first rows (stratified split).
  let trainRowsOfAll: number[] | undefined;
  if (args.validationData !== undefined) {
    if (!Array.isArray(args.validationData) || args.validationData.length !== 2) throw new InputError('fit: validationData must be [x, y]');
    val = prepareData(model, args.validationData[0], args.validationData[1], 'fit validationData');
  } else if (opts.validationSplit > 0) {
    const classes = rowClasses(model, all.y);
    if (opts.stratify && classes !== undefined) [train, val, trainRowsOfAll] = splitStratified(all, opts.validationSplit, classes);
    else [train, val] = splitTail(all, opts.validationSplit);
  }
  const weights = rowWeightsOf(model, all, train, trainRowsOfAll, args);
  // Keras validates on the tail as it is; a file sorted by class then validates on one class.
  const valClasses = val !== undefined && args.validationData === undefined ? rowClasses(model, val.y) : undefined;
  const singleClassValidation = valClasses !== undefined && valClasses.length > 0 && valClasses.every((c) => c === valClasses[0]) && new Set(rowClasses(model, train.y)).size > 1;
  if (args.seed !== undefined) model.shuffleRng.setState(new Rng(checkSeed('fit', args.seed)).getState());

  const optimizer = model.optimizer!;
  const engine = model.backprop();
  const n = train.x.rows;
  const batchSize = Math.min(opts.batchSize, n);
  const steps = Math.ceil(n / batchSize);
  // A schedule that reaches a rate ≤ 0 within this fit fails now, not halfway through.
  optimizer.learningRateAt(optimizer.iterations + Math.min(steps * (opts.epochs - opts.initialEpoch), opts.maxIterations) - 1);
  // Memory for the batch size, the optimiser's state: allocated now, so that no step allocates.
  engine.batchBuffers(batchSize);
  optimizer.prepare(engine.params);
  const k = engine.kernels;
  // A resumed fit (initialEpoch > 0) continues the permutation the earlier epochs left, so that
  // 5 epochs + resume 5 shuffle exactly as 10 straight (RELIABILITY T5); a fresh fit starts at 0..n-1.
  const saved = model.shuffleOrder;
  const order = opts.initialEpoch > 0 && saved !== undefined && saved.length === n ? saved.slice() : Int32Array.from({ length: n }, (_, i) => i);
  model.shuffleOrder = order;
  const guard = new WeightGuard(engine.params);
  const snapshot = opts.discardPartialEpoch ? new EpochSnapshot(model, engine, order) : undefined;
  const batchWeights = weights ? new Float64Array(batchSize) : undefined;
  // The large products and passes of each step are cut over the kernel threads (same bits for any count).
  const previousThreads = k.threadSetting;
  if (args.threads !== undefined) k.setThreads(threadSetting('fit', args.threads));
  try {
    await k.prepareThreads();
    return await trainLoop();
  } finally {
    k.setThreads(previousThreads);
  }

  async function trainLoop(): Promise<History> {
  const history = new History();
  const callbacks = new CallbackList([history, ...(opts.verbose === 1 ? [new EpochLogger(opts.epochs)] : []), ...(args.callbacks ?? [])], model);
  const metrics = model.createMetrics();
  const names = ['loss', ...metrics.map((m) => m.name)];
  callbacks.setParams({
    epochs: opts.epochs, initialEpoch: opts.initialEpoch, steps, samples: n, batchSize, verbose: opts.verbose, validation: val !== undefined,
    metrics: [...names, ...(val ? names.map((k) => `val_${k}`) : []), 'lr'],
  });
  const batchLogs: Logs = {};
  model.stopTraining = false;
  await callbacks.call('onTrainBegin', {});
  if (singleClassValidation) {
    emitWarning(callbacks, `fit: the validation split (the last ${val!.x.rows} rows) holds only the class ${JSON.stringify(model.classes![valClasses![0]!])}; the rows may be sorted by class. Shuffle them, or pass stratify: true.`);
  }

  let lastYield = now();
  let epochsRun = 0;
  let bestLoss = Infinity;
  let lastImprovement = 0;
  let stepsTaken = 0;
  let diverged = false;
  let referenceLoss: number | undefined;
  for (let epoch = opts.initialEpoch; epoch < opts.epochs && !model.stopTraining; epoch++) {
    await callbacks.call('onEpochBegin', epoch, {});
    snapshot?.save();
    if (opts.shuffle) model.shuffleRng.shuffle(order);
    for (const m of metrics) m.reset();
    let lossSum = 0;
    let seen = 0;
    let partial = false;
    const stepsBefore = stepsTaken;
    for (let b = 0; b < steps; b++) {
      const start = b * batchSize;
      const count = Math.min(batchSize, n - start);
      const [xb, yb] = engine.batchBuffers(count);
      k.gatherRows(train.x.data, train.x.cols, order, start, count, xb.data);
      k.gatherRows(train.y.data, train.y.cols, order, start, count, yb.data);
      if (batchWeights) {
        for (let i = 0; i < count; i++) batchWeights[i] = weights![order[start + i]!]!;
        engine.rowWeights = batchWeights;
      }
      if (callbacks.hasBatchHooks) await callbacks.call('onBatchBegin', b, { batch: b, size: count });
      const recorder = callbacks.recorder();
      const loss = step(model, engine, guard, xb, yb, metrics, recorder);
      // Only this fit's steps are weighted (computeGradients and explain use the same engine).
      engine.rowWeights = undefined;
      if (typeof loss !== 'number') {
        const event = describeDivergence(engine, xb, loss, optimizer.learningRateAt(optimizer.iterations), { epoch, batch: b });
        for (const c of callbacks.callbacks) c.onDivergence?.(event);
        if (!model.stopTraining) throw new DivergenceError(event.message);
        emitWarning(callbacks, event.message);
        diverged = true;
        break;
      }
      if (referenceLoss === undefined) referenceLoss = loss;
      lossSum += loss * count;
      seen += count;
      stepsTaken++;
      if (callbacks.hasBatchHooks) {
        batchLogs.batch = b;
        batchLogs.size = count;
        batchLogs.loss = loss;
        // Metrics so far this epoch (running, as Keras' batch logs), for progress displays.
        for (const m of metrics) batchLogs[m.name] = m.result();
        await callbacks.call('onBatchEnd', b, batchLogs);
      }
      if (stepsTaken >= opts.maxIterations) model.stopTraining = true;
      else if (model.stopTraining && b < steps - 1) partial = true;
      if (model.stopTraining) break;
      if (now() - lastYield >= opts.yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    // An epoch cut short by divergence before any step is not logged.
    if (seen === 0) break;
    if (partial && snapshot !== undefined) {
      snapshot.restore();
      stepsTaken = stepsBefore;
      history.discardedEpoch = epoch;
      break;
    }
    const logs: Logs = { loss: lossSum / seen };
    for (const m of metrics) logs[m.name] = m.result();
    if (val) {
      const v = evaluatePrepared(model, val, 1024);
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    }
    // The rate the epoch's last step used (Keras logs the next one; the same for constant rates).
    logs.lr = optimizer.learningRateAt(Math.max(0, optimizer.iterations - 1));
    if (logs.loss! < bestLoss * (1 - 1e-4) - 1e-12) {
      bestLoss = logs.loss!;
      lastImprovement = epoch;
    }
    // A finite loss that grew by orders of magnitude is divergence too (RELIABILITY R6); the
    // epoch is not logged, so no checkpoint holds it.
    const exploding = diverged ? undefined : explodingLoss(logs, referenceLoss!, epoch, logs.lr);
    if (exploding !== undefined) {
      for (const c of callbacks.callbacks) c.onDivergence?.(exploding);
      if (!model.stopTraining) throw new DivergenceError(exploding.message);
      emitWarning(callbacks, exploding.message);
      break;
    }
    epochsRun++;
    await callbacks.call('onEpochEnd', epoch, logs);
    if (diverged) break;
    await yieldToEventLoop();
    lastYield = now();
  }
  history.iterations = stepsTaken;
  if (!model.stopTraining && epochsRun > 1 && lastImprovement === opts.epochs - 1) {
    history.converged = false;
    emitWarning(callbacks, `Maximum epochs (${opts.epochs}) reached and the loss was still falling; training may not have converged.`);
  }
  await callbacks.call('onTrainEnd', {});
  return history;
  }
}

export async function trainOnBatch(model: Sequential, x: unknown, y: unknown): Promise<Logs> {
  const data = prepareData(model, x, y, 'trainOnBatch');
  const metrics = model.createMetrics();
  const engine = model.backprop();
  const optimizer = model.optimizer!;
  optimizer.prepare(engine.params);
  const loss = step(model, engine, new WeightGuard(engine.params), data.x, data.y, metrics);
  if (typeof loss !== 'number') {
    throw new DivergenceError(describeDivergence(engine, data.x, loss, optimizer.learningRateAt(optimizer.iterations)).message);
  }
  const logs: Logs = { loss };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

