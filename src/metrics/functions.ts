import { InputError, ShapeError } from '../core/errors.js';
import { checkKeys, describe, listValues } from '../core/validate.js';
import { averagedScore, countsFromConfusion, type Average, type ScoreKind } from './counts.js';
import { TotalSquares, r2FromSums } from './regression.js';
import type { Label } from '../core/labels.js';

/**
 * Metrics as plain functions of true and predicted values, scikit-learn style:
 * `metrics.f1Score(yTrue, yPred, { average: 'macro' })`. Classification functions take labels
 * (numbers or class names, as model.predictClasses returns); regression functions take numbers
 * or rows of numbers.
 */


function checkLabels(where: string, yTrue: readonly Label[], yPred: readonly Label[]): void {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) throw new InputError(`${where}: yTrue and yPred must be arrays of labels`);
  if (yTrue.length !== yPred.length) throw new ShapeError(`${where}: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  if (yTrue.length === 0) throw new InputError(`${where}: 0 samples`);
  for (const [name, ys] of [['yTrue', yTrue], ['yPred', yPred]] as const) {
    ys.forEach((v, i) => {
      if (typeof v === 'string') return;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${where}: ${name}[${i}] is ${describe(v)}; labels must be finite numbers or strings`);
    });
  }
}

/** Sorted union of labels: numbers ascending, then strings in code-point order. */
function sortedLabels(...lists: (readonly Label[])[]): Label[] {
  const uniq = [...new Set(lists.flat())];
  return uniq.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Options of confusionMatrix. */
export interface ConfusionMatrixArgs {
  /** Row/column order; default the sorted labels of yTrue and yPred. Others are not counted. */
  labels?: readonly Label[];
}

/** Counts with rows = true label and columns = predicted label, in `labels` order. */
export function confusionMatrix(yTrue: readonly Label[], yPred: readonly Label[], args: ConfusionMatrixArgs = {}): { labels: Label[]; matrix: number[][] } {
  checkKeys('confusionMatrix', args, ['labels']);
  checkLabels('confusionMatrix', yTrue, yPred);
  const labels = args.labels ? [...args.labels] : sortedLabels(yTrue, yPred);
  if (labels.length === 0) throw new InputError('confusionMatrix: labels is empty');
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t !== undefined && p !== undefined) matrix[t]![p]!++;
  }
  return { labels, matrix };
}

/** Fraction of labels predicted exactly. */
export function accuracyScore(yTrue: readonly Label[], yPred: readonly Label[]): number {
  checkLabels('accuracyScore', yTrue, yPred);
  let right = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) right++;
  return right / yTrue.length;
}

/** Options of precisionScore, recallScore and f1Score. */
export interface ClassScoreArgs {
  /**
   * 'binary' (the positive label only), 'macro' (mean over labels) or 'micro' (pooled counts).
   * Default: 'binary' when there are at most two labels, else 'macro' (scikit-learn would
   * raise for a multiclass target under its 'binary' default).
   */
  average?: Average;
  /** The positive class for 'binary'; default 1. */
  positiveLabel?: Label;
  /** Labels to include, in order; default the sorted labels of yTrue and yPred. */
  labels?: readonly Label[];
}

function classScore(kind: ScoreKind, where: string, yTrue: readonly Label[], yPred: readonly Label[], args: ClassScoreArgs): number {
  checkKeys(where, args, ['average', 'positiveLabel', 'labels']);
  const { labels, matrix } = confusionMatrix(yTrue, yPred, args.labels ? { labels: args.labels } : {});
  const average = args.average ?? (labels.length <= 2 ? 'binary' : 'macro');
  if (average !== 'binary' && average !== 'macro' && average !== 'micro') {
    throw new InputError(`${where}: average must be 'binary', 'macro' or 'micro', got ${describe(average)}`);
  }
  const counts = countsFromConfusion(matrix, labels.length);
  if (average !== 'binary') return averagedScore(kind, counts, average, 0);
  const positiveLabel = args.positiveLabel ?? 1;
  if (labels.length > 2) throw new InputError(`${where}: average 'binary' needs at most two labels, got ${labels.length}; use 'macro' or 'micro'`);
  const positive = labels.indexOf(positiveLabel);
  if (positive < 0) {
    throw new InputError(`${where}: positiveLabel ${describe(positiveLabel)} is not one of the labels [${listValues(labels, true)}]; say which is positive`);
  }
  return averagedScore(kind, counts, 'binary', positive);
}

