import { InputError } from '../core/errors.js';
import { kFold } from '../data/split.js';
import { scalerFromJSON } from '../data/scalers.js';
import type { Table } from '../data/table.js';
import type { Preprocessing } from '../io/preprocessing.js';
import type { Sequential } from '../model/sequential.js';
import type { History } from '../model/history.js';
import { measure, type SetMetrics } from '../training/measure.js';
import { gatherRows } from '../training/pipeline.js';
import { prepareTraining, splitRows, startRun } from '../training/prepare.js';
import { DEFAULT_SPEC, type TrainingSpec } from '../training/spec.js';
import type { JsonValue, Space } from './space.js';
import { maximize, minimize, trialSeed, type OptimizeArgs, type SearchResult, type TrialOutcome } from './study.js';
import { applyTrainingParams, checkTrainingSpace, DEFAULT_TRAINING_SPACE } from './trainingSpace.js';

/** What a training trial scores on the validation rows. */
export type TrainingMetric = 'loss' | 'accuracy' | 'mae' | 'rmse' | 'r2';
/** Every {@link TrainingMetric}. */
export const trainingMetrics: readonly TrainingMetric[] = ['loss', 'accuracy', 'mae', 'rmse', 'r2'];
/** The metrics where larger is better (a search maximizes them). */
export const MAXIMIZED_METRICS: ReadonlySet<TrainingMetric> = new Set(['accuracy', 'r2']);

/** How a trial is scored: k-fold cross-validation (stratified for classes) or one validation split, both fixed by `seed`. */
export interface TrialScoring {
  readonly folds?: number;
  /** Fraction of rows held out when `folds` is not given (default 0.2). */
  readonly validationSplit?: number;
  /** Seed of the folds or split: the same for every trial of a search. */
  readonly seed: number;
}

/** Asked after each epoch when pruning: true means stop this trial now. */
export type EpochReporter = (step: number, value: number) => boolean | Promise<boolean>;

interface FoldResult {
  task: string;
  metrics: SetMetrics;
  train: SetMetrics;
  epochs: number;
  bestEpoch: number;
  pruned: boolean;
}

/**
 * Trains and scores one training spec on a table (prepareTraining + startRun, as `backprop train`
 * does), on folds or a split fixed by `scoring.seed`. The value is the mean validation `metric`
 * over folds; attrs hold its spread, per-fold values, losses, accuracy or R², and epochs. With a
 * reporter, the first fold advances one epoch at a time and reports its validation loss or
 * accuracy, stopping when the reporter says so.
 */
export async function runTrainingTrial(table: Table, spec: TrainingSpec, scoring: TrialScoring, metric: TrainingMetric, report?: EpochReporter): Promise<TrialOutcome> {
  const folds = scoring.folds !== undefined
    ? kFold(table.rows, scoring.folds, table.y?.kind === 'classes' ? table.y.codes : undefined, scoring.seed)
    : [splitRows(table, scoring.validationSplit ?? 0.2, scoring.seed)];
  const results: FoldResult[] = [];
  let task = '';
  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f]!;
    if (fold.validation.length === 0) throw new InputError(`${table.source}: ${table.rows} rows are too few for a validation split; use cross-validation or a larger validation split`);
    const r = await runFold(table, spec, fold.train, fold.validation, metric, f === 0 ? report : undefined);
    task = r.task;
    results.push(r);
    if (r.pruned) break;
  }
  const values = results.map((r) => r.metrics[metric] ?? NaN);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  const avg = (pick: (r: FoldResult) => number | undefined): number => results.reduce((a, r) => a + (pick(r) ?? NaN), 0) / results.length;
  const attrs: Record<string, JsonValue> = {
    value_std: std,
    ...Object.fromEntries(values.map((v, k) => [`split${k}_value`, v])),
    train_loss: avg((r) => r.train.loss),
    val_loss: avg((r) => r.metrics.loss),
    ...(task !== 'regression' ? { val_accuracy: avg((r) => r.metrics.accuracy) } : { val_r2: avg((r) => r.metrics.r2) }),
    epochs_run: avg((r) => r.epochs),
    best_epoch: results[0]!.bestEpoch,
    folds: results.length,
  };
  return { value: mean, attrs };
}

