/**
 * The one scorer of a training spec on held-out rows: `backprop cv`, `backprop search` (with
 * --cv or a validation split) and the library's crossValidate and trainingSearch all call it.
 * Each held-out part is touched once, to score: early stopping (and any per-epoch report for a
 * pruner) watches an inner split of that part's training rows, as scikit-learn's
 * `early_stopping=True` does, never the rows being scored.
 */
import { InputError } from '../core/errors.js';
import { kFold, trainTestSplitIndices } from '../data/split.js';
import { scalerFromJSON } from '../data/scalers.js';
import type { Table } from '../data/table.js';
import { addToConfusion, averagedScore, confusionCounts, countsFromConfusion } from '../metrics/counts.js';
import type { History } from '../model/history.js';
import { measure } from './measure.js';
import { classCodes } from './output.js';
import { gatherRows, pipelineInputs, pipelineTargets } from './pipeline.js';
import { prepareTraining, splitRows, startRun, type Split } from './prepare.js';
import type { TrainingSpec } from './spec.js';
import { trainingVerdict, type VerdictKind } from './verdict.js';

/** What a held-out part can be scored by. */
export type ScoreMetric = 'loss' | 'accuracy' | 'balanced_accuracy' | 'f1' | 'mae' | 'rmse' | 'r2';
/** Every {@link ScoreMetric}. */
export const scoreMetrics: readonly ScoreMetric[] = ['loss', 'accuracy', 'balanced_accuracy', 'f1', 'mae', 'rmse', 'r2'];
/** The metrics where larger is better. */
export const MAXIMIZED_METRICS: ReadonlySet<ScoreMetric> = new Set(['accuracy', 'balanced_accuracy', 'f1', 'r2']);
/** The metrics of a classification target (the others, but loss, need a numeric target). */
export const CLASS_METRICS: ReadonlySet<ScoreMetric> = new Set(['accuracy', 'balanced_accuracy', 'f1']);

/** The scores of one held-out part (regression metrics in the target's units, averaged over outputs). */
export interface FoldScores {
  /** 1-based. */
  readonly fold: number;
  /** Held-out rows scored. */
  readonly rows: number;
  /** Epochs trained (early stopping may end a run before the spec's epochs). */
  readonly epochs: number;
  /** 1-based epoch of the lowest inner-validation loss (the training loss without inner validation). */
  readonly bestEpoch: number;
  /** The convergence verdict of the run (see trainingVerdict). */
  readonly verdict: VerdictKind | undefined;
  /** A pruner stopped the run before its end. */
  readonly pruned: boolean;
  /** The model's loss on the held-out rows (on scaled targets for regression). */
  readonly loss: number;
  /** The loss on the rows the model was trained on. */
  readonly trainLoss: number;
  readonly accuracy?: number;
  /** Mean recall over the classes present in the held-out rows (scikit-learn's balanced_accuracy_score). */
  readonly balanced_accuracy?: number;
  /** F1 of the second class for two classes, else the macro mean (scikit-learn's f1_score defaults). */
  readonly f1?: number;
  /** Rows: true class, columns: predicted, in the target's class order. */
  readonly confusion?: readonly (readonly number[])[];
  readonly r2?: number;
  readonly rmse?: number;
  readonly mae?: number;
  /** Seconds spent fitting the pipeline and training the model on the part's training rows (scikit-learn's cross_validate fit_time): wall time on the thread that ran the part. */
  readonly fit_time: number;
  /** Seconds spent scoring the held-out and the training rows (cross_validate's score_time). */
  readonly score_time: number;
}

/** Rows to train on and rows to score, of one part. */
export interface Holdout {
  readonly train: readonly number[];
  /** Rows scored: of `testTable` when given (a validation file read with the table's schema), else of the table. */
  readonly test: readonly number[];
  readonly testTable?: Table;
}

