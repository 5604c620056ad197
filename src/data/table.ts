import { Matrix, overflowReason, type DType } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { nearestName } from '../core/names.js';
import { checkKeys, describe, integerAtLeast, listValues, quote } from '../core/validate.js';
import { ChunkedFloat32, ChunkedFloat64, ChunkedInt32 } from './chunked.js';
import { parseNumberCell } from './cells.js';
import { MAX_NAME_CHARS, featureNames, type InputColumn, type TableSchema } from './schema.js';
import { TargetReader, isMissingOrInfinite, type TableTarget, type TargetTask } from './targetReader.js';

export { MAX_AUTO_CLASSES, type TableTarget } from './targetReader.js';

/** How to read a table: the target column(s), columns to ignore or treat as categorical, the task. */
export interface TableArgs {
  /** Name of the data in messages, e.g. the file name. Default 'data'. */
  source?: string;
  /** Target column name(s); default the last column. `[]` reads no target. Ignored with `schema`. */
  target?: string | readonly string[];
  /** Columns to one-hot encode whatever they hold; other columns are categorical when their first value is not a number. */
  categorical?: readonly string[];
  /** Columns to leave out. */
  ignore?: readonly string[];
  /** How to read the target: 'auto' (default) infers classes or numbers, or force one. */
  task?: 'auto' | 'classification' | 'regression';
  /**
   * The schema of a trained model: input columns are found by name (any order, extra columns
   * ignored), categories and classes are fixed; with it the target is read when present.
   */
  schema?: TableSchema;
  /** With `schema`: whether the target column(s) must be present. Default false. */
  requireTarget?: boolean;
  /** Most categories one column may one-hot encode (default MAX_CATEGORIES): past it, an InputError naming the column and line. */
  maxCategories?: number;
  /** Element type of `x`: 'float64' (default) keeps every parsed digit; 'float32' halves the memory of a large table. */
  dtype?: DType;
}

/**
 * Default cap on the categories of one column (RELIABILITY R2): 1e6 distinct values (an ID
 * column) would make a one-hot of 1e6 × rows; refused before it is allocated.
 */
export const MAX_CATEGORIES = 1000;

/** A table read into model inputs: features one-hot expanded, targets encoded. */
export interface Table {
  readonly source: string;
  readonly rows: number;
  readonly schema: TableSchema;
  readonly featureNames: readonly string[];
  /** [rows, features], float64 unless asked otherwise. */
  readonly x: Matrix;
  readonly y: TableTarget | undefined;
}

/** The index of column `name` in `header`, or an InputError listing the columns (and the nearest name). */
export function findColumn(header: readonly string[], name: string, source: string, role = 'column'): number {
  const i = header.indexOf(name);
  if (i >= 0) return i;
  const guess = nearestName(name, header);
  throw new InputError(`${source}: no ${role} ${quote(name)}${guess ? `; did you mean ${quote(guess)}?` : ''} Columns are: ${listValues(header)}`);
}

/** The error for a file with no header row. */
export function emptyTableError(source: string): InputError {
  return new InputError(`${source} is empty: expected a header row and at least one data row`);
}

interface InputSlot {
  readonly index: number;
  readonly name: string;
  kind: 'numeric' | 'categorical' | undefined;
  readonly categories: Map<string, number>;
  readonly fixedCategories: boolean;
  codes: ChunkedInt32 | undefined;
}

/**
 * Builds a Table from parsed CSV records, one at a time (so a 1,000,000-row file can be read from
 * a stream): `new TableBuilder(header, args)`, `add(fields, line)` per record, `finish()`.
 * Errors name the source, the line and the column: ragged rows, blanks, text, NaN or 1e999 in a
 * numeric column, duplicate headers, a missing target column (RELIABILITY C2–C4).
 */
export class TableBuilder {
  private readonly source: string;
  private readonly header: readonly string[];
  private readonly slots: InputSlot[] = [];
  private readonly targets: TargetReader;
  private readonly task: TargetTask;
  private readonly dtype: DType;
  private readonly maxCategories: number;
  private readonly forcedCategorical: ReadonlySet<string>;
  private numeric: ChunkedFloat64 | ChunkedFloat32 | undefined;
  private numericCount = 0;
  private rows = 0;

