import { Matrix } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { featureNames } from '../data/schema.js';
import { standardScaler, minMaxScaler, scalerFromJSON, type Scaler } from '../data/scalers.js';
import type { Table } from '../data/table.js';
import type { Preprocessing } from '../io/modelFile.js';
import { targetMatrix, type OutputPlan } from './output.js';
import type { ScaleKind } from './spec.js';

/** The given rows of m, as a new float32 matrix (the model's dtype). */
export function gatherRows(m: Matrix, rows: readonly number[]): Matrix {
  const out = Matrix.zeros(rows.length, m.cols, 'float32');
  const d = m.cols;
  rows.forEach((r, i) => out.data.set(m.data.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

function makeScaler(kind: ScaleKind): Scaler | undefined {
  return kind === 'standard' ? standardScaler() : kind === 'minmax' ? minMaxScaler() : undefined;
}

/**
 * Fits the preprocessing on the training rows only: the input scaler, and for regression (unless
 * scaling is off) a standard scaler on the targets, so the network learns targets of unit size.
 * The result is plain JSON, saved in the model file.
 */
export function fitPipeline(table: Table, trainRows: readonly number[], scale: ScaleKind, task: OutputPlan['task']): Preprocessing {
  const scaler = makeScaler(scale);
  if (scaler) scaler.fit(gatherRows(table.x, trainRows));
  const targetScaler = task === 'regression' && scale !== 'none' && table.y?.kind === 'numeric' ? standardScaler().fit(gatherRows(table.y.values, trainRows)) : undefined;
  return {
    schema: table.schema,
    featureNames: featureNames(table.schema),
    ...(scaler ? { scaler: scaler.toJSON() } : {}),
    ...(targetScaler ? { targetScaler: targetScaler.toJSON() } : {}),
  };
}

/** Inputs of the given rows (all when undefined) as the model takes them: float32, scaled in place (one copy). */
export function pipelineInputs(pre: Preprocessing, x: Matrix, rows?: readonly number[]): Matrix {
  const out = rows ? gatherRows(x, rows) : x.clone('float32');
  if (pre.scaler) {
    const { offset, scale } = pre.scaler;
    if (offset.length !== out.cols) throw new InputError(`inputs have ${out.cols} features, the model's preprocessing expects ${offset.length}`);
    const d = out.cols;
    for (let i = 0; i < out.rows * d; i++) out.data[i] = (out.data[i]! - offset[i % d]!) / scale[i % d]!;
  }
  return out;
}

/** Targets of the given rows in the loss's layout; regression targets scaled as in training. */
export function pipelineTargets(pre: Preprocessing, table: Table, rows: readonly number[], plan: OutputPlan): Matrix {
  const m = targetMatrix(table.y!, rows, plan);
  return pre.targetScaler ? scalerFromJSON(pre.targetScaler).transform(m, 'float32') : m;
}

/** Model outputs in the target's own units (regression targets un-scaled), float64. */
export function outputsToTargets(pre: Preprocessing, p: Matrix): Matrix {
  return pre.targetScaler ? scalerFromJSON(pre.targetScaler).inverseTransform(p, 'float64') : p.clone('float64');
}
