import { DivergenceError, InputError, NotFittedError, UnsupportedError } from '../core/errors.js';
import { Matrix, allocate, type FloatArray } from '../core/matrix.js';
import { Rng, checkSeed, type RngState } from '../core/rng.js';
import type { Label } from '../core/labels.js';
import { checkKeys, describe, integerAtLeast, positiveNumber } from '../core/validate.js';
import { now, yieldToEventLoop } from '../core/async.js';
import { getLoss, type Loss, type LossName, type LossSpec } from '../losses/index.js';
import { getOptimizer, type Optimizer, type OptimizerName, type OptimizerSpec } from '../optimizers/index.js';
import type { OptimizerState } from '../optimizers/optimizer.js';
import { getMetric, type MetricSpec } from '../metrics/index.js';
import type { Metric } from '../metrics/metric.js';
import { CallbackList, emitWarning, type DivergenceEvent, type Logs } from './callback.js';
import { History, stillFalling } from './history.js';
import { formatScore } from '../core/format.js';
import { EpochLogger } from './epochLogger.js';
import type { CompileConfig, Model } from './types.js';
import type { Backprop, StepRecorder } from './step.js';
import { evaluate as evaluateData, evaluatePrepared, type Prepared } from './evaluate.js';
import { cappedThreads, describeThreads } from './kernelThreads.js';
import { EXPLODING_LOSS_FACTOR, WeightGuard, describeDivergence, explodingLoss, firstNonFiniteGradient, type Failure } from './divergence.js';
import { parseRunArgs, prepareRunData, prepareValidation, type FitArgs } from './runData.js';
import { DatasetFeed, evaluateDataset, isDataset, type BatchDataset } from './dataset.js';
import { BatchAhead, gatherBatch } from './batchAhead.js';

/** What compile takes: the optimiser, the loss and the metrics. */
export interface CompileArgs {
  /** An optimiser instance or a name ('sgd', 'adam', 'rmsprop', 'adagrad') with its defaults. */
  optimizer: OptimizerSpec;
  /** A loss name or instance ('mse', 'sse', 'mae', 'binaryCrossentropy', ...). */
  loss: LossSpec;
  /** Metric names ('accuracy', ...) or factories. */
  metrics?: readonly MetricSpec[];
}

export type { CompileConfig } from './types.js';

/** CompileArgs from `session.getConfig()`: fresh loss and optimiser (no optimiser state). */
export function compileArgsFromConfig(config: CompileConfig): CompileArgs {
  return {
    loss: getLoss(config.loss.name as LossName, config.loss.config),
    optimizer: getOptimizer(config.optimizer.name as OptimizerName, { ...config.optimizer.config }),
    metrics: [...config.metrics],
  };
}

/** Options of a run: fit's, with `epochs` the most the run may reach (none: advance decides). */
export type SessionArgs = FitArgs;

/** Where a run stands after an advance. */
export interface RunScores {
  /** Epochs completed and logged by this run. */
  readonly epoch: number;
  /** Optimiser steps taken by this run. */
  readonly steps: number;
  /** The last completed epoch's logs (loss, metrics, val_ ones, lr); {} before the first. */
  readonly logs: Logs;
  /** True once the run has ended (epoch limit, early stopping, stop(), or an error). */
  readonly done: boolean;
}

/** What a checkpoint needs to continue a run bit for bit: taken between epochs by `state()`. */
export interface SessionState {
  /** Every tensor's values (trainable and not), in `model.params()` order. */
  readonly weights: readonly FloatArray[];
  readonly optimizer: OptimizerState;
  readonly shuffle: RngState;
  /** Each layer's dropout generator (undefined for layers without one). */
  readonly dropout: readonly (RngState | undefined)[];
  /** The training rows' order after the last shuffle. */
  readonly order: Int32Array | undefined;
  /** The next epoch to run (absolute, counting initialEpoch). */
  readonly epoch: number;
  /** Optimiser steps taken by the run. */
  readonly steps: number;
}