  constructor(header: readonly string[], args: TableArgs = {}) {
    checkKeys('table', args, ['source', 'target', 'categorical', 'ignore', 'task', 'schema', 'requireTarget', 'dtype', 'maxCategories']);
    this.maxCategories = integerAtLeast('table', 'maxCategories', args.maxCategories ?? MAX_CATEGORIES, 1);
    this.dtype = args.dtype ?? 'float64';
    if (this.dtype !== 'float64' && this.dtype !== 'float32') throw new InputError(`table: dtype must be 'float64' or 'float32', got ${describe(this.dtype)}`);
    this.source = args.source ?? 'data';
    this.task = args.task ?? 'auto';
    if (!['auto', 'classification', 'regression'].includes(this.task)) {
      throw new InputError(`table: task must be 'auto', 'classification' or 'regression', got ${describe(this.task)}`);
    }
    this.header = checkHeader(header, this.source);
    this.forcedCategorical = new Set(args.categorical ?? []);
    for (const name of this.forcedCategorical) findColumn(this.header, name, this.source, 'categorical column');
    const ignored = new Set(args.ignore ?? []);
    for (const name of ignored) findColumn(this.header, name, this.source, 'column to ignore');

    if (args.schema !== undefined) {
      const schema = args.schema;
      for (const c of schema.inputs) {
        const index = this.header.indexOf(c.name);
        if (index < 0) {
          throw new InputError(`${this.source}: column ${quote(c.name)} used to train the model is missing; the model expects ${listValues(schema.inputs.map((i) => i.name))}; the file has ${listValues(this.header)}`);
        }
        const categories = new Map<string, number>(c.kind === 'categorical' ? c.categories.map((v, k) => [v, k]) : []);
        this.slots.push({ index, name: c.name, kind: c.kind, categories, fixedCategories: true, codes: undefined });
      }
      const t = schema.target;
      const present = t !== undefined && t.names.every((n) => this.header.includes(n));
      if (args.requireTarget && t === undefined) throw new InputError(`${this.source}: the model has no target column to evaluate against`);
      if (args.requireTarget && t !== undefined && !present) {
        const missing = t.names.find((n) => !this.header.includes(n))!;
        findColumn(this.header, missing, this.source, 'target column');
      }
      const columns = t !== undefined && present ? t.names.map((name) => ({ index: this.header.indexOf(name), name })) : [];
      this.targets = new TargetReader(columns, t, this.task, this.source, this.cellError);
      this.decideKinds(undefined);
      return;
    }

    const targetNames = args.target === undefined ? [this.header[this.header.length - 1]!] : typeof args.target === 'string' ? [args.target] : [...args.target];
    const columns: { index: number; name: string }[] = [];
    for (const name of targetNames) {
      const index = findColumn(this.header, name, this.source, 'target column');
      if (columns.some((c) => c.index === index)) throw new InputError(`${this.source}: target column ${quote(name)} given twice`);
      if (this.forcedCategorical.has(name)) throw new InputError(`${this.source}: ${quote(name)} is the target; it cannot also be a categorical input`);
      columns.push({ index, name });
    }
    this.targets = new TargetReader(columns, undefined, this.task, this.source, this.cellError);
    this.header.forEach((name, index) => {
      if (columns.some((c) => c.index === index) || ignored.has(name)) return;
      this.slots.push({ index, name, kind: undefined, categories: new Map(), fixedCategories: false, codes: undefined });
    });
    if (this.slots.length === 0) {
      throw new InputError(`${this.source}: no feature columns left (columns: ${listValues(this.header)}; target: ${listValues(targetNames)})`);
    }
  }

  /** Numeric or categorical per input column: from the schema, the `categorical` list, or the first row. */
  private decideKinds(first: readonly string[] | undefined): void {
    for (const s of this.slots) {
      if (s.kind === undefined) {
        const forced = this.forcedCategorical.has(s.name);
        const cell = first![s.index]!;
        s.kind = forced || (!parseNumberCell(cell).ok && !isMissingOrInfinite(cell)) ? 'categorical' : 'numeric';
      }
      if (s.kind === 'categorical') s.codes = new ChunkedInt32();
      else this.numericCount++;
    }
    this.numeric = this.dtype === 'float32' ? new ChunkedFloat32() : new ChunkedFloat64();
  }

