import { InputError } from '../core/errors.js';
import { TableBuilder, emptyTableError, type Table, type TableArgs } from './table.js';

/*
 * Rows as objects (a JSON array of records, JSON Lines, the rows a JavaScript program holds) read
 * into a Table through the same TableBuilder as a CSV file's records, so every inference, note and
 * error is the one a CSV with these columns gets. The columns are the union of the rows' keys in
 * the order first seen (pandas' DataFrame of records, json_normalize at depth 0); a key a row
 * lacks is a missing cell there.
 */

/** Most distinct keys over the rows: past it the rows are not a table (a map keyed by IDs?). */
export const MAX_OBJECT_KEYS = 100_000;

/** What a value is called in a message about a cell that cannot be one. */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : `${typeof v === 'object' ? 'an object' : `a ${typeof v}`}`;
}

/** A short quote of a value for an error. */
function shortJson(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * The cell text of one value, as a CSV would hold it: numbers in JavaScript's shortest round-trip
 * form, true/false, null and undefined as a blank (missing) cell, a Date as its ISO 8601 time.
 * An object or array has no cell: an InputError naming the row's line and the key.
 */
export function cellOfValue(v: unknown, key: string, where: string): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      // NaN is how JavaScript (and pandas) hold a missing number; ±Infinity reads as the CSV's "inf" does.
      return Number.isNaN(v) ? '' : String(v);
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'undefined':
      return '';
    default:
      if (v === null) return '';
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
      throw new InputError(`${where}: ${JSON.stringify(key)} holds ${kindOf(v)} (${shortJson(v)}); a cell is a number, text, true/false or null: flatten nested fields into columns of their own (pandas: pd.json_normalize)`);
  }
}

/** Rows and where each is, for messages. */
export interface ObjectRows {
  /** The rows: objects of named values. */
  readonly rows: readonly unknown[];
  /** The line of row i (0-based) in the file the rows came from (1-based), if known; else i + 1. */
  readonly line?: (i: number) => number;
}

/** The union of the rows' keys, in the order first seen; an InputError for a row that is no object. */
export function unionOfKeys(rows: Iterable<unknown>, where: (i: number) => string): string[] {
  const keys = new Map<string, true>();
  let i = 0;
  for (const row of rows) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new InputError(`${where(i)}: the row is ${kindOf(row)} (${shortJson(row)}), not an object of named values`);
    }
    for (const k in row) {
      if (!Object.prototype.hasOwnProperty.call(row, k)) continue;
      keys.set(k, true);
      if (keys.size > MAX_OBJECT_KEYS) throw new InputError(`${where(i)}: over ${MAX_OBJECT_KEYS.toLocaleString('en-US')} distinct keys in the rows so far; a table has a fixed set of columns (is this a map keyed by IDs?)`);
    }
    i++;
  }
  return [...keys.keys()];
}

/** One row's cells in the order of `keys`. */
export function recordOfObject(row: Readonly<Record<string, unknown>>, keys: readonly string[], where: string): string[] {
  return keys.map((k) => (Object.prototype.hasOwnProperty.call(row, k) ? cellOfValue(row[k], k, where) : ''));
}

/**
 * Reads rows given as objects (`[{ age: 31, city: 'Oslo', label: 'yes' }, …]`) into a Table, as
 * tableFromRecords reads a header and rows: the columns are every key of any row, in the order
 * first seen; a key a row lacks, null, undefined, NaN and '' are missing cells; numbers, text,
 * booleans and Dates are cells; a nested object or array is an InputError naming the row and key.
 * `header: false` and `skipRows` do not apply (the keys name the columns). In messages, "line n"
 * is the n-th row unless `line` maps rows to the lines of a file.
 */
export function tableFromObjects(rows: readonly unknown[] | ObjectRows, args: TableArgs = {}): Table {
  const given: ObjectRows = Array.isArray(rows) ? { rows } : (rows as ObjectRows);
  const source = args.source ?? 'data';
  if (args.header === false || (args.skipRows ?? 0) > 0) throw new InputError(`${source}: header: false and skipRows apply to text records; rows of objects are named by their keys`);
  const lineOf = given.line ?? ((i: number) => i + 1);
  const where = (i: number) => `${source} line ${lineOf(i)}`;
  const keys = unionOfKeys(given.rows, where);
  if (given.rows.length === 0 || keys.length === 0) throw emptyTableError(source);
  const builder = new TableBuilder(keys, { ...args, source });
  given.rows.forEach((row, i) => builder.add(recordOfObject(row as Record<string, unknown>, keys, where(i)), lineOf(i)));
  return builder.finish();
}