/** tp/(tp + fp), averaged as `args.average` says. */
export function precisionScore(yTrue: readonly Label[], yPred: readonly Label[], args: ClassScoreArgs = {}): number {
  return classScore('precision', 'precisionScore', yTrue, yPred, args);
}

/** tp/(tp + fn), averaged as `args.average` says. */
export function recallScore(yTrue: readonly Label[], yPred: readonly Label[], args: ClassScoreArgs = {}): number {
  return classScore('recall', 'recallScore', yTrue, yPred, args);
}

/** 2tp/(2tp + fp + fn) per class (the harmonic mean of precision and recall), averaged as `args.average` says. */
export function f1Score(yTrue: readonly Label[], yPred: readonly Label[], args: ClassScoreArgs = {}): number {
  return classScore('f1', 'f1Score', yTrue, yPred, args);
}

/** Regression targets or predictions: one number per row, or rows of numbers. */
export type Values = readonly number[] | readonly (readonly number[])[];

/** Both arguments as rows of equal width, validated. */
function asRows(where: string, yTrue: Values, yPred: Values): [number[][], number[][]] {
  const rows = (v: Values, name: string): number[][] => {
    if (!Array.isArray(v) || v.length === 0) throw new InputError(`${where}: ${name} must be a non-empty array of numbers or rows`);
    const out = (v as readonly (number | readonly number[])[]).map((r) => (Array.isArray(r) ? [...(r as number[])] : [r as number]));
    out.forEach((r, i) => r.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError(`${where}: ${name} row ${i}, column ${j} is ${describe(x)}`);
    }));
    return out;
  };
  const t = rows(yTrue, 'yTrue');
  const p = rows(yPred, 'yPred');
  const shape = (m: number[][]) => `[${m.length}, ${m[0]!.length}]`;
  if (t.length !== p.length || t.some((r, i) => r.length !== p[i]!.length) || t.some((r) => r.length !== t[0]!.length)) {
    throw new ShapeError(`${where}: yTrue ${shape(t)} and yPred ${shape(p)} must have the same shape`);
  }
  return [t, p];
}

function meanError(where: string, yTrue: Values, yPred: Values, f: (d: number) => number): number {
  const [t, p] = asRows(where, yTrue, yPred);
  let s = 0;
  let n = 0;
  t.forEach((row, i) => row.forEach((v, j) => {
    s += f(p[i]![j]! - v);
    n++;
  }));
  return s / n;
}

/** Mean of (ŷ − y)² over all rows and outputs. */
export function meanSquaredError(yTrue: Values, yPred: Values): number {
  return meanError('meanSquaredError', yTrue, yPred, (d) => d * d);
}

/** Mean of |ŷ − y| over all rows and outputs. */
export function meanAbsoluteError(yTrue: Values, yPred: Values): number {
  return meanError('meanAbsoluteError', yTrue, yPred, Math.abs);
}

/** Coefficient of determination 1 − SS_res/SS_tot, averaged uniformly over outputs (scikit-learn's default). */
export function r2Score(yTrue: Values, yPred: Values): number {
  const [t, p] = asRows('r2Score', yTrue, yPred);
  const k = t[0]!.length;
  let total = 0;
  for (let j = 0; j < k; j++) {
    const ssTot = new TotalSquares();
    let ssRes = 0;
    t.forEach((row, i) => {
      ssTot.add(row[j]!);
      ssRes += (row[j]! - p[i]![j]!) ** 2;
    });
    total += r2FromSums(ssRes, ssTot.ss);
  }
  return total / k;
}
