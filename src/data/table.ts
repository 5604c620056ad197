import { Matrix, type DType } from '../core/matrix.js';
import { ColumnNotFoundError, InputError } from '../core/errors.js';
import { nearestName } from '../core/names.js';
import { checkKeys, describe, integerAtLeast, listValues, quote } from '../core/validate.js';
import { CellRules, type CellOptions } from './cells.js';
import { countColumnNote, numericColumnNote } from './columnChecks.js';
import { ChunkedFloat64, RowBuffer } from './chunked.js';
import { ColumnReader, MISSING_CODE, respellingNote, type CellErrorFn, type ColumnKind, type NamedCell } from './columns.js';
import { dateFeatures, dateFormatOf, parseDate, type DateFormat } from './dates.js';
import { countLineNote, headerLikeDataNote, numericHeaderHint, type ReadColumn } from './headerCheck.js';
import { MAX_NAME_CHARS, columnWidth, featureNames, type InputColumn, type TableSchema, type TargetSpec } from './schema.js';
import { TargetReader, type TableTarget } from './targetReader.js';

export { MAX_AUTO_CLASSES, MIN_ROWS_PER_CLASS, type TableTarget } from './targetReader.js';

/** What to do with a missing cell: impute it (median / most frequent), drop its row, or stop with an error. */
export type MissingPolicy = 'impute' | 'drop' | 'error';
/** What to do with a category not seen in training: encode it as all zeros (with a counted warning) or stop with an error. */
export type UnknownPolicy = 'ignore' | 'error';

/** How to read a table: the target column(s), columns to ignore or treat as categorical, the task. */
export interface TableArgs {
  /** Name of the data in messages, e.g. the file name. Default 'data'. */
  source?: string;
  /** Target column name(s); default the last column. `[]` reads no target. Ignored with `schema`. */
  target?: string | readonly string[];
  /** Columns to one-hot encode whatever they hold. Other columns' kinds are inferred from all their values. */
  categorical?: readonly string[];
  /** Columns to read as numbers whatever they hold (text in them is an error). */
  numeric?: readonly string[];
  /** Columns to leave out. */
  ignore?: readonly string[];
  /** Columns to keep although they look like IDs or free text. */
  keep?: readonly string[];
  /**
   * Exactly the cells (trimmed) that mean missing, as pandas' `na_values` with
   * `keep_default_na=False`; default blank, NA, N/A, ?, NaN, null, None in any case. `['']`: only
   * blank cells, so a class called "None" is a class.
   */
  naValues?: readonly string[];
  /** The decimal mark of numbers: '.' (default) or ',' ("1,5"). */
  decimal?: '.' | ',';
  /**
   * Missing cells (blank, NA, N/A, ?, NaN, null, None): 'impute' (default) keeps them as NaN /
   * a missing category for the pipeline to fill; 'drop' leaves out rows with any; 'error' stops.
   * Rows whose target is missing are left out (counted) unless 'error'.
   */
  missing?: MissingPolicy;
  /** With `schema`: a category not seen in training encodes as all zeros ('ignore', counted) or is an error. */
  unknown?: UnknownPolicy;
  /** How to read the target: 'auto' (default) infers classes or numbers, or force one. */
  task?: 'auto' | 'classification' | 'regression';
  /**
   * The schema of a trained model: input columns are found by name (any order, extra columns
   * ignored), categories and classes are fixed; with it the target is read when present.
   */
  schema?: TableSchema;
  /** With `schema`: whether the target column(s) must be present. Default false. */
  requireTarget?: boolean;
  /** Most categories a column read as categorical may one-hot encode (default MAX_CATEGORIES): past it, an InputError naming the column and line. An inferred text column past it is left out as ID-like instead. */
  maxCategories?: number;
  /**
   * A column of dates or numbers whose value orders the rows in time (`table.order`), for a
   * validation split on the latest rows; it stays an input unless ignored. Every row needs one.
   */
  orderBy?: string;
  /**
   * A frequency table's count column: each record stands for that many identical rows and is
   * read that many times (0: none), as expanding the table would (R's as.data.frame of a table
   * has Freq). Whole numbers ≥ 0 only; the column is not an input.
   */
  count?: string;
  /**
   * false: the records have no header row (UCI's iris.data): the first record is data, added
   * as line 1, and the columns are named 0, 1, … as pandas' header=None names them.
   */
  header?: boolean;
  /**
   * Lines at the start of the file before its header (or before its first record, with `header:
   * false`), such as a row count or a title: the file readers and `tableFromRecords` skip them,
   * as pandas' skiprows=n. Line numbers in messages stay the file's.
   */
  skipRows?: number;
  /** Columns whose raw text is kept as is (`table.carried`), e.g. an ID to write next to predictions. */
  carry?: readonly string[];
  /** Element type of `x`: 'float64' (default) keeps every parsed digit; 'float32' halves the memory of a large table. */
  dtype?: DType;
  /**
   * Builds the error for a bad cell from its record's index (0-based, after the header) and its
   * column's name, instead of "<source> line L, column C": records given as objects are not lines
   * (predictRecords says `records[5].age`).
   */
  cellError?: (record: number, column: string, reason: string) => InputError;
  /**
   * About how many rows will be added (an upper bound such as the file's line count): numeric
   * values are read into a buffer of that size that becomes x itself when every input is numeric.
   * Only memory depends on it; default small, grown as needed.
   */
  expectedRows?: number;
}

