import {
  InputError, Matrix, minMaxScaler, scalerFromJSON, standardScaler, trainTestSplitIndices,
  type Scaler, type Table, type TableTarget,
} from '../src/index.js';
import type { OutputPlan } from './task.js';

export type ScaleKind = 'standard' | 'minmax' | 'none';

export interface Split {
  readonly train: readonly number[];
  readonly validation: readonly number[];
  /** Why there is no validation part, when there is none although one was asked for. */
  readonly note: string | undefined;
}

/**
 * Seeded train/validation split of the table's rows, stratified by class for classification, so
 * that sorted files (iris is sorted by species) still put every class in both parts.
 */
export function splitRows(table: Table, fraction: number, seed: number): Split {
  const all = Array.from({ length: table.rows }, (_, i) => i);
  if (fraction === 0) return { train: all, validation: [], note: undefined };
  const y = table.y;
  const labels = y?.kind === 'classes' ? y.codes : undefined;
  try {
    const { train, test } = trainTestSplitIndices(table.rows, labels, { testSize: fraction, seed, stratify: labels !== undefined });
    return { train, validation: test, note: undefined };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { train: all, validation: [], note: `${table.rows} rows are too few for a ${fraction} validation split; training on all of them without validation` };
  }
}

/** The given rows of m, as a new matrix in float32 (the model's dtype). */
export function gatherRows(m: Matrix, rows: readonly number[]): Matrix {
  const out = Matrix.zeros(rows.length, m.cols, 'float32');
  const d = m.cols;
  rows.forEach((r, i) => out.data.set(m.data.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

export function makeScaler(kind: ScaleKind): Scaler | undefined {
  return kind === 'standard' ? standardScaler() : kind === 'minmax' ? minMaxScaler() : undefined;
}

/** Inputs of the given rows, scaled in place (one copy of the data, not two). */
export function inputs(table: Table, rows: readonly number[], scaler: Scaler | undefined): Matrix {
  const x = gatherRows(table.x, rows);
  if (scaler) scaleInPlace(x, scaler);
  return x;
}

/** x ← (x − offset)/scale column by column, with a fitted scaler's statistics. */
export function scaleInPlace(x: Matrix, scaler: Scaler): void {
  const { offset, scale } = scaler.toJSON();
  const d = x.cols;
  for (let i = 0; i < x.rows * d; i++) x.data[i] = (x.data[i]! - offset[i % d]!) / scale[i % d]!;
}

/**
 * Targets in the layout the loss expects: a column of class indices (binary: 0/1; sparse
 * categorical), one-hot rows (categorical), or the numeric targets (scaled when a target scaler
 * is given).
 */
export function targets(y: TableTarget, rows: readonly number[], plan: OutputPlan, targetScaler: Scaler | undefined): Matrix {
  if (y.kind === 'numeric') {
    const m = gatherRows(y.values, rows);
    return targetScaler ? targetScaler.transform(m, 'float32') : m;
  }
  const oneHot = plan.loss !== 'sparseCategoricalCrossentropy' && plan.units > 1;
  const cols = oneHot ? plan.units : 1;
  const m = Matrix.zeros(rows.length, cols, 'float32');
  rows.forEach((r, i) => {
    const c = y.codes[r]!;
    if (oneHot) m.data[i * cols + c] = 1;
    else m.data[i] = c;
  });
  return m;
}

/** Rebuilds a saved scaler, if any. */
export function savedScaler(json: Parameters<typeof scalerFromJSON>[0] | undefined): Scaler | undefined {
  return json === undefined ? undefined : scalerFromJSON(json);
}
