import { Matrix } from './matrix.js';
import { InputError } from './errors.js';
import { describe } from './validate.js';

/** A class label: a number or a string (class names come back as they went in). */
export type Label = number | string;
/** Targets: one label per row (numbers or class names), one row of values per sample, or a Matrix. */
export type TargetsLike = readonly Label[] | readonly (ArrayLike<number>)[] | Matrix;

/**
 * The one rule for label types (RELIABILITY V8): a label vector holds numbers or strings, never
 * both, since 1 and "1" would otherwise become two classes without a word.
 */
export function checkLabelKinds(labels: readonly unknown[], where: string): void {
  const firstNumber = labels.findIndex((v) => typeof v === 'number');
  const firstString = labels.findIndex((v) => typeof v === 'string');
  if (firstNumber >= 0 && firstString >= 0) {
    throw new InputError(
      `${where}: labels mix numbers and strings (row ${firstNumber} is ${describe(labels[firstNumber])}, row ${firstString} is ${describe(labels[firstString])}); ` +
        'give every label as a number or every label as a string',
    );
  }
}

/** How outputs become classes: see classDecisions. */
export interface ClassDecisionArgs {
  /** Classes the model knows; the argmax runs over the first this many units. Default every unit. */
  readonly classes?: number;
  /** A one-unit output above this is class 1: 0.5 for probabilities, 0 for logits. Default 0.5. */
  readonly threshold?: number;
}

/**
 * The one class-decision rule, for predictions: a single output unit is class 1 above the
 * threshold (class 0 when the model knows fewer than two classes); several units give the argmax
 * over the units that have a class (so a prediction is always a known label, RELIABILITY V7),
 * the first unit on ties.
 */
export function classDecisions(p: Matrix, args: ClassDecisionArgs = {}): Int32Array {
  const out = new Int32Array(p.rows);
  const threshold = args.threshold ?? 0.5;
  const units = args.classes === undefined ? p.cols : Math.min(p.cols, args.classes);
  for (let i = 0; i < p.rows; i++) {
    if (p.cols === 1) out[i] = args.classes !== undefined && args.classes < 2 ? 0 : aboveThreshold(p.data[i]!, threshold) ? 1 : 0;
    else out[i] = argmaxRow(p, i, units);
  }
  return out;
}

/** The class rule for one output unit: class 1 when its value is above the threshold (0.5; 0 for logits). The training metrics count with it too. */
export function aboveThreshold(value: number, threshold: number): boolean {
  return value > threshold;
}

/** Index of the largest of the first `units` values of row i (the first, on ties): the class rule for several output units (and for one-hot targets). */
export function argmaxRow(m: Matrix, i: number, units = m.cols): number {
  const o = i * m.cols;
  let best = 0;
  let bestValue = m.data[o]!;
  for (let c = 1; c < units; c++) {
    const v = m.data[o + c]!;
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

/**
 * The class index of each row of encoded classification targets: a column of indices (binary 0/1
 * or sparse), or one-hot rows.
 */
export function targetClasses(y: Matrix): Int32Array {
  const out = new Int32Array(y.rows);
  for (let i = 0; i < y.rows; i++) {
    if (y.cols === 1) out[i] = Math.round(y.data[i]!);
    else {
      let k = 0;
      for (let c = 1; c < y.cols; c++) if (y.data[i * y.cols + c]! > y.data[i * y.cols + k]!) k = c;
      out[i] = k;
    }
  }
  return out;
}