/**
 * Default cap on the categories of one column (RELIABILITY R2): 1e6 distinct values (an ID
 * column) would make a one-hot of 1e6 × rows; refused before it is allocated.
 */
export const MAX_CATEGORIES = 1000;

/** What reading made of one column of the file. */
export interface ColumnDecision {
  readonly column: string;
  /** An input of the model, the target, left out because asked (--ignore, or not in a model's schema), or left out by a decision (see reason). */
  readonly role: 'input' | 'target' | 'ignored' | 'left out';
  /** An input's kind. */
  readonly kind?: ColumnKind;
  /** A categorical input's number of categories. */
  readonly categories?: number;
  /** The kind was given (--categorical, --numeric, a model's schema) or the column kept by --keep, not inferred. */
  readonly given?: boolean;
  /** Why a column is left out ("ID-like: 311 distinct values in 406 rows", "--ignore"). */
  readonly reason?: string;
}

/** Cells of a numeric column that are neither numbers nor missing tokens: read as missing, counted, the first ten named. */
export interface StrayCells {
  readonly column: string;
  /** All stray cells, decimal commas included. */
  readonly count: number;
  readonly examples: readonly NamedCell[];
  /** Numbers written with a decimal comma ("1,5") in a file read with a point. */
  readonly decimalCommas: number;
  readonly decimalExamples: readonly NamedCell[];
}

/** A default missing token that is a frequent value of a text column or the target: perhaps a real value ("None"). */
export interface FrequentMissingToken {
  readonly column: string;
  readonly token: string;
  readonly count: number;
  readonly target: boolean;
}

/** A default missing token is worth a word when it is at least this share of the rows read. */
export const FREQUENT_TOKEN_SHARE = 0.01;

/** Rows a count column may expand a table to (RELIABILITY R84): far past any frequency table, short of exhausting memory. */
export const MAX_COUNTED_ROWS = 10_000_000;

/** What reading decided and met, for the Data line and warnings. */
export interface TableReport {
  /** When line 1 reads like a row of data (every column's name one of its values): a file without a header row? One line. */
  readonly headerNote?: string;
  /** Read with `header: false`: line 1 was a row, the columns are numbered 0 to this count − 1. */
  readonly numberedColumns?: number;
  /** Lines skipped before the header (`skipRows`). */
  readonly skippedLines?: number;
  /** Every column of the file in order, with what reading made of it. */
  readonly columns: readonly ColumnDecision[];
  /** Records read: the rows kept and those left out. */
  readonly rowsRead: number;
  /** Stray cells per numeric column that has some. */
  readonly strays: readonly StrayCells[];
  /** Default missing tokens that are frequent values (≥ 1 % of the rows read) of a text column or the target. */
  readonly frequentMissingTokens: readonly FrequentMissingToken[];
  /** One-line notes on kept numeric columns whose integers may be row numbers, codes, a group ID or a frequency table's counts. */
  readonly notes: readonly { readonly column: string; readonly note: string }[];
  /** Inferred columns left out, with why ("ID-like: 311 distinct values in 406 rows"). */
  readonly leftOut: readonly { readonly column: string; readonly reason: string }[];
  /** Missing input cells per column (columns with none are not listed). */
  readonly missing: readonly { readonly column: string; readonly count: number }[];
  /** With `count`: the count column, the records read and the rows they stand for (records of count 0 stand for none). */
  readonly counted?: { readonly column: string; readonly records: number; readonly rows: number };
  /** Rows left out because the target was missing, and (policy 'drop') because an input was. */
  readonly droppedNoTarget: number;
  readonly droppedMissing: number;
  /** Categories not seen in training (reading with a schema), per column, with up to 10 examples. */
  readonly unknown: readonly { readonly column: string; readonly count: number; readonly examples: readonly string[] }[];
  /** Why the target was read as classes or numbers, when it was a judgement (integer targets). */
  readonly targetReason: string | undefined;
}

