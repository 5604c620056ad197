import type { Callback, Logs } from './callback.js';

/** What `fit` returns: every logged value per epoch, as Keras' History. */
export class History implements Callback {
  /** The epoch numbers run (0-based, counting from initialEpoch). */
  readonly epoch: number[] = [];
  /** Per log name (`loss`, `val_accuracy`, `lr`, ...) its value in each epoch. */
  readonly history: Record<string, number[]> = {};
  /** False when the epoch limit was reached while the training loss was still falling (`stillFalling`). */
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

/** How a loss curve was still falling at its end: from `from` to `to` over its last `over` epochs. */
export interface StillFalling {
  readonly from: number;
  readonly to: number;
  readonly over: number;
}

/** How many of a curve's last epochs decide whether it is still falling: a tenth of it, at least 3. */
export function fallingWindow(epochs: number): number {
  return Math.max(3, Math.ceil(epochs / 10));
}

/**
 * Whether a loss curve was still falling when it ended: its lowest value is in its last two
 * epochs and it fell by more than 1 % over its last `fallingWindow` epochs (a curve shorter than
 * that: lowest at its last epoch). The one rule behind fit's "maximum epochs reached" warning,
 * `History.converged` and the verdict's "still improving", so they never disagree. Non-finite
 * values are skipped.
 */
export function stillFalling(series: readonly number[]): StillFalling | undefined {
  const v = series.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n < 2) return undefined;
  let best = 0;
  for (let i = 1; i < n; i++) if (v[i]! < v[best]!) best = i;
  const window = fallingWindow(n);
  const last = v[n - 1]!;
  if (n > window) {
    const from = v[n - 1 - window]!;
    return best >= n - 2 && last < from * (1 - 0.01) - 1e-12 ? { from, to: last, over: window } : undefined;
  }
  return best === n - 1 ? { from: v[0]!, to: last, over: n - 1 } : undefined;
}
