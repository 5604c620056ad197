import {
  Matrix, baselineFromJson, baselineSentence, beatsBaseline, classCodes, classReport, fingerprintFromJson, minorityShare, rowsSeen, scoreBaselineOnRows, tableBaseline, IMBALANCED_SHARE,
  type Baseline, type BaselineLossOptions, type BaselineScores, type ClassScores, type Json, type JsonObject, type Label, type RowsFingerprint, type RowsSeen, type Sequential, type Table, type TrainingSpec,
} from '../src/index.js';
import { formatMetric } from './evaluation.js';

/**
 * What train, cv, evaluate and search print beside the model's scores: the trivial baseline on the
 * same rows, the imbalanced-class scores, and (evaluate) the rows seen in training. The baseline
 * and the training rows' fingerprint travel in the model file's metadata (`baseline`,
 * `trainingRows`), written by train.
 */

/** The classes are imbalanced: the smallest one's share of the rows, under IMBALANCED_SHARE. */
export interface Imbalance {
  readonly label: Label;
  readonly share: number;
}

/**
 * The smallest class when it holds under 20 % of the rows, else undefined. Classes without a row
 * (a file evaluated that lacks one) are not counted: they have no recall to average, and "0.00 %
 * of the rows" would call a file of two even classes imbalanced.
 */
export function imbalanceOf(classes: readonly Label[], counts: readonly number[]): Imbalance | undefined {
  const present = counts.flatMap((c, k) => (c > 0 ? [k] : []));
  if (present.length < 2) return undefined;
  const share = minorityShare(present.map((k) => counts[k]!));
  if (share >= IMBALANCED_SHARE) return undefined;
  const k = present.reduce((a, b) => (counts[b]! < counts[a]! ? b : a));
  return { label: classes[k]!, share };
}

/** The predicted class of every row, in blocks (a million rows' outputs are never held at once). */
export function predictedClasses(model: Sequential, x: Matrix): Int32Array {
  const out = new Int32Array(x.rows);
  const block = 65_536;
  for (let start = 0; start < x.rows; start += block) {
    const n = Math.min(block, x.rows - start);
    out.set(classCodes(model.predictMatrix(new Matrix(n, x.cols, x.data.subarray(start * x.cols, (start + n) * x.cols)))), start);
  }
  return out;
}

/** The model's accuracy, balanced accuracy and macro F1 on rows x with true codes. */
export function modelClassScores(model: Sequential, x: Matrix, truth: ArrayLike<number>, k: number): ClassScores {
  return classReport(truth, predictedClasses(model, x), k);
}

/** How the baseline's loss is computed for a model: with its loss's label smoothing, as the model's loss is. */
export function baselineLossOf(model: Sequential): BaselineLossOptions {
  const e = model.loss?.config.labelSmoothing;
  return smoothed(typeof e === 'number' ? e : undefined);
}

/** How the baseline's loss is computed for a spec's runs: with its label smoothing (cv's and search's folds). */
export function smoothingOf(spec: TrainingSpec): BaselineLossOptions {
  return smoothed(spec.compile.labelSmoothing);
}

function smoothed(e: number | undefined): BaselineLossOptions {
  return e !== undefined && e > 0 ? { labelSmoothing: e } : {};
}

/** The metrics table's name of the loss row: it says when the loss (the model's and the baseline's) is taken against smoothed targets. */
export function lossRowName(o: BaselineLossOptions): string {
  return o.labelSmoothing ? `loss (label smoothing ${o.labelSmoothing})` : 'loss';
}

/** The metrics-table rows of the baseline column: loss (the prior's cross-entropy) and accuracy, or MAE, RMSE, R². */
export function baselineCell(b: BaselineScores | undefined, metric: 'loss' | 'accuracy' | 'balancedAccuracy' | 'macroF1' | 'f1' | 'mae' | 'rmse' | 'r2'): string {
  if (b === undefined) return '—';
  const v = (b as unknown as Record<string, number | undefined>)[metric];
  return v === undefined ? '—' : formatMetric(v);
}

/** The note on imbalanced classes, pointing to --class-weight balanced. */
export function imbalanceNote(imbalance: Imbalance, weighted: boolean): string {
  const pct = (100 * imbalance.share).toFixed(imbalance.share < 0.01 ? 2 : 1);
  return `Imbalanced classes (the smallest, ${JSON.stringify(String(imbalance.label))}, is ${pct} % of the rows): balanced accuracy and macro F1 say more than accuracy${weighted ? '' : '; --class-weight balanced weighs the rare classes up'}.`;
}

/** The baseline sentence of a verdict, or undefined without scores to compare. */
export function baselineNote(model: { accuracy?: number; balancedAccuracy?: number; rmse?: number }, b: BaselineScores | undefined, rows: string): string | undefined {
  if (b === undefined || beatsBaseline(model, b) === undefined) return undefined;
  return baselineSentence(model, b, rows);
}