/** A table read into model inputs: features encoded (missing values as NaN), targets encoded. */
export interface Table {
  readonly source: string;
  readonly rows: number;
  readonly schema: TableSchema;
  readonly featureNames: readonly string[];
  /** [rows, features], float64 unless asked otherwise; NaN where a value is missing. */
  readonly x: Matrix;
  readonly y: TableTarget | undefined;
  /** Per categorical column: the rows whose category is missing (its one-hot block is all zeros). */
  readonly categoricalMissing: ReadonlyMap<string, Int32Array>;
  readonly report: TableReport;
  /** The raw text of the `carry` columns, one string per row. */
  readonly carried: ReadonlyMap<string, readonly string[]>;
  /** With `orderBy`: each row's time (days since 1970 for dates, else the number) and how it was read. */
  readonly order?: RowOrder;
  /** How text cells were read when not by the defaults (`naValues`, `decimal`): records read later must be read alike. */
  readonly reading?: CellOptions;
}

/**
 * A table received from another thread (a structured clone keeps the data but not the Matrix
 * class): x and numeric targets rebuilt on the same arrays, nothing copied.
 */
export function tableFromClone(t: Table): Table {
  const m = (x: Matrix) => new Matrix(x.rows, x.cols, x.data);
  const y = t.y?.kind === 'numeric' ? { ...t.y, values: m(t.y.values) } : t.y;
  return { ...t, x: m(t.x), y };
}

/** The time of each row, from the `orderBy` column. */
export interface RowOrder {
  readonly column: string;
  /** Days since 1970-01-01 for a date column, else the column's number. */
  readonly values: Float64Array;
  readonly dates: boolean;
}

/** The index of column `name` in `header`, or a ColumnNotFoundError listing the columns (and the nearest name). */
export function findColumn(header: readonly string[], name: string, source: string, role = 'column'): number {
  const i = header.indexOf(name);
  if (i >= 0) return i;
  const guess = nearestName(name, header);
  throw new ColumnNotFoundError(`${source}: no ${role} ${quote(name)}${guess ? `; did you mean ${quote(guess)}?` : ''} Columns are: ${listValues(header)}`, name, role);
}

/** The error for a file with no header row. */
export function emptyTableError(source: string): InputError {
  return new InputError(`${source} is empty: expected a header row and at least one data row`);
}

/**
 * Builds a Table from parsed CSV records, one at a time (so a 1,000,000-row file can be read from
 * a stream): `new TableBuilder(header, args)`, `add(fields, line)` per record, `finish()`.
 * Column kinds are inferred from all values (see ColumnReader); errors name the source, the line
 * and the column: ragged rows, text or 1e999 in a numeric column, mixed date formats, duplicate
 * headers, a missing target column (RELIABILITY C2–C4).
 */
export class TableBuilder {
  private readonly source: string;
  private readonly recordError: TableArgs['cellError'];
  private readonly header: readonly string[];
  private readonly columns: ColumnReader[] = [];
  /** With `header: false`: the first record, until it is added as line 1. */
  private firstRecord: readonly string[] | undefined;
  /** Lines skipped before the header (`skipRows`). */
  private readonly skipped: number;
  /** With `header: false` the names are the column numbers, not the file's: nothing to check. */
  private readonly numbered: boolean = false;
  /** The file's line of the header (or, without one, of the first record): after the lines skipped. */
  private readonly firstLine: number;
  private readonly targets: TargetReader;
  private readonly dtype: DType;
  private readonly missingPolicy: MissingPolicy;
  private readonly keep: ReadonlySet<string>;
  private readonly ignored = new Set<string>();
  private readonly rules: CellRules;
  private readonly fromSchema: boolean;
  private rows = 0;
  private droppedNoTarget = 0;
  /** Whether the target is the last column because none was named (an error about it says --target). */
  private targetByDefault = false;
  private droppedMissing = 0;
  private readonly carried = new Map<string, { index: number; values: string[] }>();
  private readonly order: { index: number; name: string; values: ChunkedFloat64; format: DateFormat | undefined; decided: boolean } | undefined;
  /** With `count`: the count column and the records read (each read its count of times). */
  private readonly counts: { index: number; name: string; records: number } | undefined;
  /** The numeric columns' values, row-major (one slot per input column). */
  private readonly buffer: RowBuffer;
  /** Each column's cell-error function, made once (not a closure per cell: a million rows make no garbage). */
  private columnErrors: CellErrorFn[] = [];