async function runFold(table: Table, spec: TrainingSpec, train: readonly number[], validation: readonly number[], metric: TrainingMetric, report: EpochReporter | undefined): Promise<FoldResult> {
  const prepared = prepareTraining(spec, table, { split: { train, validation, note: undefined } });
  const model = prepared.network.model;
  const run = startRun(prepared);
  let pruned = false;
  let history: History;
  if (report !== undefined && (metric === 'loss' || metric === 'accuracy')) {
    while (!run.done) {
      const s = await run.advance(1);
      const v = s.logs[`val_${metric}`];
      if (!s.done && v !== undefined && (await report(s.epoch, v))) {
        pruned = true;
        break;
      }
    }
    history = pruned ? await run.stop() : await run.finish();
  } else {
    history = await run.finish();
  }
  const { preprocessing, plan } = prepared;
  const targetScaler = preprocessing.targetScaler ? scalerFromJSON(preprocessing.targetScaler) : undefined;
  const raw = (rows: readonly number[]) => (table.y?.kind === 'numeric' ? gatherRows(table.y.values, rows) : undefined);
  const valLoss = history.history.val_loss ?? [];
  let bestEpoch = 0;
  valLoss.forEach((v, i) => {
    if (v < valLoss[bestEpoch]!) bestEpoch = i;
  });
  return {
    task: plan.task,
    metrics: measure(model, plan.task, prepared.validation!.x, prepared.validation!.y, targetScaler, raw(validation)),
    train: measure(model, plan.task, prepared.train.x, prepared.train.y, targetScaler, raw(train)),
    epochs: history.epoch.length,
    bestEpoch: bestEpoch + 1,
    pruned,
  };
}

/** Options of {@link trainingSearch}: the search's own (method, trials, seed, pruner, journal, ...) plus how trials train and score. */
export interface TrainingSearchArgs extends Omit<OptimizeArgs, 'fingerprint'> {
  /** Training parameters to search (see TRAINING_PARAMS); default DEFAULT_TRAINING_SPACE. */
  space?: Space;
  /** The spec every trial starts from (the options not in the space); default DEFAULT_SPEC. Each trial's weights are seeded by its trial seed. */
  spec?: TrainingSpec;
  /** k-fold cross-validation (stratified for classes); without it, one validation split of `validationSplit` (default 0.2). */
  cv?: number;
  /** Fraction of rows held out for validation when `cv` is not given (default 0.2). */
  validationSplit?: number;
  /** What to optimize (default 'loss'); accuracy and r2 are maximized. */
  metric?: TrainingMetric;
  /** Train the best spec again on every row and return the model. */
  refit?: boolean;
}

/** The best training found: the search result, the best trial's spec and, with `refit`, its model trained on all rows. */
export interface TrainingSearchResult extends SearchResult {
  readonly bestSpec: TrainingSpec;
  readonly refit?: { readonly model: Sequential; readonly preprocessing: Preprocessing; readonly history: History };
}

/**
 * Searches training parameters on a table: each trial trains `spec` with the trial's parameters
 * (weights seeded by the trial's seed) and is scored by {@link runTrainingTrial} on a split or
 * folds fixed by `seed`. Returns what search.minimize returns plus the best spec, and with
 * `refit` the best spec trained on all rows (model and its fitted preprocessing).
 */
export async function trainingSearch(table: Table, args: TrainingSearchArgs = {}): Promise<TrainingSearchResult> {
  const { space = DEFAULT_TRAINING_SPACE, spec: base = DEFAULT_SPEC, cv, validationSplit, metric = 'loss', refit = false, ...optimize } = args;
  checkTrainingSpace(space);
  if (!trainingMetrics.includes(metric)) throw new InputError(`trainingSearch: unknown metric ${JSON.stringify(metric)} (known: ${trainingMetrics.join(', ')})`);
  const seed = optimize.seed ?? 0;
  const scoring: TrialScoring = { ...(cv !== undefined ? { folds: cv } : { validationSplit: validationSplit ?? 0.2 }), seed };
  const pruning = optimize.pruner !== undefined && optimize.pruner !== 'none';
  const specOf = (params: Parameters<typeof applyTrainingParams>[1], trialSeedValue: number): TrainingSpec =>
    applyTrainingParams({ ...base, fit: { ...base.fit, seed: trialSeedValue } }, params);
  const run = MAXIMIZED_METRICS.has(metric) ? maximize : minimize;
  const result = await run(
    (params, trial) => runTrainingTrial(table, specOf(params, trial.seed), scoring, metric, pruning ? (step, value) => trial.report(step, value) : undefined),
    space,
    optimize,
  );
  const bestSpec = specOf(result.best.params, trialSeed(seed, result.best.number));
  if (!refit) return { ...result, bestSpec };
  const prepared = prepareTraining({ ...bestSpec, fit: { ...bestSpec.fit, validationSplit: 0 } }, table);
  const history = await startRun(prepared).finish();
  return { ...result, bestSpec, refit: { model: prepared.network.model, preprocessing: prepared.preprocessing, history } };
}