/** One run's data, options and progress (from start to the end of the run). */
interface Run {
  readonly opts: ReturnType<typeof parseRunArgs>;
  /** The training rows in memory (empty when they come from a dataset: `feed`). */
  readonly train: Prepared;
  /** Training batches from a BatchDataset, read as the run goes. */
  readonly feed: DatasetFeed | undefined;
  /** A BatchDataset to evaluate at each epoch's end. */
  readonly validationFeed: BatchDataset | undefined;
  readonly validation: Prepared | undefined;
  readonly weights: Float64Array | undefined;
  readonly warning: string | undefined;
  /** The `threads` option was capped at the cores (cappedThreads). */
  readonly threadWarning: string | undefined;
  readonly engine: Backprop;
  readonly order: Int32Array;
  readonly guard: WeightGuard;
  readonly callbacks: CallbackList;
  readonly history: History;
  readonly metrics: Metric[];
  /** The kernels' threads setting before this run (restored when it ends). */
  readonly threadsBefore: number | 'auto';
  batchSize: number;
  batchWeights: Float64Array | undefined;
  /** The next batch gathered during each step (kernel threads, rows in memory). */
  readonly ahead: BatchAhead | undefined;
  /** Whether the kernel threads were prepared (started where that needs the event loop). */
  threadsReady: boolean;
  begun: boolean;
  ended: boolean;
  failure: unknown;
  /** The epoch being (or next to be) trained, absolute. */
  epoch: number;
  inEpoch: boolean;
  batch: number;
  position: number;
  steps: number;
  epochsLogged: number;
  lossSum: number;
  seen: number;
  partial: boolean;
  diverged: boolean;
  epochStart: SessionState | undefined;
  stepsAtEpochStart: number;
  referenceLoss: number | undefined;
  /** The first batch of this epoch whose loss passed the exploding limit (named by the divergence, T1). */
  explodingBatch: number | undefined;
  lastYield: number;
  lastLogs: Logs;
  readonly epochLogs: Logs[];
  advancing: boolean;
}

/**
 * What a training run is: the compiled loss, optimiser and metrics, the class labels, the
 * shuffling generator and row order, the epoch and step counters, the divergence guard, the
 * kernels' threads setting for the run and the callbacks. Every model has one (`model.session`, made with the model);
 * `model.compile` sets its compile part, `start(x, y, args)` begins a run on data, and the run
 * moves by `step()` (one mini-batch) or `advance(epochs | { steps })`, with `evaluate()`,
 * `state()`/`restore()` and live setters in between. `fit` is a loop over it, so k advances of
 * one epoch train exactly as one fit of k epochs.
 *
 * @example
 * const run = model.session.start(x, y, { epochs: 100, validationData: [xv, yv] });
 * await run.advance(5);          // 5 epochs
 * if (run.scores().logs.val_loss! > cutoff) await run.stop();  // pruned
 * else await run.finish();
 */
export class TrainingSession {
  /** Class labels in output order, when the model was trained on labels (for predictClasses). */
  classes: Label[] | undefined;
  /** Set true from a callback to end the run after the current batch (Keras' stop_training). */
  stopTraining = false;
  /** The training rows' order after the last shuffle; a run with initialEpoch > 0 continues from it. */
  shuffleOrder: Int32Array | undefined;
  /** The early stopping callback a run was started with (startRun), to read where it stopped. */
  earlyStopping: { readonly stoppedEpoch: number; readonly bestEpoch: number } | undefined;
  private compiledLoss: Loss | undefined;
  private compiledOptimizer: Optimizer | undefined;
  private metricList: readonly MetricSpec[] = [];
  private run: Run | undefined;

  constructor(readonly model: Model, /** Generator for shuffling (its state is part of a checkpoint). */ readonly shuffleRng: Rng) {}

  // ---- the compile part ----

  /** Sets optimiser, loss and metrics. Unknown names throw and list the known ones. */
  compile(args: CompileArgs): void {
    checkKeys('compile', args, ['optimizer', 'loss', 'metrics']);
    if (args.optimizer === undefined) throw new InputError('compile: optimizer is required (e.g. "adam")');
    if (args.loss === undefined) throw new InputError('compile: loss is required (e.g. "binaryCrossentropy")');
    const loss = getLoss(args.loss);
    const optimizer = getOptimizer(args.optimizer);
    const metrics = args.metrics ?? [];
    if (!Array.isArray(metrics)) throw new InputError(`compile: metrics must be an array, got ${describe(metrics)}`);
    for (const m of metrics) getMetric(m, loss); // validate names now, before data is touched
    this.compiledLoss = loss;
    this.compiledOptimizer = optimizer;
    this.metricList = [...metrics];
  }