  constructor(header: readonly string[], args: TableArgs = {}) {
    checkKeys('table', args, ['source', 'target', 'categorical', 'numeric', 'ignore', 'keep', 'missing', 'unknown', 'task', 'schema', 'requireTarget', 'dtype', 'carry', 'maxCategories', 'expectedRows', 'naValues', 'decimal', 'orderBy', 'count', 'cellError', 'header', 'skipRows']);
    this.rules = new CellRules({ ...(args.naValues !== undefined ? { naValues: args.naValues } : {}), ...(args.decimal !== undefined ? { decimal: args.decimal } : {}) });
    const maxCategories = integerAtLeast('table', 'maxCategories', args.maxCategories ?? MAX_CATEGORIES, 1);
    this.dtype = args.dtype ?? 'float64';
    if (this.dtype !== 'float64' && this.dtype !== 'float32') throw new InputError(`table: dtype must be 'float64' or 'float32', got ${describe(this.dtype)}`);
    this.buffer = new RowBuffer(this.dtype, integerAtLeast('table', 'expectedRows', args.expectedRows ?? 1024, 0));
    this.source = args.source ?? 'data';
    this.recordError = args.cellError;
    const task = args.task ?? 'auto';
    if (!['auto', 'classification', 'regression'].includes(task)) {
      throw new InputError(`table: task must be 'auto', 'classification' or 'regression', got ${describe(task)}`);
    }
    this.missingPolicy = args.missing ?? 'impute';
    if (!['impute', 'drop', 'error'].includes(this.missingPolicy)) throw new InputError(`table: missing must be 'impute', 'drop' or 'error', got ${describe(this.missingPolicy)}`);
    const unknown = args.unknown ?? 'ignore';
    if (unknown !== 'ignore' && unknown !== 'error') throw new InputError(`table: unknown must be 'ignore' or 'error', got ${describe(unknown)}`);
    if (args.header !== undefined && typeof args.header !== 'boolean') throw new InputError(`table: header must be true or false, got ${describe(args.header)}`);
    if (args.skipRows !== undefined && !(Number.isInteger(args.skipRows) && args.skipRows >= 0)) throw new InputError(`table: skipRows must be a whole number of lines ≥ 0, got ${describe(args.skipRows)}`);
    this.skipped = args.skipRows ?? 0;
    this.firstLine = 1 + this.skipped;
    if (args.header === false) {
      // The names the records lack; the record given as the header is the first row (added with the first add or at finish).
      this.header = header.map((_, i) => String(i));
      this.firstRecord = header;
      this.numbered = true;
    } else this.header = checkHeader(header, this.source, this.firstLine, this.skipped);
    const named = (list: readonly string[] | undefined, role: string) => {
      const set = new Set(list ?? []);
      for (const name of set) findColumn(this.header, name, this.source, role);
      return set;
    };
    const categorical = named(args.categorical, 'categorical column');
    const numeric = named(args.numeric, 'numeric column');
    const ignored = named(args.ignore, 'column to ignore');
    for (const name of ignored) this.ignored.add(name);
    this.keep = named(args.keep, 'column to keep');
    if (args.orderBy !== undefined) {
      const name = args.orderBy;
      this.order = { index: findColumn(this.header, name, this.source, 'column to order by'), name, values: new ChunkedFloat64(), format: undefined, decided: false };
    }
    if (args.count !== undefined) {
      const name = args.count;
      if (typeof name !== 'string') throw new InputError(`table: count must be a column name, got ${describe(name)}`);
      if (categorical.has(name) || numeric.has(name)) throw new InputError(`${this.source}: ${JSON.stringify(name)} is the count column; it cannot also be an input`);
      this.counts = { index: findColumn(this.header, name, this.source, 'count column'), name, records: 0 };
    }
    for (const name of named(args.carry, 'column to carry')) this.carried.set(name, { index: this.header.indexOf(name), values: [] });
    for (const name of categorical) if (numeric.has(name)) throw new InputError(`${this.source}: ${JSON.stringify(name)} cannot be both categorical and numeric`);
    this.fromSchema = args.schema !== undefined;

    if (args.schema !== undefined) {
      const schema = args.schema;
      for (const c of schema.inputs) {
        const index = this.header.indexOf(c.name);
        if (index < 0) {
          const names = schema.inputs.map((i) => i.name);
          const skipped = this.skipped > 0 ? ` (line ${this.firstLine} read as the header: ${this.skipped === 1 ? 'line 1 skipped' : `lines 1 to ${this.skipped} skipped`}, as in training with --skip-rows ${this.skipped})` : '';
          throw new InputError(`${this.source}: column ${quote(c.name)} used to train the model is missing; the model expects ${listValues(names)}; the file has ${listValues(this.header)}${skipped}`);
        }
        this.columns.push(new ColumnReader(index, c.name, this.dtype, c, unknown, maxCategories, this.buffer.column(this.columns.length), this.rules));
      }
      this.opened();
      const t = schema.target;
      const present = t !== undefined && t.names.every((n) => this.header.includes(n));
      if (args.requireTarget && t === undefined) throw new InputError(`${this.source}: the model has no target column to evaluate against`);
      if (args.requireTarget && t !== undefined && !present) {
        const missing = t.names.find((n) => !this.header.includes(n))!;
        findColumn(this.header, missing, this.source, 'target column');
      }
      const columns = t !== undefined && present ? t.names.map((name) => ({ index: this.header.indexOf(name), name })) : [];
      this.targets = new TargetReader(columns, t, task, this.source, this.cellError, this.rules);
      return;
    }

    // The last column, or the last but the count column (a frequency table ends in Freq).
    const lastColumn = this.header.filter((_, i) => i !== this.counts?.index).at(-1) ?? this.header[this.header.length - 1]!;
    this.targetByDefault = args.target === undefined;
    const targetNames = args.target === undefined ? [lastColumn] : typeof args.target === 'string' ? [args.target] : [...args.target];
    const columns: { index: number; name: string }[] = [];
    for (const name of targetNames) {
      const index = findColumn(this.header, name, this.source, 'target column');
      if (columns.some((c) => c.index === index)) throw new InputError(`${this.source}: target column ${JSON.stringify(name)} given twice`);
      if (categorical.has(name) || numeric.has(name)) throw new InputError(`${this.source}: ${JSON.stringify(name)} is the target; it cannot also be an input`);
      if (index === this.counts?.index) throw new InputError(`${this.source}: ${JSON.stringify(name)} is the target; it cannot also be the count column`);
      columns.push({ index, name });
    }
    this.targets = new TargetReader(columns, undefined, task, this.source, this.cellError, this.rules);
    this.header.forEach((name, index) => {
      if (columns.some((c) => c.index === index) || ignored.has(name) || index === this.counts?.index) return;
      const fixed = categorical.has(name) ? { kind: 'categorical' as const } : numeric.has(name) ? { kind: 'numeric' as const } : undefined;
      this.columns.push(new ColumnReader(index, name, this.dtype, fixed, unknown, maxCategories, this.buffer.column(this.columns.length), this.rules));
    });
    this.opened();
    if (this.columns.length === 0) {
      throw new InputError(`${this.source}: no feature columns left (columns: ${listSome(this.header)}; target: ${targetNames.join(', ')})`);
    }
  }

