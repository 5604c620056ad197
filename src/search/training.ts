import { InputError, SpecError } from '../core/errors.js';
import { formatScore } from '../core/format.js';
import type { Table } from '../data/table.js';
import type { Preprocessing } from '../io/preprocessing.js';
import type { Sequential } from '../model/sequential.js';
import type { History } from '../model/history.js';
import { prepareTraining, startRun } from '../training/prepare.js';
import { MAXIMIZED_METRICS, meanStd, scoreMetrics, scoreSpec, watchesValidation, type EpochReporter, type FoldScores, type ScoreMetric, type Scoring } from '../training/score.js';
import { DEFAULT_SPEC, type TrainingSpec } from '../training/spec.js';
import type { JsonValue, Params, Space } from './space.js';
import type { TrialRecord } from './journal.js';
import { maximize, minimize, type OptimizeArgs, type SearchResult, type TrialOutcome } from './study.js';
import { applyTrainingParams, checkTrainingSpace, defaultTrainingParams, defaultTrainingSpace } from './trainingSpace.js';

/** What a training trial scores on the held-out rows (see ScoreMetric). */
export type TrainingMetric = ScoreMetric;
/** Every {@link TrainingMetric}. */
export const trainingMetrics = scoreMetrics;
export { MAXIMIZED_METRICS };

/** How a trial is scored: k-fold cross-validation (stratified for classes) or one validation split, both fixed by `seed` (the same for every trial). */
export type TrialScoring = Scoring;
export type { EpochReporter };

/**
 * Trains and scores one training spec on a table with the one scorer (scoreSpec, as `backprop cv`
 * does): folds or a split fixed by `scoring.seed`, early stopping on an inner split of each
 * part's training rows, each held-out part scored once. The value is the mean held-out `metric`
 * over the parts; attrs hold its spread, per-part values, losses, accuracy or R², and epochs.
 * With a reporter, the first part advances one epoch at a time and reports its inner-validation
 * loss or accuracy, stopping when the reporter says so.
 */
export async function runTrainingTrial(table: Table, spec: TrainingSpec, scoring: TrialScoring, metric: TrainingMetric, report?: EpochReporter): Promise<TrialOutcome> {
  const monitor = metric === 'accuracy' ? 'accuracy' : 'loss';
  const results = await scoreSpec(spec, table, scoring, report !== undefined && (metric === 'loss' || metric === 'accuracy') ? { report, monitor } : {});
  const values = results.map((r) => r[metric] ?? NaN);
  const { mean, std } = meanStd(values);
  const avg = (pick: (r: FoldScores) => number | undefined): number => meanStd(results.map((r) => pick(r) ?? NaN)).mean;
  const classes = results[0]!.accuracy !== undefined;
  const attrs: Record<string, JsonValue> = {
    value_std: std,
    ...Object.fromEntries(values.map((v, k) => [`split${k}_value`, v])),
    train_loss: avg((r) => r.trainLoss),
    val_loss: avg((r) => r.loss),
    ...(classes ? { val_accuracy: avg((r) => r.accuracy) } : { val_r2: avg((r) => r.r2) }),
    epochs_run: avg((r) => r.epochs),
    best_epoch: results[0]!.bestEpoch,
    folds: results.length,
    held_out_rows: results.reduce((a, r) => Math.min(a, r.rows), Infinity),
  };
  return { value: mean, attrs };
}