  /** Whether compile has run. */
  get compiled(): boolean {
    return this.compiledLoss !== undefined && this.compiledOptimizer !== undefined;
  }

  /** The compiled loss (a NotFittedError before compile). */
  get loss(): Loss {
    return this.requireCompiled('training');
  }

  /** The compiled optimiser (a NotFittedError before compile). */
  get optimizer(): Optimizer {
    this.requireCompiled('training');
    return this.compiledOptimizer!;
  }

  /** The metrics as compiled (names or factories). */
  get metricSpecs(): readonly MetricSpec[] {
    return this.metricList;
  }

  /** The compile part as plain JSON. */
  getConfig(): CompileConfig {
    const loss = this.loss;
    return {
      loss: { name: loss.name, config: { ...loss.config } },
      optimizer: { name: this.optimizer.name, config: this.optimizer.getConfig() },
      metrics: this.metricList.filter((m): m is string => typeof m === 'string'),
    };
  }

  /** Fresh metric instances for the compiled loss. */
  createMetrics(): Metric[] {
    const loss = this.requireCompiled('metrics');
    return this.metricList.map((m) => getMetric(m, loss));
  }

  /** The compiled loss, or a NotFittedError saying that `what` needs compile first. */
  requireCompiled(what: string): Loss {
    if (this.compiledLoss === undefined || this.compiledOptimizer === undefined) {
      throw new NotFittedError(`${what}: the model is not compiled; call model.compile({ optimizer, loss }) first`);
    }
    return this.compiledLoss;
  }

  // ---- live settings ----

  /** Rows per step from the next step on (capped at the training rows). */
  setBatchSize(batchSize: number): void {
    const run = this.requireRun('setBatchSize');
    if (run.feed !== undefined) throw new UnsupportedError('setBatchSize: the run trains on a dataset, whose batches have the sizes it yields');
    const size = Math.min(integerAtLeast('setBatchSize', 'batchSize', batchSize, 1), run.train.x.rows);
    if (size === run.batchSize) return;
    run.batchSize = size;
    run.engine.batchBuffers(size);
    if (run.ahead !== undefined) run.engine.batchBuffers(size, 1);
    // A batch gathered ahead may be in buffers made again for the new size: gather it anew.
    run.ahead?.forget();
    if (run.weights !== undefined) run.batchWeights = new Float64Array(size);
  }

  /** The learning rate from the next step on (replaces a schedule). */
  setLearningRate(learningRate: number): void {
    this.optimizer.learningRate = positiveNumber('setLearningRate', 'learningRate', learningRate);
  }

  /** A new optimiser (fresh state) from the next step on. */
  setOptimizer(optimizer: OptimizerSpec): void {
    this.requireCompiled('setOptimizer');
    const next = getOptimizer(optimizer);
    if (this.run !== undefined) next.prepare(this.run.engine.params);
    this.compiledOptimizer = next;
  }

  // ---- a run ----

