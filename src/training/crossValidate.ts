import type { Table } from '../data/table.js';
import { scoreSpec, type FoldScores } from './score.js';
import type { TrainingSpec } from './spec.js';

/** Options of crossValidate. */
export interface CrossValidationArgs {
  /** Called after each fold (progress). */
  onFold?: (scores: FoldScores) => void;
}

/**
 * k-fold cross-validation of a spec (stratified by class for classifiers, folds seeded by the
 * spec's seed), scored by the one scorer (scoreSpec): in each fold the pipeline is fitted on the
 * other folds, early stopping watches a validation share of those training folds only, and the
 * held-out fold is scored once.
 */
export function crossValidate(spec: TrainingSpec, table: Table, k: number, args: CrossValidationArgs = {}): Promise<FoldScores[]> {
  return scoreSpec(spec, table, { folds: k, seed: spec.fit.seed }, args.onFold ? { onFold: args.onFold } : {});
}
