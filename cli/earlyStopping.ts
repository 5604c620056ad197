import type { Callback, Logs, Sequential, WeightArray } from '../src/index.js';

/**
 * Stops training when the monitored loss (val_loss, or loss without validation) has not improved
 * for `patience` epochs, and puts back the best weights seen.
 *
 * INTEGRATION POINT: the library's `callbacks.earlyStopping({ monitor, patience, minDelta,
 * restoreBestWeights })` (issue: training toolkit) does the same; when it lands, `train` should
 * use it and this file can go.
 */
export class LocalEarlyStopping implements Callback {
  private model: Sequential | undefined;
  private best = Infinity;
  private bestWeights: WeightArray[] | undefined;
  private wait = 0;
  /** The epoch (1-based) training stopped after, if it did. */
  stoppedEpoch: number | undefined;
  bestEpoch: number | undefined;

  constructor(private readonly patience: number, private readonly monitor: 'val_loss' | 'loss') {}

  setModel(model: Sequential): void {
    this.model = model;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const v = logs[this.monitor];
    if (v === undefined || Number.isNaN(v)) return;
    if (v < this.best) {
      this.best = v;
      this.bestEpoch = epoch + 1;
      this.wait = 0;
      this.bestWeights = this.model!.getWeights();
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch + 1;
      this.model!.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch !== undefined && this.bestWeights !== undefined) this.model!.setWeights(this.bestWeights);
  }
}