  /**
   * Begins a run on (x, y) with fit's options (`epochs` is the most it may reach; without it the
   * run goes on while advanced). Data is encoded and split now; the kernel threads start when a call first needs them.
   */
  start(x: unknown, y: unknown, args: SessionArgs = {}): this {
    if (this.run?.advancing) throw new InputError('run: an advance is in progress; await it before starting another run');
    if (this.run !== undefined && !this.run.ended) void this.closeRun(this.run);
    const opts = parseRunArgs(args);
    const model = this.model;
    this.requireCompiled('fit');
    const stream = isDataset(x);
    if (stream) checkDatasetArgs(y, args);
    else if (opts.stepsPerEpoch !== undefined) throw new InputError('fit: stepsPerEpoch is for a dataset of batches; with arrays an epoch is every row once');
    const data = stream ? { train: emptyPart(model), validation: prepareValidation(model, args), weights: undefined, warning: undefined } : prepareRunData(model, x, y, args, opts);
    const validationFeed = args.validationData !== undefined && isDataset(args.validationData) ? args.validationData : undefined;
    if (args.seed !== undefined) this.shuffleRng.setState(new Rng(checkSeed('fit', args.seed)).getState());
    const optimizer = this.optimizer;
    if (opts.optimizerState === 'reset') optimizer.reset();
    const engine = model.backprop();
    const n = data.train.x.rows;
    const batchSize = stream ? opts.batchSize : Math.min(opts.batchSize, n);
    const stepsPerEpoch = stream ? opts.stepsPerEpoch ?? NaN : Math.ceil(n / batchSize);
    // A schedule that reaches a rate ≤ 0 within this run fails now, not halfway through.
    const planned = Math.min(stepsPerEpoch * (opts.epochs - opts.initialEpoch), opts.maxIterations);
    if (Number.isFinite(planned)) optimizer.learningRateAt(optimizer.iterations + planned - 1);
    // Memory for the batch size, the optimiser's state: allocated now, so that no step allocates.
    engine.batchBuffers(batchSize);
    optimizer.prepare(engine.params);
    // A resumed run (initialEpoch > 0) continues the permutation the earlier epochs left, so that
    // 5 epochs + resume 5 shuffle exactly as 10 straight (RELIABILITY T5); a fresh run starts at 0..n-1.
    const saved = this.shuffleOrder;
    const order = opts.initialEpoch > 0 && saved !== undefined && saved.length === n ? saved.slice() : Int32Array.from({ length: n }, (_, i) => i);
    this.shuffleOrder = order;
    // Each step's large products and passes are cut over the kernel threads (same bits for any count).
    const threadsBefore = engine.kernels.threadSetting;
    const threads = args.threads !== undefined ? cappedThreads(engine.kernels, 'fit', args.threads) : undefined;
    if (threads !== undefined) engine.kernels.setThreads(threads.setting);
    // With kernel threads each step gathers the next batch into a second pair of buffers.
    const ahead = !stream && engine.kernels.threads > 1 ? new BatchAhead(engine, data.train, order) : undefined;
    if (ahead !== undefined) engine.batchBuffers(batchSize, 1);
    const history = new History();
    const finite = Number.isFinite(opts.epochs);
    const callbacks = new CallbackList([history, ...(opts.verbose === 1 && finite ? [new EpochLogger(opts.epochs)] : []), ...(args.callbacks ?? [])], model);
    const metrics = this.createMetrics();
    const names = ['loss', ...metrics.map((m) => m.name)];
    callbacks.setParams({
      epochs: opts.epochs, initialEpoch: opts.initialEpoch, steps: Number.isNaN(stepsPerEpoch) ? undefined : stepsPerEpoch, samples: stream ? undefined : n, batchSize, verbose: opts.verbose,
      validation: data.validation !== undefined || validationFeed !== undefined,
      metrics: [...names, ...(data.validation || validationFeed ? names.map((k) => `val_${k}`) : []), 'lr'],
    });
    this.stopTraining = false;
    this.earlyStopping = undefined;
    this.run = {
      opts, train: data.train, feed: stream ? new DatasetFeed(model, x, opts.stepsPerEpoch, 'fit dataset') : undefined, validationFeed, validation: data.validation, weights: data.weights, warning: data.warning, threadWarning: threads?.warning, engine, order,
      guard: new WeightGuard(engine.params), callbacks, history, metrics, threadsBefore,
      batchSize, batchWeights: data.weights ? new Float64Array(batchSize) : undefined, ahead, threadsReady: false,
      begun: false, ended: false, failure: undefined, epoch: opts.initialEpoch, inEpoch: false, batch: 0, position: 0, steps: 0, epochsLogged: 0,
      lossSum: 0, seen: 0, partial: false, diverged: false, epochStart: undefined, stepsAtEpochStart: 0,
      referenceLoss: undefined, explodingBatch: undefined, lastYield: now(), lastLogs: {}, epochLogs: [], advancing: false,
    };
    return this;
  }

  /** True once the run has ended (epoch limit, early stopping, stop() or an error); true before any run. */
  get done(): boolean {
    return this.run === undefined || this.run.ended;
  }

  /** Every completed epoch's logs of this run, in order. */
  get epochLogs(): readonly Logs[] {
    return this.run?.epochLogs ?? [];
  }

  /** The run's History (filled as it goes). */
  get history(): History {
    return this.requireRun('history').history;
  }

  /** The current batch size of the run. */
  get batchSize(): number {
    return this.requireRun('batchSize').batchSize;
  }

  /** The last completed epoch's logs, with the epoch and step counts. */
  scores(): RunScores {
    const run = this.run;
    return { epoch: run?.epochsLogged ?? 0, steps: run?.steps ?? 0, logs: { ...(run?.lastLogs ?? {}) }, done: this.done };
  }