  private opened(): void {
    this.buffer.open(this.columns.length);
    this.columnErrors = this.columns.map((c) => (l: number, reason: string) => this.cellError(l, c.index, reason));
  }

  /** Adds one record; `line` is its line number in the source (for messages). */
  add(fields: readonly string[], line: number): void {
    this.addFirstRecord();
    this.addRecord(fields, line);
  }

  /** Without a header row, the record the builder was made with is the first line's row (line 1, after any lines skipped). */
  private addFirstRecord(): void {
    const first = this.firstRecord;
    if (first === undefined) return;
    this.firstRecord = undefined;
    this.addRecord(first, this.firstLine);
  }

  private addRecord(fields: readonly string[], line: number): void {
    if (fields.length !== this.header.length) {
      throw new InputError(`${this.source} line ${line}: expected ${this.header.length} fields (as ${this.numbered ? `line ${this.firstLine}` : 'the header'}), got ${fields.length}${this.numbered ? '' : numericHeaderHint(this.header, this.firstLine, this.skipped)}`);
    }
    if (this.missingPolicy !== 'error') {
      if (this.targets.isMissing(fields)) {
        this.droppedNoTarget++;
        return;
      }
      if (this.missingPolicy === 'drop' && !this.fromSchema && this.columns.some((c) => this.rules.isMissing(fields[c.index]!))) {
        this.droppedMissing++;
        return;
      }
    }
    const times = this.counts === undefined ? 1 : this.countOf(fields[this.counts.index]!, line);
    for (let time = 0; time < times; time++) {
      for (let k = 0; k < this.columns.length; k++) {
        const c = this.columns[k]!;
        const cell = fields[c.index]!;
        if (this.missingPolicy === 'error' && this.rules.isMissing(cell)) throw this.cellError(line, c.index, `${cell.trim() === '' ? 'is blank' : `is ${JSON.stringify(cell.trim())}`} (a missing value; --missing impute fills it in)`);
        c.add(cell, line, this.columnErrors[k]!);
      }
      this.targets.add(fields, line);
      for (const c of this.carried.values()) c.values.push(fields[c.index]!);
      if (this.order !== undefined) this.addTime(fields[this.order.index]!, line);
      this.rows++;
    }
  }

  /** A record's count: a whole number ≥ 0, the rows it stands for; their total is capped (MAX_COUNTED_ROWS). */
  private countOf(cell: string, line: number): number {
    const c = this.counts!;
    const r = this.rules.parseNumber(cell);
    if (!r.ok) throw this.cellError(line, c.index, `the count ${r.reason}; every record needs a count, the rows it stands for (a whole number ≥ 0)`);
    if (!Number.isInteger(r.value) || r.value < 0) throw this.cellError(line, c.index, `the count is ${r.value}; counts are whole numbers ≥ 0 (the rows a record stands for): weights that are not counts are not supported`);
    c.records++;
    if (this.rows + r.value > MAX_COUNTED_ROWS) throw this.cellError(line, c.index, `the counts add up to more than ${MAX_COUNTED_ROWS.toLocaleString('en-US')} rows by this record (${(this.rows + r.value).toLocaleString('en-US')}); a table that large is better read as rows`);
    return r.value;
  }

