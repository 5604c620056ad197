import { Rng, checkSeed } from '../core/rng.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import type { Table } from '../data/table.js';
import type { ModelWithPipeline } from '../training/apply.js';
import { pipelineInputs } from '../training/pipeline.js';
import { findRawColumn, rawColumns, type RawColumn } from './columns.js';
import { ExplanationInputError } from './errors.js';
import { explainedOutputs, isClassification, readOutputs } from './outputs.js';
import { checkRows, checkTable, derivedTable, sampleRows, tableRows } from './tables.js';

/** Options of partialDependence. */
export interface PartialDependenceArgs {
  /**
   * Where the column is set: a number of points (numeric columns: quantiles of its values between
   * the 5th and 95th percentile, default 20, fewer when it has fewer distinct values), or the
   * values themselves (numbers, or categories). Categorical columns default to every category.
   */
  grid?: number | readonly number[] | readonly string[];
  /** Average over these rows of the table (from 0), default all. */
  rows?: readonly number[];
  /** Average over at most this many of them, a seeded sample (default: all). */
  maxRows?: number;
  /** ICE curves kept: the first this many rows of the sample (default 20). */
  iceRows?: number;
  /** Seed of the row sample; default 0. */
  seed?: number;
}

/** One row's curve: its prediction as the column moves over the grid, the rest of the row kept. */
export interface IceCurve {
  /** The table row, from 0. */
  readonly row: number;
  /** [output][grid point]. */
  readonly values: readonly (readonly number[])[];
}

/** What partialDependence gives. */
export interface PartialDependence {
  readonly column: string;
  readonly kind: 'numeric' | 'categorical';
  /** The values the column was set to. */
  readonly grid: readonly number[] | readonly string[];
  /** What the curves are of: class probabilities ('classification') or targets in their own units. */
  readonly task: 'classification' | 'regression';
  /** The classes or target names, in the curves' order. */
  readonly outputs: readonly string[];
  /** [output][grid point]: the mean prediction over the rows with the column set to the grid value. */
  readonly average: readonly (readonly number[])[];
  /** Individual conditional expectation curves of some rows. */
  readonly ice: readonly IceCurve[];
  /** Rows averaged over. */
  readonly rows: number;
}

/**
 * Partial dependence (Friedman 2001) and ICE curves (Goldstein et al. 2015): set one raw column to
 * each grid value in every row, run the saved pipeline and the model, and average the
 * predictions. Numeric and categorical columns; a date column is refused (its features move
 * together through the calendar, not along one axis).
 *
 * @example
 * const pd = partialDependence(loaded, table, 'flipper_length_mm', { grid: 10 });
 * pd.grid; pd.average[pd.outputs.indexOf('Gentoo')];
 */
export function partialDependence(m: ModelWithPipeline, table: Table, column: string, args: PartialDependenceArgs = {}): PartialDependence {
  const where = 'partialDependence';
  checkKeys(where, args, ['grid', 'rows', 'maxRows', 'iceRows', 'seed']);
  const c = findRawColumn(rawColumns(m, where), column, where);
  checkTable(m, table, where);
  if (c.column.kind === 'date') throw new ExplanationInputError(`${where}: ${JSON.stringify(column)} is a date column; partial dependence takes numeric and categorical columns`, { column, field: 'column' });
  const given = args.rows === undefined ? Array.from({ length: table.rows }, (_, i) => i) : checkRows(args.rows, table, where);
  if (given.length === 0) throw new ExplanationInputError(`${where}: no rows of ${table.source} to average over`, { field: 'rows' });
  const maxRows = integerAtLeast(where, 'maxRows', args.maxRows ?? given.length, 1);
  const iceRows = integerAtLeast(where, 'iceRows', args.iceRows ?? 20, 0);
  const seed = checkSeed(where, args.seed ?? 0);
  const rows = sampleRows(given, maxRows, new Rng(seed));
  const sub = tableRows(table, rows);
  const grid = c.column.kind === 'categorical' ? categoryGrid(c, args.grid) : numericGrid(table, c, args.grid);
  const outputs = explainedOutputs(m);
  const k = outputs.length;
  const n = sub.rows;
  const average = outputs.map(() => new Array<number>(grid.length).fill(0));
  const kept = rows.slice(0, iceRows);
  const ice = kept.map((row) => ({ row, values: outputs.map(() => new Array<number>(grid.length).fill(0)) }));
  grid.forEach((g, gi) => {
    const p = readOutputs(outputs, m.network.predictMatrix(pipelineInputs(m.preprocessing, withColumnSet(sub, c, g))));
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < k; o++) {
        average[o]![gi]! += p[i * k + o]! / n;
        if (i < kept.length) ice[i]!.values[o]![gi] = p[i * k + o]!;
      }
    }
  });
  return { column, kind: c.column.kind, grid, task: isClassification(m) ? 'classification' : 'regression', outputs: outputs.map((o) => o.name), average, ice, rows: n };
}

