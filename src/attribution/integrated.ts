import { Matrix } from '../core/matrix.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import type { ModelWithPipeline, RawRecord } from '../training/apply.js';
import { pipelineInputs } from '../training/pipeline.js';
import { rawColumns, type RawColumn } from './columns.js';
import { ExplanationInputError } from './errors.js';
import { meanPathGradient } from './path.js';
import { explainedOutputs, isClassification, readOutputs } from './outputs.js';
import { rawValue, subjectTable, typicalTable, type TableRow } from './tables.js';

/** Options of integratedGradients and gradientTimesInput. */
export interface AttributionArgs {
  /**
   * The reference the prediction is compared with: `'typical'` (default: every numeric column at
   * its training median, every categorical column at its most frequent category — the values the
   * pipeline fills in), a raw record, or a row of a table read with the model's schema.
   */
  baseline?: 'typical' | RawRecord | TableRow;
  /** Integrated gradients: points of the path integral (midpoint rule); default 100. */
  steps?: number;
}

/** One raw column's share of a prediction. */
export interface ColumnAttribution {
  readonly column: string;
  readonly kind: RawColumn['kind'];
  /** The row's value (null: missing or a category not seen in training; a date as `yyyy-mm-dd`, `≈` before the typical row's). */
  readonly value: number | string | null;
  /** The baseline's value. */
  readonly baseline: number | string | null;
  /** Per output (in `Attribution.outputs` order): how much this column moved it from the baseline's. */
  readonly attributions: readonly number[];
}

/** One prediction, attributed to the raw columns of the model's table. */
export interface Attribution {
  readonly method: 'integratedGradients' | 'gradientTimesInput';
  /** What is attributed: class probabilities ('classification') or targets in their own units. */
  readonly task: 'classification' | 'regression';
  /** The classes or target names, in the order of every per-output array. */
  readonly outputs: readonly string[];
  /** f(x) per output. */
  readonly prediction: readonly number[];
  /** f(baseline) per output. */
  readonly baselinePrediction: readonly number[];
  /** Every raw column, in the table's order. */
  readonly columns: readonly ColumnAttribution[];
  /**
   * Per output, Σ attributions − (f(x) − f(baseline)): integrated gradients' completeness error
   * (shrinks with more steps; 0 for a linear model); for gradient × input, what a first-order
   * reading of the model misses.
   */
  readonly residual: readonly number[];
  /** Points of the path integral (1 for gradient × input). */
  readonly steps: number;
}

/**
 * Integrated gradients (Sundararajan et al. 2017): attributes one prediction f(x) − f(x′) to the
 * raw columns, attribution_j = (x_j − x′_j) · ∫₀¹ ∂f/∂x_j(x′ + t(x − x′)) dt, by the engine's exact
 * gradient at `steps` midpoints. The path runs straight between the two rows' model inputs (the
 * saved pipeline's outputs for the row and the baseline). The scaler is affine (z = (x − o)/s), so
 * that is the straight path in raw units too and, by the chain rule ∂f/∂x = ∂f/∂z / s, a numeric
 * column's attribution is the same in either; a categorical column's one-hot inputs, a date's
 * features and a missing indicator are summed into their column. The attributions add up to
 * f(x) − f(x′) (completeness) up to the integral's error, reported as `residual`.
 *
 * @example
 * const loaded = loadModel('penguins.bpm');
 * const a = integratedGradients(loaded, { island: 'Biscoe', bill_length_mm: 45.1, ... });
 * a.columns.map((c) => [c.column, c.attributions]);  // per class, in probability
 */
export function integratedGradients(m: ModelWithPipeline, subject: RawRecord | TableRow, args: AttributionArgs = {}): Attribution {
  checkKeys('integratedGradients', args, ['baseline', 'steps']);
  const steps = integerAtLeast('integratedGradients', 'steps', args.steps ?? 100, 1);
  return attribute(m, subject, args, 'integratedGradients', steps);
}

/**
 * Gradient × input: attribution_j = ∂f/∂x_j(x) · (x_j − x′_j), per raw column (its inputs summed),
 * against the same baseline as integratedGradients. One gradient: exact for a linear model, a
 * first-order reading otherwise (`residual` says how far its sum is from f(x) − f(x′)).
 */
export function gradientTimesInput(m: ModelWithPipeline, subject: RawRecord | TableRow, args: Omit<AttributionArgs, 'steps'> = {}): Attribution {
  checkKeys('gradientTimesInput', args, ['baseline']);
  return attribute(m, subject, args, 'gradientTimesInput', 1);
}

function attribute(m: ModelWithPipeline, subject: RawRecord | TableRow, args: AttributionArgs, method: Attribution['method'], steps: number): Attribution {
  const where = method;
  const columns = rawColumns(m, where);
  const rowTable = subjectTable(m, subject, where, 'record');
  const base = args.baseline ?? 'typical';
  if (base !== 'typical' && (typeof base !== 'object' || base === null)) {
    throw new ExplanationInputError(`${where}: baseline must be 'typical', a record or { table, row }, got ${JSON.stringify(base)}`, { field: 'baseline' });
  }
  const baseTable = base === 'typical' ? typicalTable(m, columns, where) : subjectTable(m, base, where, 'baseline');
  const z1 = pipelineInputs(m.preprocessing, rowTable);
  const z0 = pipelineInputs(m.preprocessing, baseTable);
  const outputs = explainedOutputs(m);
  const ends = Matrix.zeros(2, z1.cols, 'float32');
  ends.data.set(z1.data, 0);
  ends.data.set(z0.data, z1.cols);
  const f = readOutputs(outputs, m.network.predictMatrix(ends));
  const k = outputs.length;

  // Mean gradient along the path, once per model output unit (a binary model's two classes share one).
  const meanGradient = new Map<number, Float64Array>();
  for (const o of outputs) {
    if (!meanGradient.has(o.unit)) meanGradient.set(o.unit, meanPathGradient(m.network, z0.data, z1.data, steps, o.unit, method === 'gradientTimesInput'));
  }
  const result: ColumnAttribution[] = columns.map((c) => {
    const attributions = outputs.map((o) => {
      const g = meanGradient.get(o.unit)!;
      let sum = 0;
      for (const j of c.inputs) sum += g[j]! * (z1.data[j]! - z0.data[j]!);
      return o.factor * sum;
    });
    return { column: c.name, kind: c.kind, value: rawValue(rowTable, c), baseline: rawValue(baseTable, c), attributions };
  });
  const prediction = Array.from(f.subarray(0, k));
  const baselinePrediction = Array.from(f.subarray(k, 2 * k));
  const residual = outputs.map((_, o) => result.reduce((a, c) => a + c.attributions[o]!, 0) - (prediction[o]! - baselinePrediction[o]!));
  return { method, task: isClassification(m) ? 'classification' : 'regression', outputs: outputs.map((o) => o.name), prediction, baselinePrediction, columns: result, residual, steps };
}
