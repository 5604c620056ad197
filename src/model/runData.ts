import { Matrix, allocate } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { checkKeys, describe, integerAtLeast, numberInRange, booleanOption } from '../core/validate.js';
import { targetClasses, type TargetsLike } from '../core/labels.js';
import type { Callback } from './callback.js';
import type { Model } from './types.js';
import { prepareData, type Prepared } from './evaluate.js';
import { isDataset, type BatchDataset } from './dataset.js';

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
  /** Explicit validation set, [x, y] or a BatchDataset of batches (evaluated at the end of every epoch); overrides validationSplit. */
  validationData?: readonly [readonly (ArrayLike<number>)[] | Matrix, TargetsLike] | BatchDataset;
  /**
   * Training on a BatchDataset: batches per epoch (Keras' steps_per_epoch). Needed when the dataset
   * does not end (an endless generator); with it, the next epoch continues the same iterator.
   * Without it an epoch ends when the dataset's iterator does.
   */
  stepsPerEpoch?: number;
  /** With a BatchDataset as validationData: evaluate only its first this many batches. */
  validationSteps?: number;
  /**
   * The optimiser's state (Adam's moments, the step count behind a schedule) at the start of this
   * fit: 'keep' (default, as Keras: a second fit, or a loaded model's fit, continues where the
   * optimiser stood) or 'reset' (fresh moments and step 0, as a new optimiser; weights are kept).
   */
  optimizerState?: 'keep' | 'reset';
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
   * memory). Default: the model's setting, 'auto' unless setDefaultThreads changed it: the cores,
   * used by the calls large enough to pay for them (batch 1 stays on one thread). Every count
   * gives the same weights, bit for bit: each element of a result is computed by one thread, in
   * the same order as with one.
   */
  threads?: number | 'auto';
  /**
   * When a callback stops training mid-epoch (Ctrl-C), undo that partial epoch: weights, optimiser
   * and generators go back to its start, it is not logged, and `history.discardedEpoch` names it.
   * Resuming then repeats the uninterrupted run bit for bit. Default false (the partial epoch is logged).
   */
  discardPartialEpoch?: boolean;
}

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'stratify', 'classWeight', 'sampleWeight', 'validationData', 'callbacks', 'verbose', 'seed', 'initialEpoch', 'maxIterations', 'yieldEveryMs', 'threads', 'discardPartialEpoch', 'stepsPerEpoch', 'validationSteps', 'optimizerState'];

/**
 * Validated options of a run; `epochs` undefined is a run without an epoch limit (a session
 * advanced by hand), fit's default of 1 is applied by fit.
 */
export function parseRunArgs(args: FitArgs) {
  checkKeys('fit', args, FIT_KEYS);
  const epochs = args.epochs === undefined ? Infinity : integerAtLeast('fit', 'epochs', args.epochs, 1);
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
    stepsPerEpoch: args.stepsPerEpoch === undefined ? undefined : integerAtLeast('fit', 'stepsPerEpoch', args.stepsPerEpoch, 1),
    validationSteps: args.validationSteps === undefined ? undefined : integerAtLeast('fit', 'validationSteps', args.validationSteps, 1),
    optimizerState: optimizerStateOption(args.optimizerState),
  };
}

function optimizerStateOption(value: unknown): 'keep' | 'reset' {
  if (value === undefined) return 'keep';
  if (value !== 'keep' && value !== 'reset') throw new InputError(`fit: optimizerState must be 'keep' or 'reset', got ${describe(value)}`);
  return value;
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

/** The class of each row of encoded classification targets, when the model is a classifier. */
function rowClasses(model: Model, y: Matrix): Int32Array | undefined {
  return model.classes === undefined ? undefined : targetClasses(y);
}

/** Per-training-row loss weights from classWeight and sampleWeight (undefined when neither is given). */
function rowWeightsOf(model: Model, all: Prepared, train: Prepared, trainRows: number[] | undefined, args: FitArgs): Float64Array | undefined {
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


/** A run's data: the training part, the validation part and the per-row loss weights. */
export interface RunData {
  readonly train: Prepared;
  readonly validation: Prepared | undefined;
  readonly weights: Float64Array | undefined;
  /** A warning when the validation split holds a single class although training has several. */
  readonly warning: string | undefined;
}

/** Encodes (x, y) for the model and splits off the validation part as the options say. */
export function prepareRunData(model: Model, x: unknown, y: unknown, args: FitArgs, opts: ReturnType<typeof parseRunArgs>): RunData {
  const all = prepareData(model, x, y, 'fit');
  let train = all;
  let val: Prepared | undefined;
  // Which rows of x the training part holds, when not its first rows (stratified split).
  let trainRowsOfAll: number[] | undefined;
  // A BatchDataset as validationData is evaluated batch by batch at each epoch's end (the session's).
  if (args.validationData !== undefined && !isDataset(args.validationData)) {
    if (!Array.isArray(args.validationData) || args.validationData.length !== 2) throw new InputError('fit: validationData must be [x, y]');
    val = prepareData(model, args.validationData[0], args.validationData[1], 'fit validationData');
  } else if (args.validationData === undefined && opts.validationSplit > 0) {
    const classes = rowClasses(model, all.y);
    if (opts.stratify && classes !== undefined) [train, val, trainRowsOfAll] = splitStratified(all, opts.validationSplit, classes);
    else [train, val] = splitTail(all, opts.validationSplit);
  }
  const weights = rowWeightsOf(model, all, train, trainRowsOfAll, args);
  // Keras validates on the tail as it is; a file sorted by class then validates on one class.
  const valClasses = val !== undefined && args.validationData === undefined ? rowClasses(model, val.y) : undefined;
  const single = valClasses !== undefined && valClasses.length > 0 && valClasses.every((c) => c === valClasses[0]) && new Set(rowClasses(model, train.y)).size > 1;
  const warning = single
    ? `fit: the validation split (the last ${val!.x.rows} rows) holds only the class ${JSON.stringify(model.classes![valClasses[0]!])}; the rows may be sorted by class. Shuffle them, or pass stratify: true.`
    : undefined;
  return { train, validation: val, weights, warning };
}

/** The validation part of a run on a dataset: validationData given as [x, y] (a BatchDataset is evaluated by the session). */
export function prepareValidation(model: Model, args: FitArgs): Prepared | undefined {
  const v = args.validationData;
  if (v === undefined || isDataset(v)) return undefined;
  if (!Array.isArray(v) || v.length !== 2) throw new InputError('fit: validationData must be [x, y] or a dataset of { x, y } batches');
  return prepareData(model, v[0], v[1], 'fit validationData');
}
