import { InputError } from '../core/errors.js';
import { checkKeys, describe, integerAtLeast, numberInRange, positiveNumber } from '../core/validate.js';
import type { Sequential } from '../model/sequential.js';
import type { Callback, Logs, TrainParams } from '../model/callback.js';
import { numericRate } from './learningRateScheduler.js';
import { checkMonitor, improves, monitorName, resolveMode, type MonitorMode } from './monitor.js';

/** Options of callbacks.reduceLROnPlateau, with Keras' names and defaults. */
export interface ReduceLROnPlateauArgs {
  /** Default 'val_loss'. */
  monitor?: string;
  /** New rate = rate · factor, factor in (0, 1); default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing (≥ 0); default 10. */
  patience?: number;
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement; default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again; default 0. */
  cooldown?: number;
  /** The rate is never reduced below this (≥ 0); default 0. */
  minLr?: number;
  verbose?: 0 | 1;
}

/**
 * Keras' ReduceLROnPlateau: when the monitored value has not improved by more than minDelta
 * for `patience` epochs, multiplies the (numeric) learning rate by `factor`, not below minLr,
 * then waits `cooldown` epochs before counting again.
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: 0 | 1;
  best = Infinity;
  wait = 0;
  cooldownCounter = 0;
  /** Every reduction made: epoch (0-based), old and new rate. */
  readonly reductions: { epoch: number; from: number; to: number }[] = [];
  private model: Sequential | undefined;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    const where = 'reduceLROnPlateau';
    checkKeys(where, args, ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr', 'verbose']);
    this.monitor = monitorName(where, args.monitor, 'val_loss');
    this.mode = resolveMode(where, this.monitor, args.mode ?? 'auto');
    const factor = args.factor ?? 0.1;
    if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) throw new InputError(`${where}: factor must be in (0, 1) so the rate goes down, got ${describe(factor)}`);
    this.factor = factor;
    this.patience = integerAtLeast(where, 'patience', args.patience ?? 10, 0);
    this.minDelta = Math.abs(numberInRange(where, 'minDelta', args.minDelta ?? 1e-4, -Infinity, Infinity));
    this.cooldown = integerAtLeast(where, 'cooldown', args.cooldown ?? 0, 0);
    this.minLr = positiveNumber(where, 'minLr', args.minLr ?? 0, true);
    this.verbose = args.verbose === 1 ? 1 : 0;
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  setParams(params: TrainParams): void {
    checkMonitor('reduceLROnPlateau', this.monitor, params);
  }

  onTrainBegin(): void {
    numericRate('reduceLROnPlateau', this.model!);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
    this.reductions.length = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined || Number.isNaN(current)) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (improves(this.mode, current, this.best, this.minDelta)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    // As Keras, the cooldown is checked again after the decrement: its last epoch already counts.
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    const model = this.model!;
    const old = numericRate('reduceLROnPlateau', model);
    if (old > this.minLr) {
      const next = Math.max(old * this.factor, this.minLr);
      if (next > 0) {
        model.session.optimizer.learningRate = next;
        this.reductions.push({ epoch, from: old, to: next });
        if (this.verbose) console.log(`Epoch ${epoch + 1}: reduceLROnPlateau reducing the learning rate from ${old} to ${next}.`);
      }
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}
