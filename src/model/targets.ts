import { Matrix, toMatrix, type DType } from '../core/matrix.js';
import { InputError, ShapeError } from '../core/errors.js';
import { describe, listValues } from '../core/validate.js';
import { checkLabelKinds, type Label } from '../core/labels.js';

import type { Loss } from '../losses/loss.js';

export { checkLabelKinds, type Label, type TargetsLike } from '../core/labels.js';

const CLASSIFICATION = new Set(['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy']);

/** Labels in a stable order: numbers ascending, then strings in code-point order. */
function sortedUnique(labels: readonly Label[]): Label[] {
  const uniq = [...new Set(labels)];
  return uniq.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * Turns user targets into the matrix the loss expects, validating them (RELIABILITY N5, V2,
 * V7–V9): one-hot rows for categorical cross-entropy, a column of class indices for the sparse
 * loss, 0/1 columns for binary cross-entropy. Label vectors are mapped through `classes`
 * (found here when not given) so predictions can be turned back into the user's labels.
 */
export function encodeTargets(
  y: unknown,
  loss: Loss,
  outputUnits: number,
  dtype: DType,
  classes: readonly Label[] | undefined,
): { y: Matrix; classes: Label[] | undefined } {
  if (y instanceof Matrix || (Array.isArray(y) && y.length > 0 && (Array.isArray(y[0]) || ArrayBuffer.isView(y[0])))) {
    const m = toMatrix(y, 'y', dtype);
    const expected = loss.targets === 'sparse' ? 1 : outputUnits;
    if (m.cols !== expected) {
      throw new ShapeError(
        `y has shape [${m.rows}, ${m.cols}] but the model output is [${m.rows}, ${outputUnits}]` +
          (loss.targets === 'sparse' ? ' and sparseCategoricalCrossentropy expects one class index per row' : ''),
      );
    }
    if (loss.targets === 'sparse') checkClassIndices(m, outputUnits);
    return { y: m, classes: classes ? [...classes] : undefined };
  }
  if (!Array.isArray(y)) throw new InputError(`y: expected an array of labels or rows, got ${y === null ? 'null' : typeof y}`);
  if (y.length === 0) throw new InputError('y: 0 samples; need at least 1 label');
  const labels = y as Label[];
  labels.forEach((v, i) => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new InputError(`y: row ${i} is ${v}; targets must be finite`);
    } else if (typeof v !== 'string') {
      throw new InputError(`y: row ${i} is ${JSON.stringify(v)}; expected a number or a class name`);
    }
  });
  checkLabelKinds(labels, 'y');
  if (!CLASSIFICATION.has(loss.name)) {
    if (labels.some((v) => typeof v === 'string')) {
      throw new InputError(`y: class names given to the regression loss "${loss.name}"; use a cross-entropy loss for classification`);
    }
    if (outputUnits !== 1) throw new ShapeError(`y has one value per row but the model has ${outputUnits} outputs; give rows of ${outputUnits} values`);
    return { y: toMatrix(labels.map((v) => [v as number]), 'y', dtype), classes: undefined };
  }
  const known = classes ? [...classes] : inferClasses(labels, loss, outputUnits);
  const index = new Map<Label, number>(known.map((c, i) => [c, i]));
  const codes = labels.map((v, i) => {
    const k = index.get(v);
    if (k === undefined) {
      throw new InputError(`y: row ${i} has label ${describe(v)}, which is not one of the model's classes [${listValues(known, true)}]`);
    }
    return k;
  });
  const n = labels.length;
  if (loss.name === 'binaryCrossentropy') {
    if (outputUnits !== 1) throw new ShapeError(`y has one label per row; binaryCrossentropy with ${outputUnits} outputs needs rows of ${outputUnits} values (multi-label)`);
    const m = Matrix.zeros(n, 1, dtype);
    codes.forEach((c, i) => (m.data[i] = c));
    return { y: m, classes: known };
  }
  if (known.length > outputUnits) {
    throw new ShapeError(`y has ${known.length} classes but the output layer has ${outputUnits} units`);
  }
  if (loss.targets === 'sparse') {
    const m = Matrix.zeros(n, 1, dtype);
    codes.forEach((c, i) => (m.data[i] = c));
    return { y: m, classes: known };
  }
  const m = Matrix.zeros(n, outputUnits, dtype);
  codes.forEach((c, i) => (m.data[i * outputUnits + c] = 1));
  return { y: m, classes: known };
}

function inferClasses(labels: readonly Label[], loss: Loss, outputUnits: number): Label[] {
  const uniq = sortedUnique(labels);
  const numeric = uniq.every((v) => typeof v === 'number');
  if (numeric && uniq.some((v) => !Number.isInteger(v))) {
    throw new InputError(
      `y: continuous target (${uniq.length} distinct values, e.g. ${uniq.slice(0, 3).join(', ')}) given to the classification loss "${loss.name}"; ` +
        `to train a regressor use a linear output with loss 'mse'`,
    );
  }
  if (numeric) {
    const ints = uniq as number[];
    if (loss.name === 'binaryCrossentropy') {
      if (ints.every((v) => v === 0 || v === 1)) return [0, 1];
      if (ints.length > 2) throw new InputError(`y: binaryCrossentropy needs two classes, got ${ints.length} (${ints.slice(0, 5).join(', ')}${ints.length > 5 ? ', ...' : ''})`);
      return ints;
    }
    // Integer labels 0..k-1 map to themselves; other integers (3, 7, 9) get positions.
    if (ints[0]! >= 0 && ints[ints.length - 1]! < outputUnits) return Array.from({ length: outputUnits }, (_, i) => i);
    if (ints.length > outputUnits) {
      const row = labels.findIndex((v) => typeof v === 'number' && (v < 0 || v >= outputUnits));
      throw new InputError(`y: label ${labels[row]} in row ${row} is out of range for ${outputUnits} output units (${ints.length} distinct labels)`);
    }
    return ints;
  }
  if (loss.name === 'binaryCrossentropy' && uniq.length > 2) {
    throw new InputError(`y: binaryCrossentropy needs two classes, got ${uniq.length}`);
  }
  return uniq;
}

function checkClassIndices(m: Matrix, outputUnits: number): void {
  for (let i = 0; i < m.rows; i++) {
    const v = m.data[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= outputUnits) {
      throw new InputError(`y: row ${i} has class index ${v}; sparseCategoricalCrossentropy needs integers in [0, ${outputUnits - 1}]`);
    }
  }
}
