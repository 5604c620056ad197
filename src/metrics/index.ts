import { lookupName } from '../core/names.js';
import type { Loss } from '../losses/loss.js';
import { accuracyMetric, binaryAccuracyMetric, categoricalAccuracyMetric, sparseCategoricalAccuracyMetric } from './accuracy.js';
import { classScoreMetric } from './classification.js';
import { maeMetric, mseMetric, r2Metric } from './regression.js';
import * as functions from './functions.js';
import type { Metric, MetricFactory } from './metric.js';

export type { Metric, MetricFactory } from './metric.js';
export { accuracyMetric, argmaxRow, binaryAccuracyMetric, categoricalAccuracyMetric, sparseCategoricalAccuracyMetric } from './accuracy.js';
export { ConfusionCounter, classScoreMetric } from './classification.js';
export { mseMetric, maeMetric, r2Metric, r2FromSums, TotalSquares } from './regression.js';
export type { Average, ClassCounts } from './counts.js';
export { addToConfusion, confusionCounts } from './counts.js';
export type { Layout } from './classification.js';
export type { Values } from './functions.js';
export type { ClassScoreArgs, ConfusionMatrixArgs } from './functions.js';

/**
 * Metrics usable by name in `compile({ metrics: [...] })`; the log uses the name given
 * (`val_` prefixed for validation). precision/recall/f1 without a suffix mean the positive class
 * for one output and the macro average for several classes or labels.
 */
const registry = new Map<string, MetricFactory>([
  ['accuracy', accuracyMetric],
  ['acc', accuracyMetric],
  ['binaryAccuracy', binaryAccuracyMetric],
  ['categoricalAccuracy', categoricalAccuracyMetric],
  ['sparseCategoricalAccuracy', sparseCategoricalAccuracyMetric],
  ['precision', classScoreMetric('precision', 'precision', undefined)],
  ['recall', classScoreMetric('recall', 'recall', undefined)],
  ['f1', classScoreMetric('f1', 'f1', undefined)],
  ['precisionMacro', classScoreMetric('precisionMacro', 'precision', 'macro')],
  ['precisionMicro', classScoreMetric('precisionMicro', 'precision', 'micro')],
  ['recallMacro', classScoreMetric('recallMacro', 'recall', 'macro')],
  ['recallMicro', classScoreMetric('recallMicro', 'recall', 'micro')],
  ['f1Macro', classScoreMetric('f1Macro', 'f1', 'macro')],
  ['f1Micro', classScoreMetric('f1Micro', 'f1', 'micro')],
  ['mse', mseMetric],
  ['mae', maeMetric],
  ['r2', r2Metric],
]);

/** A metric by name (`accuracy`, `precision`, `f1`, `mse`, ...) or a factory. */
export type MetricSpec = string | MetricFactory;

/** The Metric for a name or factory, fitted to the compiled loss; an unknown name is an InputError listing the known ones. */
export function getMetric(spec: MetricSpec, loss: Loss): Metric {
  const factory = typeof spec === 'function' ? spec : lookupName('metric', spec, registry);
  return factory(loss);
}

/** Every metric name compile accepts. */
export function metricNames(): string[] {
  return [...registry.keys()];
}

/**
 * Metrics as plain functions (scikit-learn style) on label arrays or numbers:
 * `metrics.f1Score(yTrue, model.predictClasses(x), { average: 'macro' })`, `metrics.confusionMatrix(...)`,
 * `metrics.r2Score(y, model.predict(x))`.
 */
export const metrics = {
  /** Share of labels predicted exactly. */
  accuracyScore: functions.accuracyScore,
  /** tp/(tp + fp) per class, averaged (macro by default). */
  precisionScore: functions.precisionScore,
  /** tp/(tp + fn) per class, averaged (macro by default). */
  recallScore: functions.recallScore,
  /** The harmonic mean of precision and recall per class, averaged. */
  f1Score: functions.f1Score,
  /** Counts of (true label, predicted label) pairs. */
  confusionMatrix: functions.confusionMatrix,
  /** Mean of the squared differences. */
  meanSquaredError: functions.meanSquaredError,
  /** Mean of the absolute differences. */
  meanAbsoluteError: functions.meanAbsoluteError,
  /** The coefficient of determination R² = 1 − SS_res/SS_tot. */
  r2Score: functions.r2Score,
};
