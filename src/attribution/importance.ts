import { Rng, checkSeed } from '../core/rng.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import type { Table } from '../data/table.js';
import type { ModelWithPipeline } from '../training/apply.js';
import { pipelineInputs } from '../training/pipeline.js';
import { findRawColumn, rawColumns, type RawColumn } from './columns.js';
import { ExplanationInputError } from './errors.js';
import { explainedOutputs, readOutputs } from './outputs.js';
import { chooseMetric, higherIsBetter, score, truthOf, type ImportanceMetric } from './scoring.js';
import { checkTable, derivedTable, tableRows } from './tables.js';

/** Options of permutationImportance. */
export interface PermutationImportanceArgs {
  /** What is scored: 'accuracy' (default) or 'logLoss' for classes; 'r2' (default), 'mae' or 'rmse' for regression. */
  metric?: ImportanceMetric;
  /** Shuffles per column; default 5. */
  repeats?: number;
  /** Seed of the shuffles (and of the row sample); default 0. */
  seed?: number;
  /** Score on at most this many rows, a seeded sample (default: all rows). */
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
  checkKeys(where, args, ['metric', 'repeats', 'seed', 'maxRows', 'columns']);
  const all = rawColumns(m, where);
  checkTable(m, table, where);
  const metric = chooseMetric(m, args.metric, where);
  const repeats = integerAtLeast(where, 'repeats', args.repeats ?? 5, 1);
  const seed = checkSeed(where, args.seed ?? 0);
  const maxRows = integerAtLeast(where, 'maxRows', args.maxRows ?? table.rows, 1);
  if (table.rows < 2) throw new ExplanationInputError(`${where}: ${table.source} has ${table.rows} row${table.rows === 1 ? '' : 's'}; shuffling needs at least 2`, { field: 'table' });
  const columns = args.columns === undefined ? all : args.columns.map((c) => findRawColumn(all, c, where));
  const rng = new Rng(seed);
  const sample = sampleRows(table.rows, maxRows, rng);
  const sub = sample === undefined ? tableRows(table, range(table.rows)) : tableRows(table, sample);
  const outputs = explainedOutputs(m);
  const truth = truthOf(m, table, outputs, sample ?? range(table.rows), where);
  const predict = (t: Table): Float64Array => readOutputs(outputs, m.model.predictMatrix(pipelineInputs(m.preprocessing, t)));
  const baseline = score(metric, predict(sub), outputs.length, truth);
  const sign = higherIsBetter(metric) ? 1 : -1;
  const result: ColumnImportance[] = columns.map((c) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = rng.shuffle(Int32Array.from(range(sub.rows)));
      drops.push(sign * (baseline - score(metric, predict(shuffledColumn(sub, c, order)), outputs.length, truth)));
    }
    const mean = drops.reduce((a, v) => a + v, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, v) => a + (v - mean) ** 2, 0) / repeats);
    return { column: c.name, kind: c.kind, mean, std, drops };
  });
  result.sort((a, b) => b.mean - a.mean);
  return { metric, baseline, rows: sub.rows, repeats, seed, columns: result };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A seeded sample of at most `max` rows (in row order), or undefined for all. */
function sampleRows(rows: number, max: number, rng: Rng): number[] | undefined {
  if (rows <= max) return undefined;
  return Array.from(rng.shuffle(Int32Array.from(range(rows))).subarray(0, max)).sort((a, b) => a - b);
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

