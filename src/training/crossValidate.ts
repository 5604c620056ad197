import type { Table } from '../data/table.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import { holdoutsOf, scoreSpec, type FoldScores } from './score.js';
import type { TrainingSpec } from './spec.js';
import { foldsOnThreads } from './foldPool.js';
import type { JobPlacement } from './jobQueue.js';
import { capAtCores } from '../model/kernelThreads.js';

/** Options of crossValidate: progress and how many folds run at once. */
export interface CrossValidationArgs {
  /** Called after each fold (progress), in the order folds finish. */
  onFold?: (scores: FoldScores) => void;
  /**
   * Folds trained at once (Node.js): this thread and jobs − 1 worker threads, which join as soon
   * as they have loaded (this thread starts at once, so a short cross-validation never waits for
   * them); default 1 (this thread, one fold after the other). Each fold's products use the cores
   * its job leaves: one thread when the jobs fill them. The scores are the same for any count
   * (each fold is seeded).
   */
  jobs?: number;
  /** Told, with jobs > 1, how many folds ran on this thread and on each worker thread that joined. */
  onPlacement?: (placement: JobPlacement) => void;
  /** Told when `jobs` is capped at the machine's cores, or a worker thread fails to start (one line); default: console.warn. */
  onWarning?: (message: string) => void;
}

/**
 * k-fold cross-validation of a spec (stratified by class for classifiers, folds seeded by the
 * spec's seed), scored by the one scorer (scoreSpec): in each fold the pipeline is fitted on the
 * other folds, early stopping watches a validation share of those training folds only, and the
 * held-out fold is scored once. With `jobs` > 1 the folds run on this thread and on worker
 * threads that receive the table once (foldPool.ts).
 */
export async function crossValidate(spec: TrainingSpec, table: Table, k: number, args: CrossValidationArgs = {}): Promise<FoldScores[]> {
  checkKeys('crossValidate', args, ['onFold', 'jobs', 'onWarning', 'onPlacement']);
  const capped = capAtCores('crossValidate: jobs', integerAtLeast('crossValidate', 'jobs', args.jobs ?? 1, 1));
  const warn = args.onWarning ?? ((m: string) => console.warn(`backprop: ${m}`));
  if (capped.warning !== undefined) warn(capped.warning);
  const jobs = capped.value;
  const scoring = { folds: k, seed: spec.fit.seed };
  if (jobs === 1) return scoreSpec(spec, table, scoring, args.onFold ? { onFold: args.onFold } : {});
  const holdouts = holdoutsOf(table, scoring);
  return foldsOnThreads(spec, table, holdouts, spec.fit.seed, { jobs: Math.min(jobs, holdouts.length), onWarning: warn, ...(args.onFold ? { onFold: args.onFold } : {}), ...(args.onPlacement ? { onPlacement: args.onPlacement } : {}) });
}