  /** The row's time: a date in the format of the column's first value, or a number. */
  private addTime(cell: string, line: number): void {
    const o = this.order!;
    const text = cell.trim();
    if (this.rules.isMissing(text)) throw this.cellError(line, o.index, `${text === '' ? 'is blank' : `is ${JSON.stringify(text)}`}; every row needs a time to order the rows by ${JSON.stringify(o.name)}`);
    if (!o.decided) {
      o.format = dateFormatOf(text);
      o.decided = true;
    }
    if (o.format !== undefined) {
      const d = parseDate(text, o.format);
      if (!d.ok) throw this.cellError(line, o.index, d.reason);
      o.values.push(d.days);
      return;
    }
    const r = this.rules.parseNumber(text);
    if (!r.ok) throw this.cellError(line, o.index, `${r.reason}; the rows are ordered by this column, which needs dates or numbers`);
    o.values.push(r.value);
  }

  private readonly cellError = (line: number, column: number, reason: string): InputError => {
    const name = this.header[column]!;
    if (this.recordError !== undefined) return this.recordError(line - 2, name, reason);
    return new InputError(`${this.source} line ${line}, column ${column + 1} (${quote(name)}): ${reason}`);
  };

  /** The cell rules when they are not the defaults, for the table to carry. */
  private reading(): { reading?: CellOptions } {
    const options = this.rules.options();
    return options ? { reading: options } : {};
  }

  /** The table, once every record has been added. */
  finish(): Table {
    this.addFirstRecord();
    if (this.rows === 0) {
      if ((this.counts?.records ?? 0) > 0) throw new InputError(`${this.source}: every count in ${quote(this.counts!.name)} is 0 (${this.counts!.records} records); the records stand for no rows`);
      if (this.droppedNoTarget > 0) throw new InputError(`${this.source}: the target is missing in every row (${this.droppedNoTarget} rows); nothing to train on`);
      if (this.droppedMissing > 0) throw new InputError(`${this.source}: every row has a missing value (${this.droppedMissing} rows dropped by --missing drop); try --missing impute`);
      throw new InputError(`${this.source} has a header but no data rows`);
    }
    const rowsRead = (this.counts?.records ?? this.rows) + this.droppedNoTarget + this.droppedMissing;
    if (!this.fromSchema) for (const c of this.columns) c.settle();
    for (const c of this.columns) this.checkDecimalCommas(c);
    const leftOut: { column: string; reason: string }[] = [];
    const used = this.columns.filter((c) => {
      if (this.fromSchema || c.fixed !== undefined) return true;
      const reason = c.leaveOutReason();
      if (reason === undefined) return true;
      if (this.keep.has(c.name) && c.kind !== undefined) {
        if (c.overflow) throw new InputError(`${this.source}: column ${JSON.stringify(c.name)} cannot be kept: ${reason}, too many to one-hot encode`);
        return true;
      }
      leftOut.push({ column: c.name, reason });
      return false;
    });
    if (used.length === 0) {
      throw new InputError(`${this.source}: no feature columns left: ${leftOut.slice(0, 10).map((l) => `${l.column} (${l.reason})`).join('; ')}; keep one with --keep`);
    }
    const inputs: InputColumn[] = used.map((c) => c.schemaColumn());
    const { spec, target, reason } = this.finishTarget(rowsRead);
    const schema: TableSchema = { inputs, target: spec };
    const categoricalMissing = new Map<string, Int32Array>();
    for (const c of used) {
      if (c.kind !== 'categorical' || c.missing === 0) continue;
      const rows: number[] = [];
      c.codes!.forEach((code, row) => (code === MISSING_CODE ? rows.push(row) : 0));
      categoricalMissing.set(c.name, Int32Array.from(rows));
    }
    const headerNote = this.fromSchema || this.numbered ? undefined : headerLikeDataNote(this.readColumns(used, spec, target), this.rules) ?? (this.skipped === 0 ? countLineNote(this.header, rowsRead) : undefined);
    const report: TableReport = {
      ...(headerNote !== undefined ? { headerNote } : {}),
      ...(this.numbered ? { numberedColumns: this.header.length } : {}),
      ...(this.skipped > 0 ? { skippedLines: this.skipped } : {}),
      columns: this.decisions(used, leftOut),
      rowsRead,
      strays: used.filter((c) => c.kind === 'numeric' && c.strays > 0).map((c) => ({ column: c.name, count: c.strays, examples: c.strayExamples, decimalCommas: c.decimalCommas, decimalExamples: c.decimalExamples })),
      frequentMissingTokens: this.frequentTokens(rowsRead, spec?.kind === 'numeric'),
      notes: this.fromSchema ? [] : used.flatMap((c) => {
        const othersCategorical = used.length > 1 && used.every((o) => o === c || o.kind === 'categorical');
        if (c.kind === 'categorical' && c.respelled.cells > 0) return [{ column: c.name, note: respellingNote(c.name, c.respelled, c.categories.size) }];
        const note = c.fixed === undefined && c.kind === 'numeric' ? countColumnNote(c.name, c.exactNumbers!, othersCategorical) ?? numericColumnNote(c.name, c.exactNumbers!, c.present) : undefined;
        return note === undefined ? [] : [{ column: c.name, note }];
      }),
      leftOut,
      missing: used.filter((c) => c.missing > 0).map((c) => ({ column: c.name, count: c.missing })),
      ...(this.counts !== undefined ? { counted: { column: this.counts.name, records: this.counts.records, rows: this.rows } } : {}),
      droppedNoTarget: this.droppedNoTarget,
      droppedMissing: this.droppedMissing,
      unknown: used.filter((c) => c.unknown > 0).map((c) => ({ column: c.name, count: c.unknown, examples: [...c.unknownExamples] })),
      targetReason: reason,
    };
    return { source: this.source, rows: this.rows, schema, featureNames: featureNames(schema), x: this.assembleX(used, schema), y: target, categoricalMissing, report, carried: new Map([...this.carried].map(([k, v]) => [k, v.values])), ...this.rowOrder(), ...this.reading() };
  }

