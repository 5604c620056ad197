import type { Callback, Logs } from './callback.js';

/** What `fit` returns: every logged value per epoch, as Keras' History. */
export class History implements Callback {
  /** The epoch numbers run (0-based, counting from initialEpoch). */
  readonly epoch: number[] = [];
  /** Per log name (`loss`, `val_accuracy`, `lr`, ...) its value in each epoch. */
  readonly history: Record<string, number[]> = {};
  /** False when the epoch limit was reached while the training loss was still falling. */
  converged = true;
  /** Number of optimiser steps taken. */
  iterations = 0;
  /** Warnings raised during fit (convergence, divergence, ...). */
  readonly warnings: string[] = [];
  /** The epoch a stop request cut short and fit undid (fit's `discardPartialEpoch`), if any. */
  discardedEpoch: number | undefined;

  onWarning(message: string): void {
    this.warnings.push(message);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      const series = this.history[k] ?? (this.history[k] = []);
      series.push(v);
    }
  }
}