/** The metadata train adds to the model file: the baseline and the fingerprint of the training rows. */
export function trainingMetadata(baseline: Baseline | undefined, fingerprint: RowsFingerprint | undefined): JsonObject {
  const rows = fingerprint ? { rows: fingerprint.rows, threshold: fingerprint.threshold, hashes: fingerprint.hashes } : undefined;
  return { ...(baseline ? { baseline: baseline as unknown as Json } : {}), ...(rows ? { trainingRows: rows } : {}) };
}

/** The saved baseline of a model file's metadata, if any. */
export function savedBaseline(metadata: JsonObject): Baseline | undefined {
  return baselineFromJson(metadata.baseline);
}

/** "N of the M rows were training rows" for evaluate, or undefined when the model file has no fingerprint or none are. */
export function trainingRowsNote(metadata: JsonObject, hashes: Float64Array): string | undefined {
  const fp = fingerprintFromJson(metadata.trainingRows);
  if (fp === undefined) return undefined;
  return rowsSeenNote(rowsSeen(fp, hashes), fp.rows);
}

/**
 * The sentence of trainingRowsNote for counts already made (evaluate --stream sums them over
 * blocks). Rows are matched by their values, so a file that repeats rows (carData::WVS: 5 columns
 * of few values) matches more rows than were trained on; then the sentence says so, and that
 * train's validation rows are no cure.
 */
export function rowsSeenNote(seen: RowsSeen, trained?: number): string | undefined {
  if (seen.seen === 0) return undefined;
  const share = Math.round((100 * seen.seen) / seen.rows);
  const count = seen.exact ? `${seen.seen.toLocaleString('en-US')} of the ${seen.rows.toLocaleString('en-US')} rows are` : `about ${share} % of the ${seen.rows.toLocaleString('en-US')} rows are`;
  // An estimate (a sampled fingerprint) is a few rows off either way: only a clear excess says the file repeats rows.
  if (trained !== undefined && seen.seen > (seen.exact ? trained : 1.1 * trained)) {
    return `${count} identical to rows the model was trained on, more than the ${trained.toLocaleString('en-US')} it was trained on: the file repeats rows, so rows held out from training can be copies of training rows; these scores are optimistic; evaluate on rows it has not seen (another file).`;
  }
  return `${count} rows the model was trained on: these scores are optimistic; evaluate on rows it has not seen (train's validation rows, or another file).`;
}

/** The baseline of each held-out part: fitted on the part's training rows, scored on its held-out rows. */
export function holdoutBaselines(table: Table, holdouts: readonly { readonly train: readonly number[]; readonly test: readonly number[]; readonly testTable?: Table }[], loss: BaselineLossOptions = {}): BaselineScores[] {
  const y = table.y;
  if (y === undefined) return [];
  // The baseline learns from the training rows and is scored on the held-out rows, of a validation file when there is one.
  return holdouts.map((h) => scoreBaselineOnRows(tableBaseline(y, h.train), h.testTable?.y ?? y, h.test, loss));
}

/** The mean of each score over parts (the baselines of cv's folds), as one BaselineScores. */
export function meanOfBaselines(all: readonly BaselineScores[]): BaselineScores | undefined {
  const first = all[0];
  if (first === undefined) return undefined;
  const mean = (f: (b: BaselineScores) => number) => all.reduce((a, b) => a + f(b), 0) / all.length;
  const num = (k: string) => (b: BaselineScores) => (b as unknown as Record<string, number>)[k]!;
  if (first.kind === 'majority') {
    return { kind: 'majority', label: first.label, loss: mean(num('loss')), accuracy: mean(num('accuracy')), balancedAccuracy: mean(num('balancedAccuracy')), macroF1: mean(num('macroF1')), f1: mean(num('f1')) };
  }
  return { kind: 'mean', mae: mean(num('mae')), rmse: mean(num('rmse')), r2: mean(num('r2')) };
}

/** A search metric's value for the baseline (undefined where it has none: a regression's loss is on scaled targets). */
export function baselineMetric(b: BaselineScores, metric: string): number | undefined {
  const key = metric === 'balanced_accuracy' ? 'balancedAccuracy' : metric;
  if (b.kind === 'mean' && key === 'loss') return undefined;
  const v = (b as unknown as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : undefined;
}

/** The search's line on the baseline: its score on the same held-out rows, and plainly whether the best trial beats it. */
export function searchBaselineLine(b: BaselineScores | undefined, metric: string, best: number, maximize: boolean): string | undefined {
  if (b === undefined) return undefined;
  const v = baselineMetric(b, metric);
  if (v === undefined) return undefined;
  const what = b.kind === 'majority' ? `always answering ${JSON.stringify(String(b.label))}` : 'always answering the training mean';
  const beats = maximize ? best > v + 1e-12 : best < v - 1e-12;
  return `${what} scores ${metric} ${formatMetric(v)} on the same held-out rows${beats ? '' : `: the best trial (${formatMetric(best)}) does not beat it, so no configuration tried has learnt anything a ${b.kind === 'majority' ? 'class count' : 'mean'} could not tell; check the target and the inputs (train --dry-run)`}`;
}