/** How held-out parts are chosen: k folds (stratified for classes) or one split of `validationSplit` (default 0.2), fixed by `seed`. */
export interface Scoring {
  readonly folds?: number;
  readonly validationSplit?: number;
  /** Score on every row of this table (a validation file read with the table's schema), training on every row of the table. */
  readonly validation?: Table;
  readonly seed: number;
}

/** Asked after each epoch of the first part with the inner-validation metric: true means stop. */
export type EpochReporter = (step: number, value: number) => boolean | Promise<boolean>;

/** The held-out parts of a scoring on a table. */
export function holdoutsOf(table: Table, scoring: Scoring): Holdout[] {
  if (scoring.validation !== undefined) {
    if (scoring.validation.rows === 0) throw new InputError(`${scoring.validation.source}: no rows to score`);
    return [{ train: Array.from({ length: table.rows }, (_, i) => i), test: Array.from({ length: scoring.validation.rows }, (_, i) => i), testTable: scoring.validation }];
  }
  if (scoring.folds !== undefined) {
    // k folds mix the future into every training part: a time order is scored on its latest rows only.
    if (table.order !== undefined) throw new InputError(`${table.source}: k-fold scoring trains on rows after the held-out ones, which a split by time (${JSON.stringify(table.order.column)}) is there to prevent; score on the latest rows with a validation split instead of folds`);
    return kFold(table.rows, scoring.folds, table.y?.kind === 'classes' ? table.y.codes : undefined, scoring.seed).map((f) => ({ train: f.train, test: f.validation }));
  }
  const s = splitRows(table, scoring.validationSplit ?? 0.2, scoring.seed);
  if (s.validation.length === 0) throw new InputError(`${table.source}: ${table.rows} rows are too few for a validation split; use cross-validation or a larger validation split`);
  return [{ train: s.train, test: s.validation }];
}

/** Options of scoreSpec. */
export interface ScoreArgs {
  /** Called after each part (progress). */
  onFold?: (scores: FoldScores) => void;
  /** Per-epoch report of the first part's inner-validation `monitor` (for a pruner). */
  report?: EpochReporter;
  /** What `report` is given; 'loss' or 'accuracy' (default 'loss'). */
  monitor?: 'loss' | 'accuracy';
  /** The kernel threads of each part's model (crossValidate's jobs give one each when they fill the cores); default: the process's. */
  threads?: number;
}

/**
 * Trains `spec` on each part's training rows and scores its held-out rows once. Stops after a
 * part a pruner stopped (its scores come back with `pruned`).
 */
export async function scoreSpec(spec: TrainingSpec, table: Table, scoring: Scoring, args: ScoreArgs = {}): Promise<FoldScores[]> {
  const out: FoldScores[] = [];
  for (const [f, holdout] of holdoutsOf(table, scoring).entries()) {
    const s = await scoreHoldout(spec, table, holdout, scoring.seed, f + 1, f === 0 ? args : {});
    out.push(s);
    args.onFold?.(s);
    if (s.pruned) break;
  }
  return out;
}

/**
 * The inner split of a part's training rows that early stopping, the best-epoch pick (keepBest) or
 * a pruner's report watches. None when nothing watches it (neither of the first two, no pruner: every training row trains, as
 * scikit-learn's cross_val_score does, and 7 rows never fail in a split they do not need), when
 * the spec has no validation split, or when the rows are too few.
 */
export function innerSplit(spec: TrainingSpec, table: Table, train: readonly number[], seed: number, watched = watchesValidation(spec)): Split {
  const none = { train, validation: [], note: undefined };
  if (!watched || spec.fit.validationSplit <= 0) return none;
  const labels = table.y?.kind === 'classes' ? table.y.codes : undefined;
  try {
    const inner = trainTestSplitIndices(train.length, labels ? train.map((r) => labels[r]!) : undefined, { testSize: spec.fit.validationSplit, seed, stratify: labels !== undefined });
    return { train: inner.train.map((i) => train[i]!), validation: inner.test.map((i) => train[i]!), note: undefined };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return none;
  }
}

