import { InputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { Loss } from '../losses/loss.js';
import type { Metric } from './metric.js';
import { aboveThreshold, argmaxRow } from '../core/labels.js';

export { argmaxRow };

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
        for (let i = 0; i < n; i++) if (aboveThreshold(p.data[i]!, threshold) === aboveThreshold(y.data[i]!, 0.5)) correct++;
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

/** Keras' binaryAccuracy: the fraction of outputs on the right side of 0.5 (0 for logits), for one or several (multi-label) outputs. */
export function binaryAccuracyMetric(loss: Loss): Metric {
  return countingMetric('binaryAccuracy', (p, y) => {
    const threshold = loss.config.fromLogits ? 0 : 0.5;
    const n = p.rows * p.cols;
    let right = 0;
    for (let i = 0; i < n; i++) if (aboveThreshold(p.data[i]!, threshold) === aboveThreshold(y.data[i]!, 0.5)) right++;
    return [right, n];
  });
}

/** Keras' categoricalAccuracy: argmax of the prediction equals argmax of the one-hot target. */
export function categoricalAccuracyMetric(loss: Loss): Metric {
  if (loss.targets === 'sparse') throw new InputError('metric "categoricalAccuracy" needs one-hot targets; with sparseCategoricalCrossentropy use "sparseCategoricalAccuracy" or "accuracy"');
  return countingMetric('categoricalAccuracy', (p, y) => {
    let right = 0;
    for (let i = 0; i < p.rows; i++) if (argmaxRow(p, i) === argmaxRow(y, i)) right++;
    return [right, p.rows];
  });
}

/** Keras' sparseCategoricalAccuracy: argmax of the prediction equals the class index. */
export function sparseCategoricalAccuracyMetric(loss: Loss): Metric {
  if (loss.targets !== 'sparse') throw new InputError('metric "sparseCategoricalAccuracy" needs class-index targets (sparseCategoricalCrossentropy); use "categoricalAccuracy" or "accuracy"');
  return countingMetric('sparseCategoricalAccuracy', (p, y) => {
    let right = 0;
    for (let i = 0; i < p.rows; i++) if (argmaxRow(p, i) === y.data[i]) right++;
    return [right, p.rows];
  });
}

function countingMetric(name: string, count: (p: Matrix, y: Matrix) => [number, number]): Metric {
  let right = 0;
  let total = 0;
  return {
    name,
    reset() {
      right = 0;
      total = 0;
    },
    update(p, y) {
      const [r, n] = count(p, y);
      right += r;
      total += n;
    },
    result: () => (total === 0 ? NaN : right / total),
  };
}
