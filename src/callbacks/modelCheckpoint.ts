import { InputError } from '../core/errors.js';
import { booleanOption, checkKeys, describe } from '../core/validate.js';
import type { Sequential, WeightArray } from '../model/sequential.js';
import type { Callback, Logs, TrainParams } from '../model/callback.js';
import { checkMonitor, improves, monitorName, resolveMode, type MonitorMode } from './monitor.js';

/** One saved state: the epoch (0-based), its logs and every weight tensor in getWeights' layout. */
export interface Checkpoint {
  readonly epoch: number;
  readonly logs: Readonly<Logs>;
  readonly weights: WeightArray[];
}

/** Options of callbacks.modelCheckpoint. */
export interface ModelCheckpointArgs {
  /** The log that decides "best"; default 'val_loss'. */
  monitor?: string;
  mode?: MonitorMode;
  /** Save only when the monitored value improves; default false (every epoch). */
  saveBestOnly?: boolean;
  /**
   * Where a checkpoint goes besides memory: called with each one and awaited (the CLI plugs a
   * model-file writer in here). Default: memory only.
   */
  save?: (checkpoint: Checkpoint, model: Sequential) => void | Promise<void>;
  verbose?: 0 | 1;
}

/**
 * Keras' ModelCheckpoint: at the end of every epoch (or only when the monitored value improves,
 * with saveBestOnly) it keeps a copy of the weights in memory (`latest`) and hands it to `save`.
 * `restore()` puts the kept weights back into the model.
 */
export class ModelCheckpoint implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly saveBestOnly: boolean;
  readonly verbose: 0 | 1;
  /** The last checkpoint kept; undefined before the first. */
  latest: Checkpoint | undefined;
  /** Best monitored value seen (with saveBestOnly). */
  best = Infinity;
  private readonly saver: ModelCheckpointArgs['save'];
  private model: Sequential | undefined;

  constructor(args: ModelCheckpointArgs = {}) {
    const where = 'modelCheckpoint';
    checkKeys(where, args, ['monitor', 'mode', 'saveBestOnly', 'save', 'verbose']);
    this.monitor = monitorName(where, args.monitor, 'val_loss');
    this.mode = resolveMode(where, this.monitor, args.mode ?? 'auto');
    this.saveBestOnly = booleanOption(where, 'saveBestOnly', args.saveBestOnly ?? false);
    if (args.save !== undefined && typeof args.save !== 'function') throw new InputError(`${where}: save must be a function, got ${describe(args.save)}`);
    this.saver = args.save;
    this.verbose = args.verbose === 1 ? 1 : 0;
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  setParams(params: TrainParams): void {
    if (this.saveBestOnly) checkMonitor('modelCheckpoint', this.monitor, params);
  }

  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined || !improves(this.mode, current, this.best, 0)) return;
      if (this.verbose) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving the weights`);
      this.best = current;
    }
    const model = this.model!;
    this.latest = { epoch, logs: { ...logs }, weights: model.getWeights() };
    if (this.saver) await this.saver(this.latest, model);
  }

  /** Sets the model's weights to the last checkpoint; false when there is none. */
  restore(): boolean {
    if (this.latest === undefined || this.model === undefined) return false;
    this.model.setWeights(this.latest.weights);
    return true;
  }
}