/** Whether the spec's run watches validation rows: early stopping, or keeping the best epoch (which would otherwise pick it by the training loss). */
export function watchesValidation(spec: TrainingSpec): boolean {
  return spec.fit.earlyStopping !== undefined || spec.fit.keepBest === true;
}

/** Trains on one part's training rows and scores its held-out rows (fold: 1-based, for messages and the scores). */
export async function scoreHoldout(spec: TrainingSpec, table: Table, holdout: Holdout, seed: number, fold: number, args: ScoreArgs): Promise<FoldScores> {
  if (holdout.test.length === 0) throw new InputError(`${table.source}: fold ${fold} has no rows to score`);
  const fitStart = performance.now();
  const prepared = prepareTraining(spec, table, { split: innerSplit(spec, table, holdout.train, seed, watchesValidation(spec) || args.report !== undefined) });
  const model = prepared.network.model;
  if (args.threads !== undefined) model.backprop().kernels.setThreads(args.threads);
  const run = startRun(prepared);
  let pruned = false;
  let history: History;
  const monitor = `val_${args.monitor ?? 'loss'}`;
  if (args.report !== undefined) {
    while (!run.done) {
      const s = await run.advance(1);
      const v = s.logs[monitor];
      if (!s.done && v !== undefined && (await args.report(s.epoch, v))) {
        pruned = true;
        break;
      }
    }
    history = pruned ? await run.stop() : await run.finish();
  } else {
    history = await run.finish();
  }
  const scoreStart = performance.now();
  const fit_time = (scoreStart - fitStart) / 1000;
  const { preprocessing, plan } = prepared;
  const targetScaler = preprocessing.targetScaler ? scalerFromJSON(preprocessing.targetScaler) : undefined;
  const scored = holdout.testTable ?? table;
  const y = scored.y!;
  const raw = (t: Table, rows: readonly number[]) => (t.y?.kind === 'numeric' ? gatherRows(t.y.values, rows) : undefined);
  const x = pipelineInputs(preprocessing, scored, holdout.test);
  const m = measure(model, plan.task, x, pipelineTargets(preprocessing, scored, holdout.test, plan), targetScaler, raw(scored, holdout.test));
  const trainLoss = measure(model, plan.task, prepared.train.x, prepared.train.y, targetScaler, raw(table, prepared.train.rows)).loss;
  const verdict = trainingVerdict(history, { restoredBest: spec.fit.earlyStopping !== undefined });
  const base = { fold, rows: holdout.test.length, epochs: history.epoch.length, bestEpoch: verdict?.bestEpoch ?? history.epoch.length, verdict: verdict?.kind, pruned, loss: m.loss, trainLoss };
  const scores = y.kind === 'classes' ? { ...base, ...classScores(holdout.test.map((r) => y.codes[r]!), classCodes(model.predictMatrix(x)), y.classes.length) } : { ...base, r2: m.r2!, rmse: m.rmse!, mae: m.mae! };
  return { ...scores, fit_time, score_time: (performance.now() - scoreStart) / 1000 };
}

/** Accuracy, balanced accuracy, F1 and the confusion matrix of class codes (the one class-decision rule: classCodes). */
export function classScores(truth: readonly number[], predicted: ArrayLike<number>, k: number): { accuracy: number; balanced_accuracy: number; f1: number; confusion: number[][] } {
  const confusion = addToConfusion(confusionCounts(k), truth, predicted);
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c]![c]!;
  let recall = 0;
  let present = 0;
  confusion.forEach((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    if (n === 0) return;
    recall += row[c]! / n;
    present++;
  });
  const counts = countsFromConfusion(confusion, k);
  return {
    accuracy: correct / truth.length,
    balanced_accuracy: present === 0 ? 0 : recall / present,
    f1: k === 2 ? averagedScore('f1', counts, 'binary', 1) : averagedScore('f1', counts, 'macro', 0),
    confusion,
  };
}

/** Mean and (population) standard deviation, as scikit-learn's cross_validate summaries are read. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) };
}
