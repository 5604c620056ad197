import { lookupName } from '../core/names.js';
import type { Loss } from '../losses/loss.js';
import { accuracyMetric } from './accuracy.js';
import type { Metric, MetricFactory } from './metric.js';

export type { Metric, MetricFactory } from './metric.js';
export { accuracyMetric, argmaxRow } from './accuracy.js';

/** Metrics usable by name in `compile({ metrics: [...] })`. */
const registry = new Map<string, MetricFactory>([
  ['accuracy', accuracyMetric],
  ['acc', accuracyMetric],
]);

export type MetricSpec = string | MetricFactory;

export function getMetric(spec: MetricSpec, loss: Loss): Metric {
  const factory = typeof spec === 'function' ? spec : lookupName('metric', spec, registry);
  return factory(loss);
}

export function metricNames(): string[] {
  return [...registry.keys()];
}
