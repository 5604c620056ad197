import { countOf } from '../core/format.js';
import { InputError } from '../core/errors.js';
import { booleanOption, checkKeys, describe, integerAtLeast } from '../core/validate.js';
import type { Sequential } from '../model/sequential.js';
import type { Callback, Logs, TrainParams } from '../model/callback.js';
import { checkMonitor, improves, monitorName, resolveMode, type MonitorMode } from './monitor.js';
import { WeightSnapshot } from './snapshot.js';

/** Options of callbacks.earlyStopping, with Keras' names and defaults. */
export interface EarlyStoppingArgs {
  /** The log to watch; default 'val_loss'. */
  monitor?: string;
  /** 'min', 'max' or 'auto' (max for accuracy-like names); default 'auto'. */
  mode?: MonitorMode;
  /** Epochs without improvement before stopping (≥ 0); default 0. */
  patience?: number;
  /** Smallest change that counts as an improvement (its absolute value is used); default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends; default false. */
  restoreBestWeights?: boolean;
  /** Keep waiting until the monitored value beats this; default none. */
  baseline?: number;
  /** Epochs to train before watching at all (a warm-up); default 0. */
  startFromEpoch?: number;
  /** 1 prints a line when stopping and restoring; default 0. */
  verbose?: 0 | 1;
}

/**
 * Stops training when the monitored value has not improved by more than minDelta for
 * `patience` epochs, as Keras' EarlyStopping: an epoch improves when it beats the best so far
 * (wait restarts only if it also beats the baseline); training stops when wait ≥ patience.
 * With restoreBestWeights the weights of the best epoch are put back when training ends
 * (also when it ran to the epoch limit, as Keras 3).
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | undefined;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Best monitored value seen. */
  best = Infinity;
  /** Epoch (0-based) of the best value; −1 before any. */
  bestEpoch = -1;
  /** Epoch at which training was stopped; −1 when it was not. */
  stoppedEpoch = -1;
  /** Epochs since the last improvement. */
  wait = 0;
  private model: Sequential | undefined;
  private readonly bestWeights = new WeightSnapshot();

  constructor(args: EarlyStoppingArgs = {}) {
    const where = 'earlyStopping';
    checkKeys(where, args, ['monitor', 'mode', 'patience', 'minDelta', 'restoreBestWeights', 'baseline', 'startFromEpoch', 'verbose']);
    this.monitor = monitorName(where, args.monitor, 'val_loss');
    this.mode = resolveMode(where, this.monitor, args.mode ?? 'auto');
    this.patience = integerAtLeast(where, 'patience', args.patience ?? 0, 0);
    const minDelta = args.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !Number.isFinite(minDelta)) throw new InputError(`${where}: minDelta must be a finite number, got ${describe(minDelta)}`);
    this.minDelta = Math.abs(minDelta);
    this.restoreBestWeights = booleanOption(where, 'restoreBestWeights', args.restoreBestWeights ?? false);
    if (args.baseline !== undefined && (typeof args.baseline !== 'number' || !Number.isFinite(args.baseline))) {
      throw new InputError(`${where}: baseline must be a finite number, got ${describe(args.baseline)}`);
    }
    this.baseline = args.baseline;
    this.startFromEpoch = integerAtLeast(where, 'startFromEpoch', args.startFromEpoch ?? 0, 0);
    this.verbose = args.verbose === 1 ? 1 : 0;
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  setParams(params: TrainParams): void {
    checkMonitor('earlyStopping', this.monitor, params);
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestEpoch = -1;
    this.bestWeights.clear();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined || Number.isNaN(current) || epoch < this.startFromEpoch) return;
    const model = this.model!;
    // Keras: before any improvement, the first watched epoch's weights are the best.
    if (this.restoreBestWeights && !this.bestWeights.taken) {
      this.bestWeights.take(model);
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (improves(this.mode, current, this.best, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights.take(model);
      if (this.baseline === undefined || improves(this.mode, current, this.baseline, this.minDelta)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch >= 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping (${this.monitor} did not improve for ${countOf(this.wait, 'epoch')})`);
    if (this.restoreBestWeights && this.bestWeights.taken) {
      if (this.verbose) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.bestWeights.restore(this.model!);
    }
  }
}
