import { Matrix } from '../core/matrix.js';
import { ShapeError } from '../core/errors.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import type { Sequential } from '../model/sequential.js';
import { ExplanationInputError } from './errors.js';
import { meanPathGradient } from './path.js';

/** Options of featureAttribution. */
export interface FeatureAttributionArgs {
  /** The reference input; default all zeros. */
  baseline?: readonly number[];
  /** The output unit explained; default 0. */
  unit?: number;
  /** 'integratedGradients' (default) or 'gradientTimesInput'. */
  method?: 'integratedGradients' | 'gradientTimesInput';
  /** Integrated gradients: points of the path integral (midpoint rule); default 100. */
  steps?: number;
}

/** One input's attribution of a model output, for a model without a table pipeline. */
export interface FeatureAttribution {
  readonly unit: number;
  /** ŷ_unit(x). */
  readonly output: number;
  /** ŷ_unit(baseline). */
  readonly baselineOutput: number;
  /** Per model input: its share of output − baselineOutput. */
  readonly attributions: readonly number[];
  /** Σ attributions − (output − baselineOutput). */
  readonly residual: number;
}

/**
 * Integrated gradients (or gradient × input) of one output unit over a model's own inputs: the
 * same rule as integratedGradients, for a model fed numbers directly (the playground's features
 * x₁, x₂, x₁², sin πx₁, ...). attribution_j = (x_j − b_j) · mean ∂ŷ/∂x_j along the path from b to x.
 */
export function featureAttribution(model: Sequential, x: readonly number[], args: FeatureAttributionArgs = {}): FeatureAttribution {
  const where = 'featureAttribution';
  checkKeys(where, args, ['baseline', 'unit', 'method', 'steps']);
  model.requireBuilt(where);
  const d = model.inputUnits;
  const baseline = args.baseline ?? new Array<number>(d).fill(0);
  if (x.length !== d) throw new ShapeError(`${where}: x has ${x.length} values, the model takes ${d} inputs`);
  if (baseline.length !== d) throw new ShapeError(`${where}: baseline has ${baseline.length} values, the model takes ${d} inputs`);
  for (const [name, v] of [['x', x], ['baseline', baseline]] as const) {
    const bad = v.findIndex((a) => typeof a !== 'number' || !Number.isFinite(a));
    if (bad >= 0) throw new ExplanationInputError(`${where}: ${name}[${bad}] is ${String(v[bad])}, not a finite number`, { field: name });
  }
  const unit = args.unit ?? 0;
  const method = args.method ?? 'integratedGradients';
  if (method !== 'integratedGradients' && method !== 'gradientTimesInput') throw new ExplanationInputError(`${where}: method must be 'integratedGradients' or 'gradientTimesInput', got ${JSON.stringify(method)}`, { field: 'method' });
  const steps = integerAtLeast(where, 'steps', args.steps ?? 100, 1);
  const g = meanPathGradient(model, baseline, x, steps, unit, method === 'gradientTimesInput');
  const ends = model.predictMatrix(new Matrix(2, d, Float64Array.from([...x, ...baseline])));
  const output = ends.data[unit]!;
  const baselineOutput = ends.data[model.outputUnits + unit]!;
  const attributions = x.map((v, j) => g[j]! * (v - baseline[j]!));
  return { unit, output, baselineOutput, attributions, residual: attributions.reduce((a, v) => a + v, 0) - (output - baselineOutput) };
}
