import { Matrix } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { describe, listValues, quote } from '../core/validate.js';
import type { Label } from '../core/labels.js';
import { ChunkedFloat64, ChunkedInt32 } from './chunked.js';
import { isMissingCell, parseNumberCell } from './cells.js';
import { MAX_NAME_CHARS, sortLabels, type TargetSpec } from './schema.js';

/** The targets read from a table: class indices into `classes`, or a numeric matrix. */
export type TableTarget =
  | { readonly kind: 'classes'; readonly classes: readonly Label[]; readonly codes: Int32Array; readonly counts: readonly number[] }
  | { readonly kind: 'numeric'; readonly names: readonly string[]; readonly values: Matrix };

export type TargetTask = 'auto' | 'classification' | 'regression';

/** Integer targets with at most this many distinct values are read as classes in 'auto' mode... */
export const MAX_AUTO_CLASSES = 20;
/** ...when they have at least this many rows per value on average (else they are numbers: regression). */
export const MIN_ROWS_PER_CLASS = 5;
/** Distinct target strings remembered while reading; beyond this a target cannot be a class label. */
const MAX_DISTINCT = 1000;

/** Builds the error for a cell: `data.csv line 3, column 2 ("b"): reason`. */
export type CellError = (line: number, column: number, reason: string, kind?: string) => InputError;

/**
 * Streaming state of a single target column whose kind (classes or numbers) is decided at the end.
 * Each row is stored once: as the code of its text while there are at most MAX_DISTINCT distinct
 * texts (the number of a code is parsed once per text), else as its number (4 or 8 bytes a row,
 * never both: a million-row file's target is not held twice, RELIABILITY C5).
 */
interface Undecided {
  readonly index: number;
  readonly name: string;
  /** Distinct trimmed texts → code, until there are more than MAX_DISTINCT. */
  raw: Map<string, number> | undefined;
  /** The number of each code's text (NaN when it is not a number). */
  readonly rawNumbers: number[];
  /** Each row's code while `raw` holds. */
  rawCodes: ChunkedInt32 | undefined;
  /** Each row's number, once `raw` has overflowed. */
  numbers: ChunkedFloat64 | undefined;
  firstText: { line: number; text: string; reason: string } | undefined;
  firstInvalidNumber: { line: number; reason: string } | undefined;
}

/** Calls fn with every row's number (NaN for text), in row order. */
function forEachNumber(t: Undecided, fn: (value: number, row: number) => void): void {
  if (t.numbers !== undefined) t.numbers.forEach(fn);
  else t.rawCodes!.forEach((code, row) => fn(t.rawNumbers[code]!, row));
}

/**
 * Reads the target column(s) of a table row by row. With a fixed spec (a trained model's) labels
 * must be known classes or numbers; otherwise one column is kept as codes of its distinct texts
 * (or as numbers past MAX_DISTINCT texts) until the end, where 'auto' decides: text or few integers → classes, else regression
 * (RELIABILITY V7–V9). Several target columns are always numeric.
 */
export class TargetReader {
  private readonly undecided: Undecided | undefined;
  private readonly cells: ChunkedFloat64 | undefined;
  private readonly classIndex: Map<string, number> | undefined;
  private readonly classCodes = new ChunkedInt32();

  constructor(
    private readonly columns: readonly { readonly index: number; readonly name: string }[],
    private readonly fixed: TargetSpec | undefined,
    private readonly task: TargetTask,
    private readonly source: string,
    private readonly cellError: CellError,
  ) {
    if (columns.length === 0) return;
    if (fixed?.kind === 'classes') this.classIndex = new Map(fixed.classes.map((c, k) => [String(c), k]));
    else if (fixed !== undefined || columns.length > 1) this.cells = new ChunkedFloat64();
    else this.undecided = { ...columns[0]!, raw: new Map(), rawNumbers: [], rawCodes: new ChunkedInt32(), numbers: undefined, firstText: undefined, firstInvalidNumber: undefined };
  }

  /** True when a target cell of the record is missing (the row cannot be trained on). */
  isMissing(fields: readonly string[]): boolean {
    return this.columns.some((c) => isMissingCell(fields[c.index]!));
  }

  /** Column positions that are targets (not features). */
  get indices(): number[] {
    return this.columns.map((c) => c.index);
  }

