import type { Matrix } from '../core/matrix.js';
import type { Loss } from '../losses/loss.js';

/**
 * A metric accumulated over batches: reset, update per batch, result at the end.
 * `yTrue` has the loss's target layout (one column of class indices for the sparse loss).
 */
export interface Metric {
  /** The name logs use: `accuracy`, and `val_accuracy` for validation. */
  readonly name: string;
  reset(): void;
  update(yPred: Matrix, yTrue: Matrix): void;
  result(): number;
}

/** Builds a metric for the compiled loss, which tells binary, categorical and sparse targets apart. */
export type MetricFactory = (loss: Loss) => Metric;