  /** The kept columns and the target as their values were read, in file order, for the header check. */
  private readColumns(used: readonly ColumnReader[], spec: TargetSpec | undefined, target: TableTarget | undefined): ReadColumn[] {
    const inputs = used.flatMap((c): ReadColumn[] => {
      if (c.kind === 'numeric') return [{ name: c.name, kind: 'numeric', values: c.exactNumbers! }];
      if (c.kind === 'categorical') return [{ name: c.name, kind: 'categorical', values: c.categories }];
      if (c.kind === 'date') return [{ name: c.name, kind: 'date', format: c.format! }];
      return [];
    });
    if (spec === undefined || target === undefined) return inputs;
    if (target.kind === 'classes') return [...inputs, ...spec.names.map((name): ReadColumn => ({ name, kind: 'classes', values: target.classes }))];
    const { values } = target;
    return [...inputs, ...target.names.map((name, j): ReadColumn => ({
      name, kind: 'numeric',
      values: { length: values.rows, forEach: (fn: (v: number, row: number) => void) => { for (let i = 0; i < values.rows; i++) fn(values.data[i * values.cols + j]!, i); } },
    }))];
  }

  private rowOrder(): { order?: RowOrder } {
    const o = this.order;
    if (o === undefined) return {};
    const values = new Float64Array(this.rows);
    o.values.forEach((v, i) => (values[i] = v));
    return { order: { column: o.name, values, dates: o.format !== undefined } };
  }

  /** The target read; an error about it says which default missing tokens took rows away (a class "None" read as missing). */
  private finishTarget(rowsRead: number): ReturnType<TargetReader['finish']> {
    try {
      return this.targets.finish(this.rows);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const lost = this.frequentTokens(rowsRead).filter((t) => t.target);
      if (lost.length > 0) {
        const what = lost.map((t) => `${t.count} rows whose target is ${JSON.stringify(t.token)}`).join(', ');
        throw new InputError(`${e.message} (${what} were read as missing and left out; --na-values sets which tokens mean missing, e.g. --na-values '' for blank cells only)`);
      }
      // "Every row" is every row that has a target: say how many had none (a JSON key most records lack).
      if (this.droppedNoTarget === 0) throw e;
      const other = this.targetByDefault ? '; the target is the last column unless --target (target) names another' : '';
      throw new InputError(`${e.message} (${this.droppedNoTarget} of the ${rowsRead} rows have no target value and were left out${other})`);
    }
  }

  /** A numeric column whose values are mostly written with a decimal comma: the file needs --decimal ,. */
  private checkDecimalCommas(c: ColumnReader): void {
    if (c.kind !== 'numeric' || c.decimalCommas === 0 || c.decimalCommas * 2 <= c.present) return;
    const first = c.decimalExamples[0]!;
    throw this.cellError(first.line, c.index, `${quote(first.text, 40)} is a number with a decimal comma, as ${c.decimalCommas} of the column's ${c.present} values are; read the file with --decimal , (decimal: ',')`);
  }

  /** Every column of the header with its role, kind and why it is left out. */
  private decisions(used: readonly ColumnReader[], leftOut: readonly { column: string; reason: string }[]): ColumnDecision[] {
    const inputs = new Map(used.map((c) => [c.name, c]));
    const out = new Map(leftOut.map((l) => [l.column, l.reason]));
    const targets = new Set(this.targets.indices);
    return this.header.map((column, index): ColumnDecision => {
      if (targets.has(index)) return { column, role: 'target' };
      const c = inputs.get(column);
      if (c !== undefined) {
        const kind: ColumnKind = c.kind ?? 'numeric';
        const given = c.fixed !== undefined || this.keep.has(column);
        return { column, role: 'input', kind, ...(kind === 'categorical' ? { categories: c.categories.size } : {}), ...(given ? { given } : {}) };
      }
      const why = out.get(column);
      if (why !== undefined) return { column, role: 'left out', reason: why };
      return { column, role: 'ignored', reason: this.ignored.has(column) ? '--ignore' : 'not an input of the model' };
    });
  }