function categoryGrid(c: RawColumn, grid: PartialDependenceArgs['grid']): string[] {
  if (c.column.kind !== 'categorical') throw new Error('unreachable');
  const categories = c.column.categories;
  if (grid === undefined || typeof grid === 'number') return [...categories];
  return grid.map((v) => {
    const s = String(v);
    if (!categories.includes(s)) throw new ExplanationInputError(`partialDependence: grid value ${JSON.stringify(s)} is not a category of ${JSON.stringify(c.name)} (${categories.slice(0, 10).join(', ')}${categories.length > 10 ? ', ...' : ''})`, { column: c.name, field: 'grid' });
    return s;
  });
}

/** Quantiles of the column's values at evenly spaced levels from 5 % to 95 %, distinct; or the given numbers. */
function numericGrid(table: Table, c: RawColumn, grid: PartialDependenceArgs['grid']): number[] {
  if (grid !== undefined && typeof grid !== 'number') {
    return grid.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ExplanationInputError(`partialDependence: grid[${i}] for the numeric column ${JSON.stringify(c.name)} must be a finite number, got ${JSON.stringify(v)}`, { column: c.name, field: 'grid' });
      return v;
    });
  }
  const points = integerAtLeast('partialDependence', 'grid', grid ?? 20, 2);
  const values: number[] = [];
  for (let i = 0; i < table.rows; i++) {
    const v = table.x.data[i * table.x.cols + c.start]!;
    if (!Number.isNaN(v)) values.push(v);
  }
  if (values.length === 0) throw new ExplanationInputError(`partialDependence: ${JSON.stringify(c.name)} has no values in ${table.source}`, { column: c.name });
  values.sort((a, b) => a - b);
  const distinct = [...new Set(values)];
  if (distinct.length <= points) return distinct;
  const out: number[] = [];
  for (let q = 0; q < points; q++) {
    const level = 0.05 + (0.9 * q) / (points - 1);
    const at = level * (values.length - 1);
    const lo = Math.floor(at);
    const hi = Math.min(lo + 1, values.length - 1);
    out.push(values[lo]! + (at - lo) * (values[hi]! - values[lo]!));
  }
  return [...new Set(out)];
}

/** Every row with the raw column set to `value` (a number, or a category), nothing missing in it. */
function withColumnSet(t: Table, c: RawColumn, value: number | string): Table {
  const d = t.x.cols;
  const x = t.x.clone();
  const code = typeof value === 'string' && c.column.kind === 'categorical' ? c.column.categories.indexOf(value) : -1;
  for (let i = 0; i < t.rows; i++) {
    if (typeof value === 'number') x.data[i * d + c.start] = value;
    else for (let k = 0; k < c.width; k++) x.data[i * d + c.start + k] = k === code ? 1 : 0;
  }
  const missing = new Map(t.categoricalMissing);
  missing.delete(c.name);
  return derivedTable(t, x, missing);
}