/** Options of {@link trainingSearch}: the search's own (method, trials, seed, pruner, journal, ...) plus how trials train and score. */
export interface TrainingSearchArgs extends Omit<OptimizeArgs, 'fingerprint'> {
  /** Training parameters to search (see TRAINING_PARAMS); default: {@link defaultTrainingSpace} around `spec`. */
  space?: Space;
  /**
   * The spec every trial starts from (the options not in the space), trial 0 itself; default
   * DEFAULT_SPEC. Each trial's weights are seeded by its trial seed. A preset is resolved by the
   * caller, as for crossValidate: `specFromPreset('tabular', { rows, task, numericColumns }).spec`.
   */
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

/** How the winner compares with the default configuration (trial 0): the two trials, the difference and one sentence saying so. */
export interface DefaultComparison {
  /** Trial 0 (the default configuration), when it completed. */
  readonly baseline: TrialRecord | undefined;
  readonly best: TrialRecord;
  /** best − baseline, in the metric's units (positive is better when maximizing). */
  readonly difference: number | undefined;
  /** The difference is smaller than the larger spread over folds of the two: it may be noise. */
  readonly withinNoise: boolean;
  readonly message: string;
}

/** Compares a training search's best trial with its trial 0, the default configuration. */
export function compareWithDefault(result: SearchResult, metric: string): DefaultComparison {
  const best = result.trials.find((t) => t.number === result.best.number)!;
  const zero = result.trials.find((t) => t.number === 0);
  const baseline = zero?.state === 'complete' ? zero : undefined;
  if (baseline === undefined) {
    return { baseline, best, difference: undefined, withinNoise: false, message: `The default configuration (trial 0) did not complete${zero?.error ? ` (${zero.error})` : ''}; the winner could not be compared with it.` };
  }
  const std = (t: TrialRecord): number => (typeof t.attrs?.value_std === 'number' ? t.attrs.value_std : 0);
  if (best.number === 0) {
    return { baseline, best, difference: 0, withinNoise: false, message: `The default configuration (trial 0) won: no trial beat its ${metric} ${formatScore(baseline.value!)}.` };
  }
  const difference = best.value! - baseline.value!;
  const spread = Math.max(std(best), std(baseline));
  const withinNoise = Math.abs(difference) <= spread;
  // One split has no spread over folds to judge noise by: say so rather than let "beats" stand unqualified.
  const held = typeof best.attrs?.held_out_rows === 'number' ? `${best.attrs.held_out_rows} ` : '';
  const oneSplit = best.attrs?.folds === 1 ? `; scored on one split (${held}held-out rows), which gives no spread to judge noise by (cross-validation gives one)` : '';
  const noise = withinNoise && !oneSplit ? `; the difference is within the spread over folds (± ${formatScore(spread)}), so it may be noise` : oneSplit;
  return { baseline, best, difference, withinNoise, message: `Trial ${best.number} beats the default configuration (trial 0): ${metric} ${formatScore(best.value!)} vs ${formatScore(baseline.value!)} (${difference >= 0 ? '+' : ''}${formatScore(difference)})${noise}.` };
}

/** The best training found: the search result, the best trial's spec, how it compares with the default configuration and, with `refit`, its model trained as {@link refitSpec} trains it. */
export interface TrainingSearchResult extends SearchResult {
  readonly bestSpec: TrainingSpec;
  readonly comparison: DefaultComparison;
  readonly refit?: Refit;
}

/**
 * Searches training parameters on a table: trial 0 is the default configuration (`spec` as
 * given, seeded by `seed`), then each trial trains `spec` with the trial's parameters (weights
 * seeded by the trial's seed), all scored by {@link runTrainingTrial} on a split or folds fixed
 * by `seed`. Returns what search.minimize returns plus the best spec, how it compares with the
 * default, and with `refit` the best spec trained as {@link refitSpec} trains it.
 *
 * Like crossValidate it takes a spec and resolves no preset: to search around what
 * `backprop train` trains on a table, resolve the preset first and pass it as `spec`:
 * ```ts
 * const numericColumns = table.schema.inputs.filter((c) => c.kind === 'numeric').length;
 * const task = table.y?.kind === 'classes' ? 'classification' : 'regression';
 * const { spec } = specFromPreset('tabular', { rows: table.rows, task, numericColumns });
 * const r = await search.trainingSearch(table, { spec, cv: 5, metric: 'accuracy' });
 * ```
 * The default space is then around that spec (defaultTrainingSpace). A spec that trains on every
 * row (`fit.validationSplit` 0, as the tabular preset under 500 rows) is scored the same way:
 * each trial trains on all of its part's training rows, and the held-out rows are scored once.
 * A pruner needs rows to watch, so with one such a spec is refused.
 */
export async function trainingSearch(table: Table, args: TrainingSearchArgs = {}): Promise<TrainingSearchResult> {
  const { spec: base = DEFAULT_SPEC, space = defaultTrainingSpace(base), cv, validationSplit, metric = 'loss', refit = false, ...optimize } = args;
  checkTrainingSpace(space);
  if (!trainingMetrics.includes(metric)) throw new InputError(`trainingSearch: unknown metric ${JSON.stringify(metric)} (known: ${trainingMetrics.join(', ')})`);
  const pruning = optimize.pruner !== undefined && optimize.pruner !== 'none';
  if (pruning && base.fit.validationSplit <= 0) {
    throw new SpecError('fit.validationSplit', 'a pruner watches the validation rows of each trial, and the spec trains on every row; give it a validation split (e.g. 0.2)', 'trainingSearch: a pruner watches the validation rows of each trial, and spec.fit.validationSplit is 0 (every row trained on); give the spec a validation split (e.g. 0.2)');
  }
  const seed = optimize.seed ?? 0;
  const scoring: TrialScoring = { ...(cv !== undefined ? { folds: cv } : { validationSplit: validationSplit ?? 0.2 }), seed };
  const specOf = (params: Params, trialSeedValue: number): TrainingSpec => applyTrainingParams({ ...base, fit: { ...base.fit, seed: trialSeedValue } }, params);
  const run = MAXIMIZED_METRICS.has(metric) ? maximize : minimize;
  const result = await run(
    (params, trial) => runTrainingTrial(table, specOf(params, trial.seed), scoring, metric, pruning ? (step, value) => trial.report(step, value) : undefined),
    space,
    { enqueue: [defaultTrainingParams(space, base)], ...optimize },
  );
  const bestRecord = result.trials.find((t) => t.number === result.best.number)!;
  const bestSpec = specOf(result.best.params, bestRecord.seed);
  const comparison = compareWithDefault(result, metric);
  if (!refit) return { ...result, bestSpec, comparison };
  return { ...result, bestSpec, comparison, refit: await refitSpec(bestSpec, table) };
}

/** What refitSpec trained: the model with its fitted pipeline and history, the spec as trained and the rows. */
export interface Refit {
  readonly model: Sequential;
  readonly preprocessing: Preprocessing;
  readonly history: History;
  /** The spec trained: the one given, with no validation split when nothing watches one (save it, and `train --resume` continues it). */
  readonly spec: TrainingSpec;
  /** The table's rows trained on, and those held out for early stopping or the best epoch. */
  readonly split: { readonly train: readonly number[]; readonly validation: readonly number[] };
}

/** Options of {@link refitSpec}. */
export interface RefitArgs {
  /**
   * Ends the refit between epochs: it then rejects with the signal's reason (a refit begun before
   * the search's winner was known). Any object with `aborted` will do, such as a flag in shared
   * memory that another thread sets.
   */
  readonly signal?: Pick<AbortSignal, 'aborted' | 'reason'>;
}

/**
 * Trains a spec on a table as `backprop train` does, the refit of a search's winner: every row,
 * but for the spec's validation split when early stopping or keepBest watches it (the winner was
 * scored with that watch on its training rows, so it is refit with it; a split no one watches
 * would only cost rows). The split is train's (prepareTraining's, by the spec's seed).
 */
export async function refitSpec(spec: TrainingSpec, table: Table, { signal }: RefitArgs = {}): Promise<Refit> {
  const trained = watchesValidation(spec) || spec.fit.validationSplit === 0 ? spec : { ...spec, fit: { ...spec.fit, validationSplit: 0 } };
  const prepared = prepareTraining(trained, table);
  const run = startRun(prepared);
  if (signal !== undefined) {
    // Epoch by epoch, so that an abort ends it within one epoch.
    while (!run.done) {
      if (signal.aborted) {
        await run.stop();
        throw signal.reason instanceof Error ? signal.reason : new Error('refit aborted');
      }
      await run.advance(1);
    }
  }
  const history = await run.finish();
  return { model: prepared.network.model, preprocessing: prepared.preprocessing, history, spec: trained, split: { train: prepared.split.train, validation: prepared.split.validation } };
}