  /**
   * Default missing tokens that are frequent values of a text column or the target (perhaps a real
   * value). A target read as numbers has no class such a token could be: its tokens are missing.
   */
  private frequentTokens(rowsRead: number, numericTarget = false): FrequentMissingToken[] {
    const least = Math.max(1, FREQUENT_TOKEN_SHARE * rowsRead);
    const out: FrequentMissingToken[] = [];
    const add = (column: string, tokens: ReadonlyMap<string, number>, target: boolean) => {
      for (const [token, count] of tokens) if (count >= least) out.push({ column, token, count, target });
    };
    if (!numericTarget) this.targets.names.forEach((name, k) => add(name, this.targets.missingTokens[k]!, true));
    for (const c of this.columns) if (c.kind === 'categorical' || c.kind === undefined) add(c.name, c.missingTokens, false);
    return out;
  }

  private assembleX(used: readonly ColumnReader[], schema: TableSchema): Matrix {
    const d = featureNames(schema).length;
    // Every column numeric and used: the row buffer is x already (no copy), unless it is much too long.
    if (used.length === this.columns.length && used.every((c) => c.numbers !== undefined && c.kind === 'numeric')) {
      const data = this.buffer.data;
      const n = this.rows * d;
      return new Matrix(this.rows, d, data.length > n * 1.1 + 1024 ? data.slice(0, n) : data.subarray(0, n));
    }
    const x = Matrix.zeros(this.rows, d, this.dtype);
    const out = x.data;
    let offset = 0;
    used.forEach((c, k) => {
      const base = offset;
      const column = schema.inputs[k]!;
      offset += columnWidth(column);
      // drain() hands each chunk of dates over and forgets it.
      if (column.kind === 'numeric') {
        if (c.numbers) c.numbers.drain((v, row) => (out[row * d + base] = v));
        else for (let row = 0; row < this.rows; row++) out[row * d + base] = NaN;
      } else if (column.kind === 'categorical') {
        c.codes!.forEach((code, row) => {
          if (code >= 0) out[row * d + base + code] = 1;
        });
      } else {
        c.days!.drain((days, row) => dateFeatures(days, column.time, out, row * d + base));
      }
    });
    return x;
  }
}

/** Up to ten names, then "and N more" (RELIABILITY R1). */
function listSome(names: readonly string[]): string {
  const shown = names.slice(0, 10).map((n) => (n.length > 60 ? `${n.slice(0, 60)}…` : n));
  return names.length > 10 ? `${shown.join(', ')} and ${names.length - 10} more` : shown.join(', ');
}

/** The name of a first column whose header is blank (a saved row index), as pandas names it. */
export const UNNAMED_FIRST = 'Unnamed: 0';

/** The names of a header on the file's line `line`, checked. */
function checkHeader(header: readonly string[], source: string, line: number, skipped: number): string[] {
  if (!Array.isArray(header) || header.length === 0) throw emptyTableError(source);
  const names = header.map((h, i) => {
    if (typeof h !== 'string') throw new InputError(`${source}: header field ${i + 1} is not text`);
    const name = (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim();
    // A blank first name is a saved row index (pandas, R's write.csv): named as pandas names it.
    return name === '' && i === 0 && header.length > 1 ? UNNAMED_FIRST : name;
  });
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') throw new InputError(`${source} line ${line}: column ${i + 1} has no name; every column needs a header${numericHeaderHint(names, line, skipped)}`);
    if (name.length > MAX_NAME_CHARS) throw new InputError(`${source} line ${line}: column ${i + 1} name ${quote(name)} is over the limit of ${MAX_NAME_CHARS} characters`);
    const before = seen.get(name);
    if (before !== undefined) throw new InputError(`${source} line ${line}: duplicate column name ${JSON.stringify(name)} (columns ${before + 1} and ${i + 1})${numericHeaderHint(names, line, skipped)}`);
    seen.set(name, i);
  });
  return names;
}

/** Reads in-memory records (header first) into a Table; the CLI streams the same way from a file. */
export function tableFromRecords(records: Iterable<readonly string[]>, args: TableArgs = {}): Table {
  let builder: TableBuilder | undefined;
  let line = 0;
  const skip = args.skipRows ?? 0;
  for (const record of records) {
    line++;
    if (line <= skip) continue;
    if (builder === undefined) builder = new TableBuilder(record, args);
    else builder.add(record, line);
  }
  if (builder === undefined) throw emptyTableError(args.source ?? 'data');
  return builder.finish();
}
