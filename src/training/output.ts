import { InputError } from '../core/errors.js';
import { classDecisions } from '../core/labels.js';
import { Matrix } from '../core/matrix.js';
import type { ActivationName } from '../activations.js';
import type { LossName } from '../losses/index.js';
import type { TargetSpec } from '../data/schema.js';
import type { TableTarget } from '../data/targetReader.js';

/** What a target asks for: a binary or multi-class classifier, or a regressor. */
export type Task = 'binary' | 'multiclass' | 'regression';

/** What the output end of the network is, given the target. */
export interface OutputPlan {
  readonly task: Task;
  readonly units: number;
  readonly activation: ActivationName;
  readonly loss: LossName;
  readonly metrics: readonly string[];
}

/** The task a target asks for: numbers → regression, two classes → binary, more → multi-class. */
export function taskOf(target: TargetSpec): Task {
  if (target.kind === 'numeric') return 'regression';
  return target.classes.length === 2 ? 'binary' : 'multiclass';
}

const CLASSIFICATION_LOSSES: readonly LossName[] = ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'];

/**
 * Output units, activation, loss and metrics from the target (Keras' usual choices), the one
 * rule every front-end uses: binary → 1 sigmoid + binary cross-entropy; multi-class → k softmax
 * + sparse categorical cross-entropy (class indices, no one-hot copy); regression → one linear
 * unit per target column + mse. A given loss must suit the task (InputError otherwise).
 */
export function planOutput(target: TargetSpec, loss?: LossName): OutputPlan {
  const task = taskOf(target);
  if (task === 'regression') {
    if (loss !== undefined && CLASSIFICATION_LOSSES.includes(loss)) {
      throw new InputError(`loss ${loss} is for classification but the target ${target.names.map((n) => JSON.stringify(n)).join(', ')} is numeric; use mse, mae or sse, or task classification`);
    }
    return { task, units: target.names.length, activation: 'linear', loss: loss ?? 'mse', metrics: [] };
  }
  const k = target.kind === 'classes' ? target.classes.length : 2;
  if (task === 'binary') {
    if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') {
      return { task, units: 2, activation: 'softmax', loss, metrics: ['accuracy'] };
    }
    return { task, units: 1, activation: 'sigmoid', loss: loss ?? 'binaryCrossentropy', metrics: ['accuracy'] };
  }
  if (loss === 'binaryCrossentropy') throw new InputError(`binaryCrossentropy needs two classes; the target has ${k}; use sparseCategoricalCrossentropy or categoricalCrossentropy`);
  return { task, units: k, activation: 'softmax', loss: loss ?? 'sparseCategoricalCrossentropy', metrics: ['accuracy'] };
}

/**
 * The class index per row from model outputs, the one decision rule: one output → class 1 when
 * p > 0.5 (Keras' binary accuracy); several → the first largest (argmax).
 */
export function classCodes(p: Matrix): Int32Array {
  return classDecisions(p);
}

/**
 * Targets of the given rows (all when undefined) in the layout the loss expects: a column of class
 * indices (binary 0/1 and sparse categorical), one-hot rows (categorical cross-entropy), or the
 * numeric targets.
 */
export function targetMatrix(y: TableTarget, rows: readonly number[] | undefined, plan: OutputPlan): Matrix {
  if (y.kind === 'numeric') {
    const n = rows ? rows.length : y.values.rows;
    const m = Matrix.zeros(n, y.values.cols, 'float32');
    const d = y.values.cols;
    for (let i = 0; i < n; i++) {
      const r = rows ? rows[i]! : i;
      m.data.set(y.values.data.subarray(r * d, (r + 1) * d), i * d);
    }
    return m;
  }
  return classTargets(y.codes, rows, plan);
}

/** Class codes → the loss's layout (see targetMatrix). */
export function classTargets(codes: ArrayLike<number>, rows: readonly number[] | undefined, plan: OutputPlan): Matrix {
  const n = rows ? rows.length : codes.length;
  const oneHot = plan.loss !== 'sparseCategoricalCrossentropy' && plan.units > 1;
  const cols = oneHot ? plan.units : 1;
  const m = Matrix.zeros(n, cols, 'float32');
  for (let i = 0; i < n; i++) {
    const c = codes[rows ? rows[i]! : i]!;
    if (oneHot) m.data[i * cols + c] = 1;
    else m.data[i] = c;
  }
  return m;
}