  /** One optimiser step on the next mini-batch (starting or ending an epoch as needed). */
  step(): Promise<RunScores> {
    return this.advance({ steps: 1 });
  }

  /** Trains `epochs` more epochs, or `{ steps }` more mini-batches (or until the run ends), and gives the scores. */
  async advance(amount: number | { readonly steps: number } = 1): Promise<RunScores> {
    const run = this.requireRun('advance');
    if (run.advancing) throw new InputError('run: an advance is already in progress; await it first');
    const bySteps = typeof amount === 'object';
    const budget = bySteps ? amount.steps : amount;
    if (typeof budget !== 'number' || !(budget >= 0)) throw new InputError(`advance: expected a number of epochs or { steps } ≥ 0, got ${describe(amount)}`);
    if (run.ended) {
      if (run.failure !== undefined) throw run.failure;
      return this.scores();
    }
    run.advancing = true;
    try {
      const from = bySteps ? run.steps : run.epochsLogged;
      while (!run.ended && (bySteps ? run.steps : run.epochsLogged) - from < budget) await this.next(run);
    } catch (e) {
      run.failure = e;
      run.ended = true;
      await this.closeRun(run);
      throw e;
    } finally {
      run.advancing = false;
    }
    return this.scores();
  }

  /** Trains to the end and gives the History. */
  async finish(): Promise<History> {
    const run = this.requireRun('finish');
    await this.advance(Infinity);
    return run.history;
  }

  /** Ends the run now: an epoch in progress is logged (or undone with discardPartialEpoch); gives the History. */
  async stop(): Promise<History> {
    const run = this.requireRun('stop');
    if (run.advancing) throw new InputError('run: stop() during an advance; set stopTraining from a callback instead');
    if (run.failure !== undefined) throw run.failure;
    if (run.ended) return run.history;
    this.stopTraining = true;
    if (run.inEpoch) {
      if (run.feed ? !run.feed.exhausted : run.position < run.train.x.rows) run.partial = true;
      await this.endEpoch(run);
    }
    if (!run.ended) await this.end(run);
    return run.history;
  }

  /** Loss and metrics on (x, y), or on the run's validation data when none is given; inference mode. */
  evaluate(x?: unknown, y?: unknown): Logs {
    if (x !== undefined) return evaluateData(this.model, x, y, {});
    const v = this.requireRun('evaluate').validation;
    if (v === undefined) throw new InputError('evaluate: the run has no validation data in memory; pass (x, y)');
    return evaluatePrepared(this.model, v, 1024);
  }

  /** The state a checkpoint needs to continue the run bit for bit; between epochs only. */
  state(): SessionState {
    const run = this.run;
    if (run?.inEpoch) throw new InputError(`state: the run is inside epoch ${run.epoch + 1} (batch ${run.batch}); take the state between epochs`);
    const params = this.model.params();
    return {
      weights: params.map((p) => p.value.slice()),
      optimizer: this.optimizer.snapshot(params),
      shuffle: this.shuffleRng.getState(),
      dropout: this.model.layers.map((l) => l.getRngState()),
      order: this.shuffleOrder?.slice(),
      epoch: run?.epoch ?? 0,
      steps: run?.steps ?? 0,
    };
  }

  /** Puts the model and the run back to a `state()`: the run then continues as it did from there. */
  restore(state: SessionState): void {
    const run = this.run;
    if (run?.inEpoch) throw new InputError(`restore: the run is inside epoch ${run.epoch + 1}; restore between epochs`);
    const params = this.model.params();
    if (state.weights.length !== params.length) throw new InputError(`restore: the state has ${state.weights.length} tensors, the model ${params.length}`);
    params.forEach((p, i) => p.value.set(state.weights[i]!));
    this.optimizer.setState(params, state.optimizer);
    this.shuffleRng.setState(state.shuffle);
    this.model.layers.forEach((l, i) => {
      const s = state.dropout[i];
      if (s !== undefined) l.setRngState(s);
    });
    if (state.order !== undefined) {
      if (run !== undefined && state.order.length === run.order.length) run.order.set(state.order);
      this.shuffleOrder = run?.order ?? state.order.slice();
    }
    if (run !== undefined) {
      run.epoch = state.epoch;
      run.steps = state.steps;
    }
  }