  add(fields: readonly string[], line: number): void {
    for (const c of this.columns) {
      const cell = fields[c.index]!;
      const text = cell.trim();
      if (isMissingCell(text)) throw this.cellError(line, c.index, `${text === '' ? 'is blank' : `is ${JSON.stringify(text)}`}; every row needs a target value`);
      if (text.length > MAX_NAME_CHARS) throw this.cellError(line, c.index, `label ${quote(text)} is over the limit of ${MAX_NAME_CHARS} characters`);
      if (this.classIndex !== undefined) {
        const code = this.classIndex.get(classKey(text, this.fixed!));
        if (code === undefined) {
          throw this.cellError(line, c.index, `label ${quote(text)} is not one of the model's classes (${listValues(this.classIndex.keys())})`);
        }
        this.classCodes.push(code);
      } else if (this.cells !== undefined) {
        const r = parseNumberCell(cell);
        if (!r.ok) throw this.cellError(line, c.index, r.reason, 'numeric target');
        this.cells.push(r.value);
      } else {
        this.addUndecided(this.undecided!, cell, text, line);
      }
    }
  }

  private addUndecided(t: Undecided, cell: string, text: string, line: number): void {
    const known = t.raw?.get(text);
    if (known !== undefined) {
      t.rawCodes!.push(known);
      return;
    }
    // A text seen for the first time (or any text once `raw` overflowed): parse it.
    const r = parseNumberCell(cell);
    const value = r.ok ? r.value : NaN;
    if (!r.ok) {
      if (isMissingOrInfinite(cell) || /overflows/.test(r.reason)) t.firstInvalidNumber ??= { line, reason: r.reason };
      else t.firstText ??= { line, text, reason: r.reason };
    }
    if (t.raw !== undefined && t.raw.size >= MAX_DISTINCT) {
      // Too many distinct values to be labels: from here on the column is kept as numbers only.
      const numbers = new ChunkedFloat64();
      t.rawCodes!.drain((code) => numbers.push(t.rawNumbers[code]!));
      t.numbers = numbers;
      t.raw = undefined;
      t.rawCodes = undefined;
    }
    if (t.raw === undefined) {
      t.numbers!.push(value);
      return;
    }
    const code = t.raw.size;
    t.raw.set(text, code);
    t.rawNumbers.push(value);
    t.rawCodes!.push(code);
  }

  /** The target spec (for the schema) and the values read, once all `rows` rows are added. */
  finish(rows: number): { spec: TargetSpec | undefined; target: TableTarget | undefined; reason?: string } {
    if (this.columns.length === 0) return { spec: this.fixed, target: undefined };
    const names = this.columns.map((c) => c.name);
    if (this.fixed?.kind === 'classes') return { spec: this.fixed, target: classTarget(this.fixed.classes, this.classCodes.toInt32Array()) };
    if (this.cells !== undefined) {
      if (this.task === 'classification' && this.fixed === undefined) {
        throw new InputError(`${this.source}: classification needs one target column, got ${names.length} (${listValues(names)})`);
      }
      const values = new Matrix(rows, names.length, new Float64Array(rows * names.length));
      this.cells.forEach((v, k) => (values.data[k] = v));
      return { spec: { kind: 'numeric', names }, target: { kind: 'numeric', names, values } };
    }
    return this.decide(this.undecided!, rows);
  }

