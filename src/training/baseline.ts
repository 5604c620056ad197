/**
 * The trivial baseline every verdict is read against: always answering the most frequent class of
 * the training rows, or the training mean of each regression target, scored on the same rows as
 * the model. A model that does not beat it has learnt nothing a count could not tell, whatever its
 * loss curve looks like; imbalanced classes make plain accuracy flatter it, so balanced accuracy
 * (mean recall) and macro F1 are scored too.
 */
import { Matrix } from '../core/matrix.js';
import type { Label } from '../core/labels.js';
import { averagedScore, countsFromConfusion } from '../metrics/counts.js';
import { TotalSquares, r2FromSums } from '../metrics/regression.js';
import { classScores } from './score.js';

/** Classes whose smallest share of the rows is below this are imbalanced: balanced accuracy and macro F1 are shown. */
export const IMBALANCED_SHARE = 0.2;

/** What the baseline answers: the majority class of the training rows, or the training mean per target column. */
export type Baseline =
  | { readonly kind: 'majority'; readonly code: number; readonly label: Label; readonly classes: number; readonly prior: readonly number[] }
  | { readonly kind: 'mean'; readonly means: readonly number[] };

/** Scores of class predictions: accuracy, balanced accuracy (mean recall over the true classes) and macro F1. */
export interface ClassScores {
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  readonly macroF1: number;
}

/** A baseline scored on some rows: the classification scores and the cross-entropy of the training prior, or MAE, RMSE, R² in the target's units. */
export type BaselineScores =
  | (ClassScores & {
      readonly kind: 'majority'; readonly label: Label; readonly loss: number; /** F1 as the scorer defines it (of the second class for two classes, else macro). */ readonly f1: number;
      /** How many classes the scored rows hold (absent when not counted, as for cv's means over folds). */
      readonly classesInRows?: number;
    })
  | { readonly kind: 'mean'; readonly mae: number; readonly rmse: number; readonly r2: number };

/** The majority class of the training rows' codes (ties: the lower code), with the training prior. */
export function classBaseline(codes: ArrayLike<number>, classes: readonly Label[]): Baseline {
  const counts = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < codes.length; i++) counts[codes[i]!]!++;
  return countsBaseline(counts, classes);
}

/** The majority class of the training rows from their count per class (ties: the lower code), with the training prior. */
export function countsBaseline(counts: readonly number[], classes: readonly Label[]): Baseline {
  let code = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[code]!) code = c;
  const n = Math.max(1, counts.reduce((a, c) => a + c, 0));
  return { kind: 'majority', code, label: classes[code]!, classes: classes.length, prior: counts.map((c) => c / n) };
}

/** The training mean of each target column ([rows, targets], in the target's units). */
export function meanBaseline(y: Matrix): Baseline {
  const means = new Array<number>(y.cols).fill(0);
  for (let i = 0; i < y.rows; i++) for (let c = 0; c < y.cols; c++) means[c]! += y.data[i * y.cols + c]!;
  return { kind: 'mean', means: means.map((m) => m / Math.max(1, y.rows)) };
}

/**
 * Accuracy, balanced accuracy (mean recall over the true classes) and macro F1 (over the classes
 * in the truth or the predictions, two classes included) of predicted codes: the scorer's
 * classScores, with F1 averaged over every class as the imbalanced-class report wants it.
 */
export function classReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, k: number): ClassScores {
  const s = classScores(Array.from(truth), predicted, k);
  return { accuracy: s.accuracy, balancedAccuracy: s.balanced_accuracy, macroF1: macroF1(s.confusion) };
}

/** F1 averaged over the classes present in a confusion matrix (rows true, columns predicted), two classes included. */
export function macroF1(confusion: readonly (readonly number[])[]): number {
  return averagedScore('f1', countsFromConfusion(confusion, confusion.length), 'macro', 0);
}

/** How the baseline's loss is computed: as the model's loss is, so the two can stand side by side. */
export interface BaselineLossOptions {
  /**
   * The model's label smoothing ε: the baseline's cross-entropy is then taken against the same
   * smoothed targets, (1 − ε)·y + ε/K, as the model's loss is (else a smoothed model loss would be
   * compared with a plain one, and always look worse than it is).
   */
  readonly labelSmoothing?: number;
}

