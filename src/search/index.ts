/**
 * Hyperparameter search: a space of float, int and categorical parameters (conditional on
 * categorical choices), four methods (grid, random, tpe, gp), pruners, and an append-only JSONL
 * journal that resumes an interrupted search; `search.trainingSearch` searches a training spec's
 * parameters on a table.
 */
import { categorical, float, int } from './space.js';
import { maximize, minimize } from './study.js';
import { medianPruner, successiveHalvingPruner } from './pruners.js';
import { trainingSearch } from './training.js';

export { compileSpace, enumerateGrid, countGrid, canonical, paramsKey, isActive, type Space, type SearchParam, type FloatParam, type IntParam, type CategoricalParam, type Params, type JsonValue, type Condition, type Dim } from './space.js';
export { Study, methodNames, trialSeed, DEFAULT_TRIALS, type StudyArgs, type Trial, type Resumed, type MethodName, type OptimizeArgs, type Objective, type TrialHandle, type TrialOutcome, type SearchResult, type SearchProgress } from './study.js';
export { prunerNames, prunerByName, type Pruner, type PrunerName, type PruneQuery, type MedianPrunerArgs, type SuccessiveHalvingArgs } from './pruners.js';
export { runTrainingTrial, trainingSearch, compareWithDefault, refitSpec, type Refit, type RefitArgs, type DefaultComparison, trainingMetrics, MAXIMIZED_METRICS, type TrainingMetric, type TrialScoring, type EpochReporter, type TrainingSearchArgs, type TrainingSearchResult } from './training.js';
export { TRAINING_PARAMS, DEFAULT_TRAINING_SPACE, defaultTrainingSpace, compileWithOptimizer, checkTrainingSpace, applyTrainingParams, defaultTrainingParams, hiddenLayersOf, type TrainingParam } from './trainingSpace.js';
export { JournalLockedError, type LockHolder } from './journalLock.js';
export { readJournal, MAX_JOURNAL_BYTES, type TrialRecord, type TrialState, type StudyHeader, type JournalContents } from './journal.js';

/** The search namespace: `search.minimize(objective, { lr: search.float(1e-4, 1e-1, { log: true }) })`. */
export const search = {
  /** A float parameter in [low, high]; `log` samples on a log scale, `step` discretises. */
  float,
  /** An integer parameter in [low, high]; `log` samples on a log scale, `step` discretises. */
  int,
  /** A categorical parameter: one of `choices` (plain JSON values). */
  categorical,
  /** Searches for the params that minimise the objective (method, trials, seed, jobs, journal). */
  minimize,
  /** Searches for the params that maximise the objective (method, trials, seed, jobs, journal). */
  maximize,
  /** Stops a trial whose intermediate value is worse than the median of earlier trials at the same step. */
  medianPruner,
  /** Successive halving: at each rung only the best fraction of trials goes on. */
  successiveHalvingPruner,
  /** Searches a training spec's hyperparameters on a table (validation split or k-fold), optionally refitting the best. */
  trainingSearch,
};