  /** Adds one record; `line` is its line number in the source (for messages). */
  add(fields: readonly string[], line: number): void {
    if (fields.length !== this.header.length) {
      throw new InputError(`${this.source} line ${line}: expected ${this.header.length} fields (as the header), got ${fields.length}`);
    }
    if (this.numeric === undefined) this.decideKinds(fields);
    const numeric = this.numeric!;
    for (const s of this.slots) {
      const cell = fields[s.index]!;
      if (s.kind === 'numeric') {
        const r = parseNumberCell(cell);
        if (!r.ok) throw this.cellError(line, s.index, r.reason, 'numeric');
        const overflow = overflowReason(r.value, this.dtype);
        if (overflow !== undefined) throw this.cellError(line, s.index, `is ${overflow}`);
        numeric.push(r.value);
      } else {
        const key = cell.trim();
        if (key.length > MAX_NAME_CHARS) throw this.cellError(line, s.index, `category ${quote(key)} is over the limit of ${MAX_NAME_CHARS} characters`);
        let code = s.categories.get(key);
        if (code === undefined) {
          if (s.fixedCategories) {
            throw this.cellError(line, s.index, `category ${quote(key)} was not seen in training (known: ${listValues(s.categories.keys())})`);
          }
          code = s.categories.size;
          if (code >= this.maxCategories) {
            throw this.cellError(line, s.index, `${quote(key, 40)} would be category ${code + 1}, over the cap of ${this.maxCategories} one-hot columns (maxCategories); leave the column out (--ignore) if it is an identifier`);
          }
          s.categories.set(key, code);
        }
        s.codes!.push(code);
      }
    }
    this.targets.add(fields, line);
    this.rows++;
  }

  private readonly cellError = (line: number, column: number, reason: string, kind?: string): InputError => {
    const name = this.header[column]!;
    const hint = kind === 'numeric' ? `; the column is numeric (list it as categorical if it holds categories, or fill missing values)` : '';
    return new InputError(`${this.source} line ${line}, column ${column + 1} (${quote(name)}): ${reason}${hint}`);
  };

  /** The table, once every record has been added. */
  finish(): Table {
    if (this.rows === 0) throw new InputError(`${this.source} has a header but no data rows`);
    const inputs: InputColumn[] = this.slots.map((s) =>
      s.kind === 'categorical' ? { name: s.name, kind: 'categorical', categories: [...s.categories.keys()] } : { name: s.name, kind: 'numeric' },
    );
    const { spec, target } = this.targets.finish(this.rows);
    const schema: TableSchema = { inputs, target: spec };
    return { source: this.source, rows: this.rows, schema, featureNames: featureNames(schema), x: this.assembleX(schema), y: target };
  }

  private assembleX(schema: TableSchema): Matrix {
    const names = featureNames(schema);
    const d = names.length;
    const x = Matrix.zeros(this.rows, d, this.dtype);
    const out = x.data;
    const offsets: number[] = [];
    let o = 0;
    for (const s of this.slots) {
      offsets.push(o);
      o += s.kind === 'categorical' ? s.categories.size : 1;
    }
    // Numeric values were stored row-major over the numeric columns only.
    const numericOffsets = this.slots.flatMap((s, k) => (s.kind === 'numeric' ? [offsets[k]!] : []));
    const w = this.numericCount;
    if (w > 0) {
      // drain() hands each chunk over and forgets it, so the raw values and x never both exist in full.
      this.numeric!.drain((v, k) => {
        const row = Math.floor(k / w);
        out[row * d + numericOffsets[k % w]!] = v;
      });
    }
    this.slots.forEach((s, k) => {
      if (s.kind !== 'categorical') return;
      const base = offsets[k]!;
      s.codes!.forEach((code, row) => {
        out[row * d + base + code] = 1;
      });
    });
    return x;
  }

}

function checkHeader(header: readonly string[], source: string): string[] {
  if (!Array.isArray(header) || header.length === 0) throw emptyTableError(source);
  const names = header.map((h, i) => {
    if (typeof h !== 'string') throw new InputError(`${source}: header field ${i + 1} is not text`);
    return (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim();
  });
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') throw new InputError(`${source} line 1: column ${i + 1} has no name; every column needs a header`);
    if (name.length > MAX_NAME_CHARS) throw new InputError(`${source} line 1: column ${i + 1} name ${quote(name)} is over the limit of ${MAX_NAME_CHARS} characters`);
    const before = seen.get(name);
    if (before !== undefined) throw new InputError(`${source} line 1: duplicate column name ${quote(name)} (columns ${before + 1} and ${i + 1})`);
    seen.set(name, i);
  });
  return names;
}

/** Reads in-memory records (header first) into a Table; the CLI streams the same way from a file. */
export function tableFromRecords(records: Iterable<readonly string[]>, args: TableArgs = {}): Table {
  let builder: TableBuilder | undefined;
  let line = 0;
  for (const record of records) {
    line++;
    if (builder === undefined) builder = new TableBuilder(record, args);
    else builder.add(record, line);
  }
  if (builder === undefined) throw emptyTableError(args.source ?? 'data');
  return builder.finish();
}