/** The baseline scored on the rows whose true codes (classification) or values (regression, [rows, targets]) are given. */
export function scoreBaseline(baseline: Baseline, truth: ArrayLike<number> | Matrix, options: BaselineLossOptions = {}): BaselineScores {
  if (baseline.kind === 'majority') {
    const codes = truth as ArrayLike<number>;
    const constant = new Int32Array(codes.length).fill(baseline.code);
    const counts = new Array<number>(baseline.classes).fill(0);
    for (let i = 0; i < codes.length; i++) counts[codes[i]!]!++;
    const loss = baselineLoss(baseline, counts, options);
    const f1 = classScores(Array.from(codes), constant, baseline.classes).f1;
    return { kind: 'majority', label: baseline.label, loss, ...classReport(codes, constant, baseline.classes), f1, classesInRows: counts.filter((c) => c > 0).length };
  }
  const y = truth as Matrix;
  let mae = 0;
  let mse = 0;
  let r2 = 0;
  for (let c = 0; c < y.cols; c++) {
    const guess = baseline.means[c]!;
    let abs = 0;
    let res = 0;
    const tot = new TotalSquares();
    for (let i = 0; i < y.rows; i++) {
      const t = y.data[i * y.cols + c]!;
      abs += Math.abs(guess - t);
      res += (guess - t) ** 2;
      tot.add(t);
    }
    const n = Math.max(1, y.rows);
    mae += abs / n;
    mse += res / n;
    r2 += r2FromSums(res, tot.ss);
  }
  return { kind: 'mean', mae: mae / y.cols, rmse: Math.sqrt(mse / y.cols), r2: r2 / y.cols };
}

/**
 * The mean cross-entropy of answering the training prior (what a network that learnt nothing
 * converges to) over rows with `counts[k]` of true class k, against targets smoothed as the
 * model's are: −(1 − ε)·log p_y − (ε/K)·Σ_k log p_k per row.
 */
export function baselineLoss(baseline: Baseline & { kind: 'majority' }, counts: readonly number[], options: BaselineLossOptions = {}): number {
  const logP = baseline.prior.map((p) => Math.log(Math.max(p, 1e-7)));
  const e = options.labelSmoothing ?? 0;
  const spread = (e / logP.length) * logP.reduce((a, l) => a + l, 0);
  let loss = 0;
  let rows = 0;
  counts.forEach((c, k) => {
    loss -= c * ((1 - e) * logP[k]! + spread);
    rows += c;
  });
  return loss / Math.max(1, rows);
}

/** The smallest class's share of the rows (1 when there are no rows). */
export function minorityShare(counts: readonly number[]): number {
  const n = counts.reduce((a, c) => a + c, 0);
  return n === 0 ? 1 : Math.min(...counts) / n;
}

/** The model's scores that are compared with the baseline (accuracy, or RMSE for regression). */
export interface ComparedScores {
  readonly accuracy?: number;
  readonly balancedAccuracy?: number;
  readonly rmse?: number;
}

/**
 * Whether the model beats its baseline on the same rows: a higher accuracy (or, for imbalanced
 * classes, a balanced accuracy higher by more than 0.02: finding a rare class is a gain even at
 * the majority's accuracy), or a lower RMSE. Undefined when the scores needed are absent.
 */
export function beatsBaseline(model: ComparedScores, baseline: BaselineScores): boolean | undefined {
  if (baseline.kind === 'majority') {
    if (model.accuracy === undefined) return undefined;
    if (model.accuracy > baseline.accuracy + 1e-12) return true;
    return model.balancedAccuracy !== undefined && model.balancedAccuracy > baseline.balancedAccuracy + 0.02;
  }
  if (model.rmse === undefined) return undefined;
  return model.rmse < baseline.rmse - 1e-12 * Math.max(1, baseline.rmse);
}

