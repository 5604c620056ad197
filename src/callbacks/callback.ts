import type { Sequential } from '../model/sequential.js';

/** Plain-number logs with Keras' names: loss, accuracy, val_loss, val_accuracy, lr. */
export type Logs = Record<string, number>;

/**
 * Hooks called by `fit`. Any may be async; `fit` waits for it. Set `model.stopTraining = true`
 * from any hook to end training after the current batch.
 */
export interface Callback {
  setModel?(model: Sequential): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** A diagnosis raised during fit (not converging, saturated layer, ...); History records them all. */
  onWarning?(message: string): void;
  /** Receives the function that raises a warning to every callback of this fit (diagnostics use it). */
  setWarningSink?(warn: (message: string) => void): void;
}

/** Reports a warning to every callback that listens. */
export function emitWarning(list: CallbackList, message: string): void {
  for (const c of list.callbacks) c.onWarning?.(message);
}

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/** Calls a hook on every callback in order, awaiting only what returns a promise. */
export class CallbackList {
  readonly hasBatchHooks: boolean;
  constructor(readonly callbacks: readonly Callback[], model: Sequential) {
    for (const c of callbacks) {
      c.setModel?.(model);
      c.setWarningSink?.((message) => emitWarning(this, message));
    }
    this.hasBatchHooks = callbacks.some((c) => c.onBatchBegin !== undefined || c.onBatchEnd !== undefined);
  }

  async call(hook: 'onTrainBegin' | 'onTrainEnd', logs: Logs): Promise<void>;
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
