import type { DivergenceData } from '../core/errors.js';
import type { Model } from './types.js';
import type { StepRecorder } from './step.js';

/** Plain-number logs with Keras' names: loss, accuracy, val_loss, val_accuracy, lr. */
export type Logs = Record<string, number>;

/** What `fit` tells callbacks before training starts (Keras' `callback.params`). */
export interface TrainParams {
  /** The epoch limit (epochs are numbered from initialEpoch to epochs − 1). */
  readonly epochs: number;
  readonly initialEpoch: number;
  /** Optimiser steps (batches) per epoch; undefined on a dataset without stepsPerEpoch (unknown until it ends). */
  readonly steps: number | undefined;
  /** Training rows per epoch; undefined on a dataset. */
  readonly samples: number | undefined;
  readonly batchSize: number;
  readonly verbose: 0 | 1;
  /** Every name the epoch logs of this fit will hold: loss, metrics, val_*, lr. */
  readonly metrics: readonly string[];
  /** Whether validation data is in use (val_* names are logged). */
  readonly validation: boolean;
}

/**
 * A step that produced a non-finite loss, gradient or weight. The weights are back at their
 * last finite state when callbacks hear of it; unless one sets `model.stopTraining`, fit throws
 * a DivergenceError with `message`.
 */
export interface DivergenceEvent extends DivergenceData {
  readonly message: string;
}

/**
 * Hooks called by `fit`. Any may be async; `fit` waits for it. Set `model.stopTraining = true`
 * from any hook to end training after the current batch.
 */
export interface Callback {
  /** Called by fit before anything else with the model being trained. */
  setModel?(model: Model): void;
  /** Called once before onTrainBegin with what this fit will do; may throw on a bad setting. */
  setParams?(params: TrainParams): void;
  /** Called once when training starts. */
  onTrainBegin?(logs: Logs): void | Promise<void>;
  /** Called once when training ends (also after early stopping or an interrupt), with the last epoch's logs. */
  onTrainEnd?(logs: Logs): void | Promise<void>;
  /** Called at the start of each epoch (0-based, counting from initialEpoch). */
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** Called at the end of each epoch with its logs: loss, metrics, val_* and lr. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Called before each optimiser step (batch index within the epoch). */
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** Called after each optimiser step with the running logs of the epoch. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** A diagnosis raised during fit (not converging, saturated layer, ...); History records them all. */
  onWarning?(message: string): void;
  /** Receives the function that raises a warning to every callback of this fit (diagnostics use it). */
  setWarningSink?(warn: (message: string) => void): void;
  /** A non-finite loss, gradient or weight (weights already restored); set stopTraining to end cleanly. */
  onDivergence?(event: DivergenceEvent): void;
  /**
   * A recorder to watch the coming batch's forward and backward pass layer by layer (layer
   * statistics), or undefined to skip this batch. Asked once per batch.
   */
  stepRecorder?(): StepRecorder | undefined;
}

/** Reports a warning to every callback that listens. */
export function emitWarning(list: CallbackList, message: string): void {
  for (const c of list.callbacks) c.onWarning?.(message);
}

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/** Calls a hook on every callback in order, awaiting only what returns a promise. */
export class CallbackList {
  readonly hasBatchHooks: boolean;
  private readonly watchers: readonly Callback[];
  private readonly active: StepRecorder[] = [];
  /** Forwards to every recorder asked for the current batch (built once, so a batch allocates nothing). */
  private readonly fanOut: StepRecorder = {
    forward: (i, layer, input, output) => {
      for (const r of this.active) r.forward?.(i, layer, input, output);
    },
    backward: (i, layer, dOutput, dInput, fused) => {
      for (const r of this.active) r.backward?.(i, layer, dOutput, dInput, fused);
    },
  };

  constructor(readonly callbacks: readonly Callback[], model: Model) {
    this.watchers = callbacks.filter((c) => c.stepRecorder !== undefined);
    for (const c of callbacks) {
      c.setModel?.(model);
      c.setWarningSink?.((message) => emitWarning(this, message));
    }
    this.hasBatchHooks = callbacks.some((c) => c.onBatchBegin !== undefined || c.onBatchEnd !== undefined);
  }

  /** The recorder for the coming batch: undefined when no callback watches it (the step then records nothing). */
  recorder(): StepRecorder | undefined {
    if (this.watchers.length === 0) return undefined;
    this.active.length = 0;
    for (const c of this.watchers) {
      const r = c.stepRecorder!();
      if (r !== undefined) this.active.push(r);
    }
    return this.active.length === 0 ? undefined : this.active.length === 1 ? this.active[0] : this.fanOut;
  }

  /** Tells every callback the parameters of this fit. */
  setParams(params: TrainParams): void {
    for (const c of this.callbacks) c.setParams?.(params);
  }

  /** Calls a training-level hook on every callback in order. */
  async call(hook: 'onTrainBegin' | 'onTrainEnd', logs: Logs): Promise<void>;
  /** Calls an epoch- or batch-level hook on every callback in order. */
  async call(hook: 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd', index: number, logs: Logs): Promise<void>;
  async call(hook: Hook, a: number | Logs, b?: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const f = c[hook] as ((x: number | Logs, y?: Logs) => void | Promise<void>) | undefined;
      if (f === undefined) continue;
      const r = b === undefined ? f.call(c, a) : f.call(c, a, b);
      if (r !== undefined && typeof (r as Promise<void>).then === 'function') await r;
    }
  }
}
