import { kFold, trainTestSplitIndices } from '../data/split.js';
import type { Table } from '../data/table.js';
import { classCodes } from './output.js';
import { outputsToTargets, pipelineInputs } from './pipeline.js';
import { prepareTraining, startRun } from './prepare.js';
import type { TrainingSpec } from './spec.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import { foldsOnThreads } from './foldPool.js';

/** The scores of one fold, on its held-out rows (regression metrics in the target's units, averaged over outputs). */
export interface FoldScores {
  readonly fold: number;
  readonly rows: number;
  readonly epochs: number;
  readonly accuracy?: number;
  readonly r2?: number;
  readonly rmse?: number;
  readonly mae?: number;
}

/** Options of crossValidate: progress and how many folds run at once. */
export interface CrossValidationArgs {
  /** Called after each fold (progress), in the order folds finish. */
  onFold?: (scores: FoldScores) => void;
  /**
   * Folds trained at once, each on a worker thread of its own (Node.js); default 1 (in this
   * thread, one after the other). Each fold's products use the cores its job leaves: one thread
   * when the jobs fill them. The scores are the same for any count (each fold is seeded).
   */
  jobs?: number;
}

/** One fold's rows: the training folds and the held-out one. */
export interface FoldRows {
  readonly train: readonly number[];
  readonly validation: readonly number[];
}

/**
 * k-fold cross-validation of a spec (stratified by class for classifiers, seeded by the spec):
 * in each fold the pipeline is fitted on the other folds, early stopping (when the spec asks for
 * it) watches a validation share of those training folds only, and the held-out fold is scored.
 * With `jobs` > 1 the folds run on a pool of worker threads that receive the table once.
 */
export async function crossValidate(spec: TrainingSpec, table: Table, k: number, args: CrossValidationArgs = {}): Promise<FoldScores[]> {
  checkKeys('crossValidate', args, ['onFold', 'jobs']);
  const jobs = integerAtLeast('crossValidate', 'jobs', args.jobs ?? 1, 1);
  const y = table.y;
  const labels = y?.kind === 'classes' ? y.codes : undefined;
  const folds = kFold(table.rows, k, labels, spec.fit.seed);
  if (jobs > 1 && folds.length > 1) {
    const scores = await foldsOnThreads(spec, table, folds, Math.min(jobs, folds.length), args.onFold);
    return scores.sort((a, b) => a.fold - b.fold);
  }
  const out: FoldScores[] = [];
  for (const [f, fold] of folds.entries()) {
    const scores = await scoreFold(spec, table, f, fold);
    out.push(scores);
    args.onFold?.(scores);
  }
  return out;
}

/** Trains fold `f` (0-based) of a cross-validation and scores its held-out rows. */
export async function scoreFold(spec: TrainingSpec, table: Table, f: number, fold: FoldRows): Promise<FoldScores> {
  const y = table.y;
  const labels = y?.kind === 'classes' ? y.codes : undefined;
  let split = { train: [...fold.train], validation: [] as number[], note: undefined };
  if (spec.fit.validationSplit > 0) {
    const inner = trainTestSplitIndices(fold.train.length, labels ? fold.train.map((r) => labels[r]!) : undefined, { testSize: spec.fit.validationSplit, seed: spec.fit.seed, stratify: labels !== undefined });
    split = { train: inner.train.map((i) => fold.train[i]!), validation: inner.test.map((i) => fold.train[i]!), note: undefined };
  }
  const p = prepareTraining(spec, table, { split });
  const history = await startRun(p).finish();
  const out1 = p.network.model.predictMatrix(pipelineInputs(p.preprocessing, table, [...fold.validation]));
  const base = { fold: f + 1, rows: fold.validation.length, epochs: history.epoch.length };
  if (y!.kind === 'classes') {
    const codes = classCodes(out1);
    return { ...base, accuracy: fold.validation.filter((r, i) => codes[i] === y!.codes[r]).length / fold.validation.length };
  }
  const pred = outputsToTargets(p.preprocessing, out1);
  const d = y!.values.cols;
  let abs = 0;
  let sq = 0;
  let r2 = 0;
  for (let c = 0; c < d; c++) {
    const truth = fold.validation.map((r) => y!.values.data[r * d + c]!);
    const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
    let res = 0;
    let tot = 0;
    truth.forEach((t, i) => {
      const e = pred.data[i * d + c]! - t;
      abs += Math.abs(e);
      res += e * e;
      tot += (t - mean) ** 2;
    });
    sq += res;
    r2 += tot === 0 ? 0 : 1 - res / tot;
  }
  const n = fold.validation.length * d;
  return { ...base, r2: r2 / d, rmse: Math.sqrt(sq / n), mae: abs / n };
}

/** Mean and (population) standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) };
}