/** One line on the baseline for a verdict: what it answers, its score, and plainly whether the model beats it. */
export function baselineSentence(model: ComparedScores, baseline: BaselineScores, rows: string): string {
  const fmt = (v: number) => v.toFixed(4);
  const beats = beatsBaseline(model, baseline);
  if (baseline.kind === 'majority') {
    const what = `always answering ${JSON.stringify(String(baseline.label))} scores accuracy ${fmt(baseline.accuracy)} on the ${rows}`;
    // Rows of one class: a constant answer is right on all of them or on none, so neither a tie nor a win says what the model learnt.
    if (baseline.classesInRows === 1) {
      return `Baseline: ${what}; the model scores ${fmt(model.accuracy ?? NaN)}. The ${rows} hold one class only, so this comparison cannot tell whether the model learnt anything (its accuracy is its recall of that class): score it on rows of every class.`;
    }
    if (beats === false) return `No better than the baseline: ${what}; the model scores ${fmt(model.accuracy!)}. It has learnt nothing a class count could not tell: check the target and the inputs (--dry-run shows how each column is read), or try --class-weight balanced.`;
    // Beaten on balanced accuracy alone: say why, or the line reads as a loss.
    if (beats === true && model.accuracy !== undefined && model.accuracy <= baseline.accuracy + 1e-12 && model.balancedAccuracy !== undefined) {
      return `Baseline: ${what}; the model scores ${fmt(model.accuracy)}, ${model.accuracy < baseline.accuracy - 1e-12 ? 'lower' : 'no higher'}, but its balanced accuracy ${fmt(model.balancedAccuracy)} beats the baseline's ${fmt(baseline.balancedAccuracy)}: it finds rarer classes the baseline never answers.`;
    }
    return `Baseline: ${what}; the model scores ${fmt(model.accuracy ?? NaN)}.`;
  }
  const what = `always answering the training mean scores RMSE ${fmt(baseline.rmse)} (R² ${fmt(baseline.r2)}) on the ${rows}`;
  if (beats === false) return `No better than the baseline: ${what}; the model's RMSE is ${fmt(model.rmse!)}. It has learnt nothing the mean could not tell: check the target and the inputs (--dry-run shows how each column is read).`;
  return `Baseline: ${what}; the model's RMSE is ${fmt(model.rmse ?? NaN)}.`;
}

/** The baseline of a table's target on some rows (the training rows): majority class or mean, in the target's units. */
export function tableBaseline(y: { readonly kind: 'classes'; readonly classes: readonly Label[]; readonly codes: Int32Array } | { readonly kind: 'numeric'; readonly values: Matrix }, rows: readonly number[]): Baseline {
  if (y.kind === 'classes') return classBaseline(Int32Array.from(rows, (i) => y.codes[i]!), y.classes);
  const cols = y.values.cols;
  const means = new Array<number>(cols).fill(0);
  for (const i of rows) for (let c = 0; c < cols; c++) means[c]! += y.values.data[i * cols + c]!;
  return { kind: 'mean', means: means.map((m) => m / Math.max(1, rows.length)) };
}

/** The baseline scored on some rows of a table's target. */
export function scoreBaselineOnRows(baseline: Baseline, y: { readonly kind: 'classes'; readonly codes: Int32Array } | { readonly kind: 'numeric'; readonly values: Matrix }, rows: readonly number[], options: BaselineLossOptions = {}): BaselineScores {
  if (y.kind === 'classes') return scoreBaseline(baseline, Int32Array.from(rows, (i) => y.codes[i]!), options);
  const cols = y.values.cols;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((i, k) => data.set(y.values.data.subarray(i * cols, (i + 1) * cols), k * cols));
  return scoreBaseline(baseline, new Matrix(rows.length, cols, data));
}

/** A baseline read back from JSON (a model file's metadata), or undefined when it is not one. */
export function baselineFromJson(v: unknown): Baseline | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const numbers = (a: unknown): a is number[] => Array.isArray(a) && a.length <= 100_000 && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (o.kind === 'mean' && numbers(o.means)) return { kind: 'mean', means: o.means };
  if (o.kind === 'majority' && typeof o.code === 'number' && Number.isInteger(o.code) && (typeof o.label === 'string' || typeof o.label === 'number') && typeof o.classes === 'number' && numbers(o.prior) && o.prior.length === o.classes && o.code >= 0 && o.code < o.classes) {
    return { kind: 'majority', code: o.code, label: o.label, classes: o.classes, prior: o.prior };
  }
  return undefined;
}