  private decide(t: Undecided, rows: number): { spec: TargetSpec; target: TableTarget; reason?: string } {
    const where = `${this.source}, target column ${quote(t.name)}`;
    const numericColumn = t.firstText === undefined;
    if (numericColumn && t.firstInvalidNumber !== undefined) {
      throw this.cellError(t.firstInvalidNumber.line, t.index, t.firstInvalidNumber.reason);
    }
    if (this.task === 'regression') {
      if (!numericColumn) throw this.cellError(t.firstText!.line, t.index, `${t.firstText!.reason}; a regression target must be numeric`);
      return numericTarget(t, rows);
    }
    if (numericColumn && !allIntegers(t)) {
      if (this.task === 'classification') {
        throw new InputError(`${where}: continuous target (values like ${sampleValues(t)}) cannot be classes; train a regressor instead (task regression)`);
      }
      return numericTarget(t, rows);
    }
    if (t.raw === undefined) {
      if (numericColumn && this.task === 'auto') return numericTarget(t, rows);
      throw new InputError(`${where}: more than ${MAX_DISTINCT} distinct values; too many to be class labels`);
    }
    // Labels: numbers when every value is a number ("1" and "1.0" are one class), else strings.
    const rawLabels: Label[] = [...t.raw.keys()].map((s) => (numericColumn ? Number(s) : s));
    const classes = sortLabels([...new Set(rawLabels)]);
    if (numericColumn && this.task === 'auto') {
      const k = classes.length;
      const perClass = rows / k;
      const name = JSON.stringify(t.name);
      if (k > 2 && (k > MAX_AUTO_CLASSES || perClass < MIN_ROWS_PER_CLASS)) {
        const why = k > MAX_AUTO_CLASSES ? `more than ${MAX_AUTO_CLASSES}` : `${perClass.toFixed(1)} rows per value, under ${MIN_ROWS_PER_CLASS}`;
        return { ...numericTarget(t, rows), reason: `${name} holds ${k} distinct integers in ${rows} rows (${why}): read as numbers; --task classification makes them classes` };
      }
      if (k > 2) {
        const r = this.decideClasses(t, classes, numericColumn);
        return { ...r, reason: `${name} holds ${k} distinct integers in ${rows} rows (${perClass.toFixed(1)} rows per value): read as classes; --task regression reads them as numbers` };
      }
    }
    return this.decideClasses(t, classes, numericColumn);
  }

  private decideClasses(t: Undecided, classes: Label[], numericColumn: boolean): { spec: TargetSpec; target: TableTarget } {
    const where = `${this.source}, target column ${JSON.stringify(t.name)}`;
    if (classes.length < 2) {
      throw new InputError(`${where}: every row has the class ${describe(classes[0])}; a classifier needs at least two classes`);
    }
    const position = new Map<Label, number>(classes.map((c, k) => [c, k]));
    const rawLabels: Label[] = [...t.raw!.keys()].map((s) => (numericColumn ? Number(s) : s));
    const remap = Int32Array.from(rawLabels, (l) => position.get(l)!);
    const codes = t.rawCodes!.toInt32Array();
    for (let i = 0; i < codes.length; i++) codes[i] = remap[codes[i]!]!;
    return { spec: { kind: 'classes', names: [t.name], classes }, target: classTarget(classes, codes) };
  }
}

function numericTarget(t: Undecided, rows: number): { spec: TargetSpec; target: TableTarget } {
  const values = new Matrix(rows, 1, new Float64Array(rows));
  forEachNumber(t, (v, k) => (values.data[k] = v));
  return { spec: { kind: 'numeric', names: [t.name] }, target: { kind: 'numeric', names: [t.name], values } };
}

function classTarget(classes: readonly Label[], codes: Int32Array): TableTarget {
  const counts = new Array<number>(classes.length).fill(0);
  for (const c of codes) counts[c]!++;
  return { kind: 'classes', classes, codes, counts };
}

/** The key a label is looked up by: numeric classes match "1" and "1.0" alike. */
function classKey(text: string, spec: TargetSpec): string {
  if (spec.kind === 'classes' && spec.classes.every((c) => typeof c === 'number')) {
    const r = parseNumberCell(text);
    if (r.ok) return String(r.value);
  }
  return text;
}

/** Spellings of a missing or infinite number: in a numeric column these are errors, not labels. */
export function isMissingOrInfinite(cell: string): boolean {
  const s = cell.trim().toLowerCase();
  return s === '' || s === 'nan' || s === 'na' || s === 'n/a' || s === 'null' || s === 'none' || s === '?' || s.includes('inf');
}

function allIntegers(t: Undecided): boolean {
  if (t.numbers === undefined) return t.rawNumbers.every((v) => Number.isInteger(v));
  let ok = true;
  t.numbers.forEach((v) => {
    if (!Number.isInteger(v)) ok = false;
  });
  return ok;
}

/** The first three non-integer values, in row order. */
function sampleValues(t: Undecided): string {
  const out: number[] = [];
  forEachNumber(t, (v) => {
    if (out.length < 3 && !Number.isInteger(v)) out.push(v);
  });
  return out.join(', ');
}
