import { InputError } from '../core/errors.js';
import type { Callback, Logs } from '../callbacks/callback.js';
import type { EarlyStopping } from '../callbacks/earlyStopping.js';
import type { History } from '../callbacks/history.js';
import type { Sequential } from '../model/sequential.js';
import type { FitArgs } from '../model/train.js';

/** Options of a TrainingRun: fit's, with `epochs` the most the run may reach. */
export interface RunArgs extends Omit<FitArgs, 'epochs' | 'maxIterations'> {
  /** The most epochs the run may reach (early stopping may end it sooner). */
  epochs: number;
  /** Allow advanceSteps (pausing between mini-batches); costs a check per batch. Default false. */
  steps?: boolean;
}

/** Where a run stands after an advance. */
export interface RunScores {
  /** Epochs completed (counting from initialEpoch). */
  readonly epoch: number;
  /** Optimiser steps taken by this run. */
  readonly steps: number;
  /** The last completed epoch's logs (loss, metrics, val_ ones, lr); {} before the first. */
  readonly logs: Logs;
  /** True once training has ended (epoch limit, early stopping, stop(), or an error). */
  readonly done: boolean;
}

/**
 * One training run that can be advanced a few epochs (or steps) at a time and asked for its
 * scores in between, for pruning, successive halving and the playground's live view. It is one
 * `fit` that pauses at epoch (or batch) ends, so setup, the validation data and the shuffling
 * order are prepared once, and k advances of 1 epoch train exactly as one fit of k epochs.
 *
 * @example
 * const run = new TrainingRun(model, x, y, { epochs: 100, validationData: [xv, yv] });
 * await run.advance(5);          // 5 epochs
 * if (run.scores().logs.val_loss > cutoff) await run.stop();  // pruned
 * else await run.finish();
 */
export class TrainingRun {
  private readonly pauser: Pauser;
  private fitting: Promise<History> | undefined;
  private history: History | undefined;
  private failure: unknown;
  private waiter: { resolve: (s: RunScores) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  /** The early stopping callback the run was given by startRun, to read where it stopped. */
  earlyStopping: EarlyStopping | undefined;

  constructor(readonly model: Sequential, private readonly x: Parameters<Sequential['fit']>[0], private readonly y: Parameters<Sequential['fit']>[1], private readonly args: RunArgs) {
    if (args.callbacks !== undefined && !Array.isArray(args.callbacks)) throw new InputError('run: callbacks must be an array');
    this.pauser = new Pauser(this, args.steps === true);
  }

  /** True once the run has ended (epoch limit, early stopping or stop()). */
  get done(): boolean {
    return this.ended;
  }

  /** Every completed epoch's logs, in order. */
  get epochLogs(): readonly Logs[] {
    return this.pauser.logs;
  }

  /** The last completed epoch's logs, with the epoch and step counts. */
  scores(): RunScores {
    return { epoch: this.pauser.logs.length, steps: this.pauser.steps, logs: { ...(this.pauser.logs.at(-1) ?? {}) }, done: this.ended };
  }

  /** Trains `epochs` more epochs (or until training ends) and gives the scores. */
  advance(epochs = 1): Promise<RunScores> {
    return this.go(() => {
      this.pauser.epochBudget = epochs;
      this.pauser.stepBudget = Infinity;
    });
  }

  /** Trains `steps` more mini-batches (needs `steps: true`). */
  advanceSteps(steps = 1): Promise<RunScores> {
    if (!this.pauser.byStep) throw new InputError('run: advanceSteps needs a run made with { steps: true }');
    return this.go(() => {
      this.pauser.epochBudget = Infinity;
      this.pauser.stepBudget = steps;
    });
  }

  /** Trains to the end and gives fit's History. */
  async finish(): Promise<History> {
    if (!this.ended) await this.advance(Infinity);
    return this.result();
  }

  /** Ends the run after the current step (the epoch in progress is logged), and gives the History. */
  async stop(): Promise<History> {
    if (this.fitting === undefined) {
      this.ended = true;
      return this.result();
    }
    this.pauser.stopped = true;
    this.model.stopTraining = true;
    this.pauser.release();
    try {
      await this.fitting;
    } catch {
      // the failure is reported by result()
    }
    return this.result();
  }

  private result(): History {
    if (this.failure !== undefined) throw this.failure;
    if (this.history === undefined) throw new InputError('run: stopped before any training');
    return this.history;
  }

  private go(setBudget: () => void): Promise<RunScores> {
    if (this.waiter !== undefined) throw new InputError('run: an advance is already in progress; await it first');
    if (this.ended) {
      if (this.failure !== undefined) return Promise.reject(this.failure);
      return Promise.resolve(this.scores());
    }
    setBudget();
    const p = new Promise<RunScores>((resolve, reject) => (this.waiter = { resolve, reject }));
    if (this.fitting === undefined) this.start();
    else this.pauser.release();
    return p;
  }

  private start(): void {
    const { steps: _steps, ...fitArgs } = this.args;
    this.fitting = this.model.fit(this.x, this.y, { ...fitArgs, callbacks: [...(fitArgs.callbacks ?? []), this.pauser] });
    this.fitting.then(
      (h) => {
        this.history = h;
        this.ended = true;
        this.settle();
      },
      (e: unknown) => {
        this.failure = e;
        this.ended = true;
        const w = this.waiter;
        this.waiter = undefined;
        w?.reject(e);
      },
    );
  }

  /** Called by the pauser at a pause, and when fit ends. */
  settle(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve(this.scores());
  }
}

/** The callback that pauses fit when the advance's budget is spent. Placed last, after early stopping. */
class Pauser implements Callback {
  epochBudget = 0;
  stepBudget = Infinity;
  stopped = false;
  steps = 0;
  readonly logs: Logs[] = [];
  private resume: (() => void) | undefined;
  private model: Sequential | undefined;
  onBatchEnd?: (batch: number, logs: Logs) => Promise<void> | void;

  constructor(private readonly run: TrainingRun, readonly byStep: boolean) {
    if (byStep) {
      this.onBatchEnd = () => {
        this.steps++;
        if (--this.stepBudget > 0 || this.stopped) return;
        return this.pause();
      };
    }
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onEpochEnd(_epoch: number, logs: Logs): Promise<void> | void {
    this.logs.push({ ...logs });
    if (this.stopped) {
      this.model!.stopTraining = true;
      return;
    }
    // Early stopping (earlier in the list) has decided: a stopping fit runs on to its end.
    if (this.model!.stopTraining) return;
    if (--this.epochBudget > 0) return;
    return this.pause();
  }

  private pause(): Promise<void> {
    const p = new Promise<void>((resolve) => (this.resume = resolve));
    this.run.settle();
    // A run stopped while paused must not take another step, whatever a later fit on the model set.
    return p.then(() => {
      if (this.stopped) this.model!.stopTraining = true;
    });
  }

  release(): void {
    const r = this.resume;
    this.resume = undefined;
    r?.();
  }
}
