import type { Matrix } from '../core/matrix.js';
import type { Loss } from '../losses/loss.js';

/**
 * A metric accumulated over batches: reset, update per batch, result at the end.
 * `yTrue` has the loss's target layout (one column of class indices for the sparse loss).
 */
export interface Metric {
  /** The name logs use: `accuracy`, and `val_accuracy` for validation. */
  readonly name: string;
  /** Forgets what was accumulated (called at the start of each epoch). */
  reset(): void;
  /** Accumulates one batch of predictions and targets. */
  update(yPred: Matrix, yTrue: Matrix): void;
  /** The metric over everything accumulated since reset. */
  result(): number;
}

/** Builds a metric for the compiled loss, which tells binary, categorical and sparse targets apart. */
export type MetricFactory = (loss: Loss) => Metric;