  private requireRun(what: string): Run {
    if (this.run === undefined) throw new InputError(`${what}: no run; call session.start(x, y, options) first`);
    return this.run;
  }

  /** Gives the model's kernels back the threads setting they had before the run (the threads stay, idle, for the next). */
  private releaseThreads(run: Run): void {
    run.engine.kernels.setThreads(run.threadsBefore);
  }

  /** The threads setting, and a dataset's iterator (so a file it reads is closed). */
  private async closeRun(run: Run): Promise<void> {
    this.releaseThreads(run);
    await run.feed?.close();
  }

  /** onTrainBegin and the threads, before the first step. */
  private async begin(run: Run): Promise<void> {
    run.begun = true;
    await run.callbacks.call('onTrainBegin', {});
    if (run.warning !== undefined) emitWarning(run.callbacks, run.warning);
    if (run.threadWarning !== undefined) emitWarning(run.callbacks, run.threadWarning);
  }

  /** One unit of progress: begin the run, begin an epoch, take a step, or end the run. */
  private async next(run: Run): Promise<void> {
    if (!run.begun) await this.begin(run);
    if (run.ended) return;
    if (!run.inEpoch) {
      if (run.epoch >= run.opts.epochs || this.stopTraining) return this.end(run);
      await run.callbacks.call('onEpochBegin', run.epoch, {});
      if (run.opts.discardPartialEpoch) {
        run.epochStart = this.state();
        run.stepsAtEpochStart = run.steps;
      }
      if (run.feed !== undefined) await run.feed.beginEpoch(run.epoch);
      else if (run.opts.shuffle) this.shuffleRng.shuffle(run.order);
      for (const m of run.metrics) m.reset();
      Object.assign(run, { inEpoch: true, batch: 0, position: 0, lossSum: 0, seen: 0, partial: false, explodingBatch: undefined });
      run.ahead?.forget();
    }
    if (!run.threadsReady) {
      // Start the kernel threads now (yielding) when this run's products will be cut over them.
      const k = run.engine.kernels;
      if (k.threads > 1 && describeThreads(this.model, run.batchSize, k.threadSetting).threads > 1) await k.prepareThreads();
      run.threadsReady = true;
    }
    await (run.feed !== undefined ? this.streamBatch(run, run.feed) : this.batch(run));
  }

  /** Trains on the dataset's next batch, or ends the epoch when it has no more. */
  private async streamBatch(run: Run, feed: DatasetFeed): Promise<void> {
    const block = await feed.next();
    if (block === undefined) {
      if (run.batch === 0) throw new InputError(`fit: the dataset yielded no batches in epoch ${run.epoch + 1}${run.epoch > run.opts.initialEpoch ? ' (a generator can be read once: pass a function (epoch) => batches, an object that iterates again, or stepsPerEpoch)' : ''}`);
      return this.endEpoch(run);
    }
    const count = block.x.rows;
    const [xb, yb] = run.engine.batchBuffers(count);
    xb.data.set(block.x.data);
    yb.data.set(block.y.data);
    await this.trainStaged(run, xb, yb, count, 0, feed.lastOfEpoch);
  }

  /** Trains the next mini-batch and ends the epoch after the last. */
  private async batch(run: Run): Promise<void> {
    const { train, engine, order } = run;
    const n = train.x.rows;
    const start = run.position;
    const count = Math.min(run.batchSize, n - start);
    const next = start + count;
    // The next batch's views are taken before this one's (BatchAhead.plan says why).
    const pair = run.ahead?.take(run.steps, start, count);
    const ahead = run.ahead !== undefined && next < n ? run.ahead.plan(run.steps + 1, next, Math.min(run.batchSize, n - next), pair === 1 ? 0 : 1) : undefined;
    const [xb, yb] = engine.batchBuffers(count, pair ?? 0);
    if (pair === undefined) gatherBatch(engine.kernels, train, order, start, count, xb, yb);
    if (run.batchWeights) {
      for (let i = 0; i < count; i++) run.batchWeights[i] = run.weights![order[start + i]!]!;
      engine.rowWeights = run.batchWeights;
    }
    await this.trainStaged(run, xb, yb, count, count, next >= n, ahead);
  }

