import { Matrix } from '../core/matrix.js';
import type { Table } from '../data/table.js';
import { tableFromRecords } from '../data/table.js';
import type { Rng } from '../core/rng.js';
import { featureNames } from '../data/schema.js';
import { dateFromFeatures } from '../data/dates.js';
import { listValues, quote } from '../core/validate.js';
import type { ModelWithPipeline, RawRecord } from '../training/apply.js';
import type { RawColumn } from './columns.js';
import { ExplanationInputError } from './errors.js';

/**
 * Tables an explanation builds to run the saved pipeline on: the rows it perturbs (a raw column
 * permuted or set to a grid value, a path's end points), with the same schema, so every model
 * input they give comes from pipelineInputs exactly as at predict time.
 */

/** A row of a table, as an explanation's subject or baseline. */
export interface TableRow {
  readonly table: Table;
  /** Counted from 0. */
  readonly row: number;
}

/** A table with the given encoded features (rows × features) and missing categories, no target. */
export function derivedTable(base: Pick<Table, 'source' | 'schema' | 'featureNames'>, x: Matrix, categoricalMissing: ReadonlyMap<string, Int32Array>, source = base.source): Table {
  return {
    source,
    rows: x.rows,
    schema: base.schema,
    featureNames: base.featureNames,
    x,
    y: undefined,
    categoricalMissing,
    report: { columns: [], rowsRead: x.rows, strays: [], frequentMissingTokens: [], notes: [], leftOut: [], missing: [], droppedNoTarget: 0, droppedMissing: 0, unknown: [], targetReason: undefined },
    carried: new Map(),
  };
}

/** The rows of a table (in this order), as a table of their own without a target. */
export function tableRows(table: Table, rows: readonly number[]): Table {
  const d = table.x.cols;
  const x = Matrix.zeros(rows.length, d, table.x.dtype);
  rows.forEach((r, i) => x.data.set(table.x.data.subarray(r * d, (r + 1) * d), i * d));
  const at = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const list = at.get(r);
    if (list) list.push(i);
    else at.set(r, [i]);
  });
  const missing = new Map<string, Int32Array>();
  for (const [name, list] of table.categoricalMissing) {
    const mapped: number[] = [];
    for (const r of list) for (const i of at.get(r) ?? []) mapped.push(i);
    missing.set(name, Int32Array.from(mapped.sort((a, b) => a - b)));
  }
  return derivedTable(table, x, missing);
}

/** Checks a table was read with the model's schema (same columns, same features). */
export function checkTable(m: ModelWithPipeline, table: Table, where: string): void {
  const schema = m.preprocessing.schema!;
  const names = schema.inputs.map((c) => c.name);
  const got = table.schema.inputs.map((c) => c.name);
  if (names.length !== got.length || names.some((n, i) => n !== got[i]) || table.x.cols !== table.featureNames.length) {
    throw new ExplanationInputError(`${where}: ${table.source} was not read with the model's schema (its columns are ${listValues(got)}, the model's ${listValues(names)}); read it with { schema: model.preprocessing.schema }`, { field: 'table' });
  }
}

/** A raw record as a one-row table read with the model's schema (unseen categories encoded as all zeros). */
export function recordTable(m: ModelWithPipeline, record: RawRecord, where: string, field: string): Table {
  const schema = m.preprocessing.schema!;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new ExplanationInputError(`${where}: ${field} must be an object keyed by column name`, { field });
  }
  const header = schema.inputs.map((c) => c.name);
  const row = header.map((name) => {
    if (!Object.prototype.hasOwnProperty.call(record, name)) {
      throw new ExplanationInputError(`${where}: ${field} has no ${quote(name)}; the model uses ${listValues(header)}`, { field, column: name });
    }
    const v = record[name];
    return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
  });
  return tableFromRecords([header, row], { schema: { inputs: schema.inputs, target: undefined }, source: field });
}

/** A record or a table row, as a one-row table. */
export function subjectTable(m: ModelWithPipeline, subject: RawRecord | TableRow, where: string, field: string): Table {
  if (isTableRow(subject)) {
    const { table, row } = subject;
    checkTable(m, table, where);
    if (!Number.isInteger(row) || row < 0 || row >= table.rows) {
      throw new ExplanationInputError(`${where}: ${field} row ${row} does not exist; ${table.source} has rows 0 to ${table.rows - 1}`, { field, row });
    }
    return tableRows(table, [row]);
  }
  return recordTable(m, subject, where, field);
}

export function isTableRow(v: unknown): v is TableRow {
  return typeof v === 'object' && v !== null && 'table' in v && 'row' in v && typeof (v as { row: unknown }).row === 'number' && typeof (v as { table: unknown }).table === 'object';
}

/**
 * The raw value a one-row table holds in a column, for display: a number, a category, or null
 * when missing or unseen. A date gives `yyyy-mm-dd` (`≈` before it when its features are medians,
 * not one date's: the typical row's).
 */
export function rawValue(table: Table, column: RawColumn, row = 0): number | string | null {
  const x = table.x.data;
  const at = row * table.x.cols + column.start;
  const c = column.column;
  if (c.kind === 'date') return dateFromFeatures(x, at, c.time);
  if (c.kind === 'categorical') {
    for (let k = 0; k < column.width; k++) if (x[at + k] === 1) return c.categories[k]!;
    return null;
  }
  const v = x[at]!;
  return Number.isNaN(v) ? null : v;
}

/**
 * The "typical" row of a model's pipeline: every numeric (and date) feature at its training
 * median, every categorical column at its most frequent category, nothing missing — the values
 * the imputer fills in. As a one-row table, so the pipeline itself scales it.
 */
export function typicalTable(m: ModelWithPipeline, columns: readonly RawColumn[], where: string): Table {
  const pre = m.preprocessing;
  const imputer = pre.imputer;
  if (imputer === undefined) {
    throw new ExplanationInputError(`${where}: the model's pipeline has no imputer (no medians or most frequent categories to start from); give a baseline record`, { field: 'baseline' });
  }
  const d = imputer.values.length;
  const x = Matrix.zeros(1, d, 'float64');
  x.data.set(imputer.values);
  for (const c of columns) {
    if (c.column.kind !== 'categorical') continue;
    const mode = imputer.modes.find((m2) => m2.column === c.name);
    for (let k = 0; k < c.width; k++) x.data[c.start + k] = 0;
    if (mode) x.data[c.start + c.column.categories.indexOf(mode.category)] = 1;
  }
  const schema = pre.schema!;
  return derivedTable({ source: 'typical row', schema: { inputs: schema.inputs, target: undefined }, featureNames: featureNames(schema) }, x, new Map());
}

/** A seeded sample of at most `max` of the rows (in their order), or all of them. */
export function sampleRows(rows: readonly number[], max: number, rng: Rng): readonly number[] {
  if (rows.length <= max) return rows;
  const picked = Array.from(rng.shuffle(Int32Array.from({ length: rows.length }, (_, i) => i)).subarray(0, max)).sort((a, b) => a - b);
  return picked.map((i) => rows[i]!);
}

/** The rows option checked: integers naming rows of the table. */
export function checkRows(rows: readonly number[], table: Table, where: string): readonly number[] {
  if (!Array.isArray(rows)) throw new ExplanationInputError(`${where}: rows must be an array of row numbers`, { field: 'rows' });
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= table.rows) throw new ExplanationInputError(`${where}: rows holds ${JSON.stringify(r)}, not a row of ${table.source} (0 to ${table.rows - 1})`, { field: 'rows', row: typeof r === 'number' ? r : undefined });
  }
  return rows;
}
