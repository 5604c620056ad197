import type { Matrix } from '../core/matrix.js';
import type { Loss } from '../losses/loss.js';
import type { Metric } from './metric.js';

/** Index of the largest value in row i (the first, on ties). */
export function argmaxRow(m: Matrix, i: number): number {
  const k = m.cols;
  const o = i * k;
  let best = 0;
  let bestValue = m.data[o]!;
  for (let c = 1; c < k; c++) {
    const v = m.data[o + c]!;
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

/**
 * Accuracy in the form the loss implies: binary (one output, threshold 0.5; 0 for logits),
 * multi-label (binary cross-entropy over several outputs: the fraction of outputs right),
 * categorical (argmax of prediction against argmax of one-hot) or sparse (argmax against label).
 */
export function accuracyMetric(loss: Loss): Metric {
  let correct = 0;
  let total = 0;
  const threshold = loss.config.fromLogits ? 0 : 0.5;
  const elementwise = loss.name === 'binaryCrossentropy';
  return {
    name: 'accuracy',
    reset() {
      correct = 0;
      total = 0;
    },
    update(p, y) {
      if (loss.targets === 'sparse') {
        for (let i = 0; i < p.rows; i++) if (argmaxRow(p, i) === y.data[i]) correct++;
        total += p.rows;
      } else if (elementwise || p.cols === 1) {
        const n = p.rows * p.cols;
        for (let i = 0; i < n; i++) if (p.data[i]! > threshold === y.data[i]! > 0.5) correct++;
        total += n;
      } else {
        for (let i = 0; i < p.rows; i++) if (argmaxRow(p, i) === argmaxRow(y, i)) correct++;
        total += p.rows;
      }
    },
    result() {
      return total === 0 ? NaN : correct / total;
    },
  };
}
