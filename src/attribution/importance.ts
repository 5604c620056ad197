import { countOf } from '../core/format.js';
import { Rng, checkSeed } from '../core/rng.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import type { Table } from '../data/table.js';
import type { ModelWithPipeline } from '../training/apply.js';
import { pipelineInputs } from '../training/pipeline.js';
import { meanStd } from '../training/score.js';
import { findRawColumn, rawColumns, type RawColumn } from './columns.js';
import { ExplanationInputError } from './errors.js';
import { explainedOutputs, readOutputs } from './outputs.js';
import { chooseMetric, higherIsBetter, score, truthOf, type ImportanceMetric } from './scoring.js';
import { checkRows, checkTable, derivedTable, sampleRows, tableRows } from './tables.js';

/** Options of permutationImportance. */
export interface PermutationImportanceArgs {
  /** What is scored: 'accuracy' (default) or 'logLoss' for classes; 'r2' (default), 'mae' or 'rmse' for regression. */
  metric?: ImportanceMetric;
  /** Shuffles per column; default 5. */
  repeats?: number;
  /** Seed of the shuffles (and of the row sample); default 0. */
  seed?: number;
  /** Score these rows of the table (from 0; e.g. the validation rows), default all. */
  rows?: readonly number[];
  /** Score on at most this many of them, a seeded sample (default: all). */
  maxRows?: number;
  /** Only these raw columns (default: all). */
  columns?: readonly string[];
}

/** How much one raw column matters: the score lost when its values are shuffled. */
export interface ColumnImportance {
  readonly column: string;
  readonly kind: RawColumn['kind'];
  /** Mean over the repeats of the loss in score (baseline − shuffled for accuracy/R², shuffled − baseline for errors): > 0 means the model uses the column. */
  readonly mean: number;
  /** Standard deviation of the loss over the repeats (population, as scikit-learn's importances_std). */
  readonly std: number;
  /** The loss of each repeat. */
  readonly drops: readonly number[];
}

/** What permutationImportance gives. */
export interface PermutationImportance {
  readonly metric: ImportanceMetric;
  /** The score on the rows as they are. */
  readonly baseline: number;
  /** Rows scored. */
  readonly rows: number;
  readonly repeats: number;
  readonly seed: number;
  /** Most important first. */
  readonly columns: readonly ColumnImportance[];
}

/**
 * Permutation importance (Breiman 2001; scikit-learn's `permutation_importance`) per raw column:
 * shuffle one column's cells across the rows, run the whole saved pipeline and the model again,
 * and measure how much the score falls. A categorical column's one-hot inputs (and a column's
 * missing indicator) move together, because the column is shuffled before the pipeline. The
 * table must be read with the model's schema and hold the target.
 *
 * @example
 * const imp = permutationImportance(loaded, table, { repeats: 5, seed: 1 });
 * imp.columns[0]; // { column: 'flipper_length_mm', mean: 0.31, std: 0.02, ... }
 */
export function permutationImportance(m: ModelWithPipeline, table: Table, args: PermutationImportanceArgs = {}): PermutationImportance {
  const where = 'permutationImportance';
  checkKeys(where, args, ['metric', 'repeats', 'seed', 'rows', 'maxRows', 'columns']);
  const all = rawColumns(m, where);
  checkTable(m, table, where);
  const metric = chooseMetric(m, args.metric, where);
  const repeats = integerAtLeast(where, 'repeats', args.repeats ?? 5, 1);
  const seed = checkSeed(where, args.seed ?? 0);
  const given = args.rows === undefined ? range(table.rows) : checkRows(args.rows, table, where);
  const maxRows = integerAtLeast(where, 'maxRows', args.maxRows ?? given.length, 1);
  if (given.length < 2) throw new ExplanationInputError(`${where}: ${countOf(given.length, 'row')} of ${table.source} to score; shuffling needs at least 2`, { field: 'rows' });
  const columns = args.columns === undefined ? all : args.columns.map((c) => findRawColumn(all, c, where));
  const rng = new Rng(seed);
  const rows = sampleRows(given, maxRows, rng);
  const sub = tableRows(table, rows);
  const outputs = explainedOutputs(m);
  const truth = truthOf(m, table, outputs, rows, where);
  const predict = (t: Table): Float64Array => readOutputs(outputs, m.network.predictMatrix(pipelineInputs(m.preprocessing, t)));
  const baseline = score(metric, predict(sub), outputs.length, truth);
  const sign = higherIsBetter(metric) ? 1 : -1;
  const result: ColumnImportance[] = columns.map((c) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = rng.shuffle(Int32Array.from(range(sub.rows)));
      drops.push(sign * (baseline - score(metric, predict(shuffledColumn(sub, c, order)), outputs.length, truth)));
    }
    const { mean, std } = meanStd(drops);
    return { column: c.name, kind: c.kind, mean, std, drops };
  });
  result.sort((a, b) => b.mean - a.mean);
  return { metric, baseline, rows: sub.rows, repeats, seed, columns: result };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The table with one raw column's cells taken from row order[i] in row i (its features and whether its category is missing). */
export function shuffledColumn(t: Table, c: RawColumn, order: Int32Array): Table {
  const d = t.x.cols;
  const x = t.x.clone();
  for (let i = 0; i < t.rows; i++) {
    const from = order[i]! * d + c.start;
    for (let k = 0; k < c.width; k++) x.data[i * d + c.start + k] = t.x.data[from + k]!;
  }
  const missing = new Map(t.categoricalMissing);
  const was = t.categoricalMissing.get(c.name);
  if (was !== undefined) {
    const set = new Set(was);
    const now: number[] = [];
    for (let i = 0; i < t.rows; i++) if (set.has(order[i]!)) now.push(i);
    missing.set(c.name, Int32Array.from(now));
  }
  return derivedTable(t, x, missing);
}

