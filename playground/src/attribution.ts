/**
 * Which input features pushed the output at one point of the plane, and which way: integrated
 * gradients of the page's model (the library's featureAttribution, the engine's exact gradient)
 * from the origin, where every feature (x₁, x₂, x₁², x₁x₂, sin πx₁, ...) is 0, to the point. Pure:
 * the worker runs it on its model, the tests on a rebuilt one.
 */
import { featureAttribution, type Sequential } from '../../src/index.js';
import type { PlayData } from './data.js';
import { expandFeatures, type FeatureName } from './features.js';

/** What the page shows for the point under the mouse. */
export interface PointAttribution {
  /** The point in data coordinates ([x₁, x₂], or [x] for 1-D data). */
  point: number[];
  /** The network's input features, in input order. */
  features: FeatureName[];
  /** Their values at the point. */
  values: number[];
  /** What is explained: "P(class 1)", the predicted class's probability, or the regression output. */
  label: string;
  /** The output unit explained. */
  unit: number;
  output: number;
  /** The output at the origin (the baseline). */
  baselineOutput: number;
  /** Per feature, in input order: its share of output − baselineOutput. */
  attributions: number[];
  residual: number;
  steps: number;
}

/** Path points of the integral: 64 keep the residual small on the playground's networks and cost one batch of 64. */
export const ATTRIBUTION_STEPS = 64;

/** Integrated gradients at `point` for the page's model: a binary model's P(last class), a multi-class model's predicted class, a regression's output. */
export function attributePoint(model: Sequential, data: Pick<PlayData, 'task' | 'classNames' | 'inputDim'>, features: readonly FeatureName[], point: readonly number[]): PointAttribution {
  const at = point.slice(0, data.inputDim);
  const x = expandFeatures([at], features)[0]!;
  const origin = expandFeatures([at.map(() => 0)], features)[0]!;
  let unit = 0;
  if (data.task === 'multiclass') {
    const p = model.predict([x])[0]!;
    unit = p.indexOf(Math.max(...p));
  }
  const label = data.task === 'regression' ? data.classNames[0] ?? 'y' : `P(${data.classNames[data.task === 'binary' ? 1 : unit] ?? `class ${unit}`})`;
  const a = featureAttribution(model, x, { baseline: origin, unit, steps: ATTRIBUTION_STEPS });
  return {
    point: at, features: [...features], values: x, label, unit,
    output: a.output, baselineOutput: a.baselineOutput, attributions: [...a.attributions], residual: a.residual, steps: ATTRIBUTION_STEPS,
  };
}