  /** One step on the staged batch (rows, advancing the position by `advance`, or a dataset's block); a divergence ends the epoch. */
  private async trainStaged(run: Run, xb: Matrix, yb: Matrix, count: number, advance: number, last: boolean, ahead?: () => void): Promise<void> {
    const { engine, callbacks, metrics } = run;
    const b = run.batch;
    if (callbacks.hasBatchHooks) await callbacks.call('onBatchBegin', b, { batch: b, size: count });
    const loss = takeStep(this.optimizer, engine, run.guard, xb, yb, metrics, callbacks.recorder(), ahead);
    // Only this run's steps are weighted (computeGradients and explain use the same engine).
    engine.rowWeights = undefined;
    run.position += advance;
    run.batch++;
    if (typeof loss !== 'number') {
      const optimizer = this.optimizer;
      const event = describeDivergence(engine, xb, loss, optimizer.learningRateAt(optimizer.iterations), { epoch: run.epoch, batch: b });
      this.diverge(run, event);
      run.diverged = true;
      return this.endEpoch(run);
    }
    await this.afterStep(run, b, count, loss, last);
  }

  /** Counts a step's loss, tells the callbacks, and ends the epoch after its last batch or a stop request. */
  private async afterStep(run: Run, b: number, count: number, loss: number, last: boolean): Promise<void> {
    const { callbacks, metrics } = run;
    run.referenceLoss ??= loss;
    if (run.explodingBatch === undefined && loss > EXPLODING_LOSS_FACTOR * run.referenceLoss) run.explodingBatch = b;
    run.lossSum += loss * count;
    run.seen += count;
    run.steps++;
    if (callbacks.hasBatchHooks) {
      // Metrics so far this epoch (running, as Keras' batch logs), for progress displays.
      const logs: Logs = { batch: b, size: count, loss };
      for (const m of metrics) logs[m.name] = m.result();
      await callbacks.call('onBatchEnd', b, logs);
    }
    if (run.steps >= run.opts.maxIterations) this.stopTraining = true;
    else if (this.stopTraining && !last) run.partial = true;
    if (this.stopTraining || last) return this.endEpoch(run);
    if (now() - run.lastYield >= run.opts.yieldEveryMs) {
      await yieldToEventLoop();
      run.lastYield = now();
    }
  }

  /** Tells callbacks of a divergence; throws it unless one of them stopped training (then a warning). */
  private diverge(run: Run, event: DivergenceEvent): void {
    for (const c of run.callbacks.callbacks) c.onDivergence?.(event);
    if (!this.stopTraining) throw new DivergenceError(event.message, event);
    emitWarning(run.callbacks, event.message);
  }

  /** Logs the epoch (loss, metrics, validation, lr) and ends the run when it should end. */
  private async endEpoch(run: Run): Promise<void> {
    run.inEpoch = false;
    const { history, metrics, callbacks } = run;
    // An epoch cut short by divergence before any step is not logged.
    if (run.seen === 0) return this.end(run);
    if (run.partial && run.epochStart !== undefined) {
      this.restore(run.epochStart);
      run.steps = run.stepsAtEpochStart;
      history.discardedEpoch = run.epoch;
      return this.end(run);
    }
    const logs: Logs = { loss: run.lossSum / run.seen };
    for (const m of metrics) logs[m.name] = m.result();
    if (run.validation || run.validationFeed) {
      const v = run.validation ? evaluatePrepared(this.model, run.validation, 1024) : await evaluateDataset(this.model, run.validationFeed!, run.opts.validationSteps, run.epoch);
      for (const [key, value] of Object.entries(v)) logs[`val_${key}`] = value;
    }
    const optimizer = this.optimizer;
    // The rate the epoch's last step used (Keras logs the next one; the same for constant rates).
    logs.lr = optimizer.learningRateAt(Math.max(0, optimizer.iterations - 1));
    // A finite loss that grew by orders of magnitude is divergence too (RELIABILITY R6); the
    // epoch is not logged, so no checkpoint holds it.
    const exploding = run.diverged ? undefined : explodingLoss(logs, run.referenceLoss!, run.epoch, logs.lr, run.explodingBatch ?? Math.max(0, run.batch - 1));
    if (exploding !== undefined) {
      this.diverge(run, exploding);
      return this.end(run);
    }
    run.epochsLogged++;
    run.lastLogs = logs;
    run.epochLogs.push({ ...logs });
    await callbacks.call('onEpochEnd', run.epoch, logs);
    run.epoch++;
    if (run.diverged || this.stopTraining || run.epoch >= run.opts.epochs) return this.end(run);
    await yieldToEventLoop();
    run.lastYield = now();
  }

  /** onTrainEnd, the convergence note, the threads closed. */
  private async end(run: Run): Promise<void> {
    run.ended = true;
    run.history.iterations = run.steps;
    const { epochs } = run.opts;
    const falling = !this.stopTraining && run.epoch >= epochs ? stillFalling(run.history.history.loss ?? []) : undefined;
    if (falling !== undefined) {
      run.history.converged = false;
      emitWarning(run.callbacks, `Maximum epochs (${epochs}) reached and the loss was still falling (${formatScore(falling.from)} → ${formatScore(falling.to)} over the last ${falling.over} epochs); training may not have converged.`);
    }
    try {
      // A run stopped before its first step never began: its callbacks hear nothing.
      if (run.begun) await run.callbacks.call('onTrainEnd', {});
    } finally {
      await this.closeRun(run);
    }
  }
}

/**
 * One training step on a batch: save weights, forward, loss, backward, check, update, check.
 * Returns the loss, or what went wrong with the weights restored to their state before the step
 * (RELIABILITY T1/T2). Allocates nothing on success. The saving of the weights and `ahead` (the
 * next batch's gather) run on this thread during the step's first call cut over the kernel
 * threads, while the others start on its chunks (Kernels.defer); both are done before the update.
 */
export function takeStep(optimizer: Optimizer, engine: Backprop, guard: WeightGuard, x: Matrix, y: Matrix, metrics: readonly Metric[], recorder?: StepRecorder, ahead?: () => void): number | Failure {
  const k = engine.kernels;
  k.defer(guard.save);
  if (ahead !== undefined) k.defer(ahead);
  let out: Matrix;
  let penalty: number;
  try {
    out = engine.forward(x, true, recorder);
    // This thread computes the loss value during the backward's first cut call (W2: 15 µs a
    // step that the other threads spend on its chunks).
    engine.deferLossValue(y);
    // Gradients are written over (accumulate = false): no zeroing pass needed.
    penalty = engine.backpropagate(y, false, recorder);
  } finally {
    // What no cut call took (one thread, small products), and never left for a later call.
    k.runDeferred();
  }
  const loss = engine.deferredLoss + penalty;
  let failure: Failure | undefined;
  if (!Number.isFinite(loss)) failure = { kind: 'loss', loss };
  else {
    const bad = firstNonFiniteGradient(engine.params);
    if (bad) failure = { kind: 'gradient', loss, param: bad };
  }
  if (failure === undefined) {
    for (const m of metrics) m.update(out, y);
    if (optimizer.step(engine.params)) return loss;
    // An update overflowed: find which tensor (only on this rare path).
    const weight = guard.firstNonFinite();
    const slot = weight === undefined ? optimizer.firstNonFiniteSlot(engine.params) : undefined;
    failure = slot !== undefined ? { kind: 'optimizer state', loss, param: slot.param, slot: slot.slot } : { kind: 'weight', loss, param: weight };
  }
  guard.restore();
  return failure;
}

/** What fit takes with a BatchDataset: no y (the batches hold it), no split or weights of rows it does not hold. */
function checkDatasetArgs(y: unknown, args: SessionArgs): void {
  if (y !== undefined) throw new InputError('fit: a dataset yields { x, y } batches; pass no separate y (model.fit(dataset, options))');
  if ((args.validationSplit ?? 0) > 0) throw new InputError('fit: validationSplit needs the rows in memory; with a dataset pass validationData (arrays or a dataset)');
  if (args.classWeight !== undefined || args.sampleWeight !== undefined) throw new UnsupportedError('fit: classWeight / sampleWeight are not supported with a dataset yet; weight rows in the batches instead');
}

/** A run's training part when its rows come from a dataset: no rows, the model's widths. */
function emptyPart(model: Model): Prepared {
  const y = model.requireCompiled('fit').targets === 'sparse' ? 1 : model.outputUnits;
  return { x: new Matrix(0, model.inputUnits, allocate(model.dtype, 0)), y: new Matrix(0, y, allocate(model.dtype, 0)) };
}
