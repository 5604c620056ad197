import { Matrix, type DType } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { nearestName } from '../core/names.js';
import { checkKeys, describe } from '../core/validate.js';
import type { Label } from '../model/targets.js';
import { ChunkedFloat32, ChunkedFloat64, ChunkedInt32 } from './chunked.js';
import { parseNumberCell } from './cells.js';
import { featureNames, sortLabels, type InputColumn, type TableSchema, type TargetSpec } from './schema.js';

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
  /** Element type of `x`: 'float64' (default) keeps every parsed digit; 'float32' halves the memory of a large table. */
  dtype?: DType;
}

/** The targets read from a table: class indices into `classes`, or a numeric matrix. */
export type TableTarget =
  | { readonly kind: 'classes'; readonly classes: readonly Label[]; readonly codes: Int32Array; readonly counts: readonly number[] }
  | { readonly kind: 'numeric'; readonly names: readonly string[]; readonly values: Matrix };

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

/** Integer targets with at most this many distinct values are read as classes in 'auto' mode. */
export const MAX_AUTO_CLASSES = 20;
/** Distinct target strings remembered while reading; beyond this a target cannot be a class label. */
const MAX_DISTINCT = 1000;

/** The index of column `name` in `header`, or an InputError listing the columns (and the nearest name). */
export function findColumn(header: readonly string[], name: string, source: string, role = 'column'): number {
  const i = header.indexOf(name);
  if (i >= 0) return i;
  const guess = nearestName(name, header);
  throw new InputError(`${source}: no ${role} ${JSON.stringify(name)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''} Columns are: ${header.join(', ')}`);
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

/** Streaming state of one target column in fit mode (kind decided at the end). */
interface TargetState {
  readonly index: number;
  readonly name: string;
  readonly numbers: ChunkedFloat64;
  raw: Map<string, number> | undefined;
  readonly rawCodes: ChunkedInt32;
  firstText: { line: number; text: string; reason: string } | undefined;
  firstInvalidNumber: { line: number; reason: string } | undefined;
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
  private readonly targets: TargetState[] = [];
  private readonly targetCells: ChunkedFloat64 | undefined;
  private readonly fixedTarget: TargetSpec | undefined;
  private readonly classIndex: Map<string, number> | undefined;
  private readonly classCodes = new ChunkedInt32();
  private readonly task: 'auto' | 'classification' | 'regression';
  private readonly dtype: DType;
  private readonly forcedCategorical: ReadonlySet<string>;
  private numeric: ChunkedFloat64 | ChunkedFloat32 | undefined;
  private numericCount = 0;
  private rows = 0;

  constructor(header: readonly string[], args: TableArgs = {}) {
    checkKeys('table', args, ['source', 'target', 'categorical', 'ignore', 'task', 'schema', 'requireTarget', 'dtype']);
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
          throw new InputError(`${this.source}: column ${JSON.stringify(c.name)} used to train the model is missing; the model expects ${schema.inputs.map((i) => i.name).join(', ')}; the file has ${this.header.join(', ')}`);
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
      if (t !== undefined && present) {
        this.fixedTarget = t;
        for (const name of t.names) this.targets.push(newTargetState(this.header.indexOf(name), name));
        if (t.kind === 'classes') this.classIndex = new Map(t.classes.map((c, k) => [String(c), k]));
        else this.targetCells = new ChunkedFloat64();
      }
      this.decideKinds(undefined);
      return;
    }

    const targetNames = args.target === undefined ? [this.header[this.header.length - 1]!] : typeof args.target === 'string' ? [args.target] : [...args.target];
    for (const name of targetNames) {
      const index = findColumn(this.header, name, this.source, 'target column');
      if (this.targets.some((t) => t.index === index)) throw new InputError(`${this.source}: target column ${JSON.stringify(name)} given twice`);
      if (this.forcedCategorical.has(name)) throw new InputError(`${this.source}: ${JSON.stringify(name)} is the target; it cannot also be a categorical input`);
      this.targets.push(newTargetState(index, name));
    }
    if (targetNames.length > 1) this.targetCells = new ChunkedFloat64();
    this.header.forEach((name, index) => {
      if (this.targets.some((t) => t.index === index) || ignored.has(name)) return;
      this.slots.push({ index, name, kind: undefined, categories: new Map(), fixedCategories: false, codes: undefined });
    });
    if (this.slots.length === 0) {
      throw new InputError(`${this.source}: no feature columns left (columns: ${this.header.join(', ')}; target: ${targetNames.join(', ')})`);
    }
  }

  /** Numeric or categorical per input column: from the schema, the `categorical` list, or the first row. */
  private decideKinds(first: readonly string[] | undefined): void {
    for (const s of this.slots) {
      if (s.kind === undefined) {
        const forced = this.forcedCategorical.has(s.name);
        const cell = first![s.index]!;
        s.kind = forced || (!parseNumberCell(cell).ok && !isBlankLike(cell)) ? 'categorical' : 'numeric';
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
        numeric.push(r.value);
      } else {
        const key = cell.trim();
        let code = s.categories.get(key);
        if (code === undefined) {
          if (s.fixedCategories) {
            throw this.cellError(line, s.index, `category ${JSON.stringify(key)} was not seen in training (known: ${[...s.categories.keys()].join(', ')})`);
          }
          code = s.categories.size;
          s.categories.set(key, code);
        }
        s.codes!.push(code);
      }
    }
    this.addTargets(fields, line);
    this.rows++;
  }

  private addTargets(fields: readonly string[], line: number): void {
    for (const t of this.targets) {
      const cell = fields[t.index]!;
      const text = cell.trim();
      if (text === '') throw this.cellError(line, t.index, 'is blank; every row needs a target value');
      if (this.classIndex !== undefined) {
        const key = classKey(text, this.fixedTarget!);
        const code = this.classIndex.get(key);
        if (code === undefined) {
          throw this.cellError(line, t.index, `label ${JSON.stringify(text)} is not one of the model's classes (${[...this.classIndex.keys()].join(', ')})`);
        }
        this.classCodes.push(code);
        continue;
      }
      if (this.targetCells !== undefined) {
        const r = parseNumberCell(cell);
        if (!r.ok) throw this.cellError(line, t.index, r.reason, 'numeric target');
        this.targetCells.push(r.value);
        continue;
      }
      const r = parseNumberCell(cell);
      t.numbers.push(r.ok ? r.value : NaN);
      if (!r.ok) {
        if (isBlankLike(cell) || /overflows/.test(r.reason)) t.firstInvalidNumber ??= { line, reason: r.reason };
        else t.firstText ??= { line, text, reason: r.reason };
      }
      if (t.raw !== undefined) {
        let code = t.raw.get(text);
        if (code === undefined) {
          if (t.raw.size >= MAX_DISTINCT) t.raw = undefined;
          else {
            code = t.raw.size;
            t.raw.set(text, code);
          }
        }
        if (t.raw !== undefined) t.rawCodes.push(code!);
      }
    }
  }

  private cellError(line: number, column: number, reason: string, kind?: string): InputError {
    const name = this.header[column]!;
    const hint = kind === 'numeric' ? `; the column is numeric (list it as categorical if it holds categories, or fill missing values)` : '';
    return new InputError(`${this.source} line ${line}, column ${column + 1} (${JSON.stringify(name)}): ${reason}${hint}`);
  }

  /** The table, once every record has been added. */
  finish(): Table {
    if (this.rows === 0) throw new InputError(`${this.source} has a header but no data rows`);
    const inputs: InputColumn[] = this.slots.map((s) =>
      s.kind === 'categorical' ? { name: s.name, kind: 'categorical', categories: [...s.categories.keys()] } : { name: s.name, kind: 'numeric' },
    );
    const { spec, target } = this.finishTarget();
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

  private finishTarget(): { spec: TargetSpec | undefined; target: TableTarget | undefined } {
    if (this.targets.length === 0) return { spec: this.fixedTarget, target: undefined };
    const names = this.targets.map((t) => t.name);
    if (this.fixedTarget?.kind === 'classes') {
      return { spec: this.fixedTarget, target: classTarget(this.fixedTarget.classes, this.classCodes.toInt32Array()) };
    }
    if (this.targetCells !== undefined) {
      if (this.task === 'classification' && this.fixedTarget === undefined) {
        throw new InputError(`${this.source}: classification needs one target column, got ${names.length} (${names.join(', ')})`);
      }
      const values = new Matrix(this.rows, names.length, new Float64Array(this.rows * names.length));
      this.targetCells.forEach((v, k) => (values.data[k] = v));
      return { spec: { kind: 'numeric', names }, target: { kind: 'numeric', names, values } };
    }
    return this.finishSingleTarget(this.targets[0]!);
  }

  private finishSingleTarget(t: TargetState): { spec: TargetSpec; target: TableTarget } {
    const where = `${this.source}, target column ${JSON.stringify(t.name)}`;
    const numericColumn = t.firstText === undefined;
    if (numericColumn && t.firstInvalidNumber !== undefined) {
      throw new InputError(`${this.source} line ${t.firstInvalidNumber.line}, column ${t.index + 1} (${JSON.stringify(t.name)}): ${t.firstInvalidNumber.reason}`);
    }
    if (this.task === 'regression') {
      if (!numericColumn) throw new InputError(`${this.source} line ${t.firstText!.line}, column ${t.index + 1} (${JSON.stringify(t.name)}): ${t.firstText!.reason}; a regression target must be numeric`);
      return this.numericTarget(t);
    }
    const integers = numericColumn && allIntegers(t.numbers);
    if (numericColumn && !integers) {
      if (this.task === 'classification') {
        throw new InputError(`${where}: continuous target (values like ${sampleValues(t.numbers)}) cannot be classes; train a regressor instead (task regression)`);
      }
      return this.numericTarget(t);
    }
    if (t.raw === undefined) {
      if (numericColumn && this.task === 'auto') return this.numericTarget(t);
      throw new InputError(`${where}: more than ${MAX_DISTINCT} distinct values; too many to be class labels`);
    }
    // Labels: numbers when every value is a number ("1" and "1.0" are one class), else strings.
    const rawLabels: Label[] = [...t.raw.keys()].map((s) => (numericColumn ? Number(s) : s));
    const classes = sortLabels([...new Set(rawLabels)]);
    if (numericColumn && this.task === 'auto' && classes.length > MAX_AUTO_CLASSES) return this.numericTarget(t);
    if (classes.length < 2) {
      throw new InputError(`${where}: every row has the class ${JSON.stringify(classes[0])}; a classifier needs at least two classes`);
    }
    const position = new Map<Label, number>(classes.map((c, k) => [c, k]));
    const remap = Int32Array.from(rawLabels, (l) => position.get(l)!);
    const codes = t.rawCodes.toInt32Array();
    for (let i = 0; i < codes.length; i++) codes[i] = remap[codes[i]!]!;
    return { spec: { kind: 'classes', names: [t.name], classes }, target: classTarget(classes, codes) };
  }

  private numericTarget(t: TargetState): { spec: TargetSpec; target: TableTarget } {
    const values = new Matrix(this.rows, 1, new Float64Array(this.rows));
    t.numbers.forEach((v, k) => (values.data[k] = v));
    return { spec: { kind: 'numeric', names: [t.name] }, target: { kind: 'numeric', names: [t.name], values } };
  }
}

function newTargetState(index: number, name: string): TargetState {
  return { index, name, numbers: new ChunkedFloat64(), raw: new Map(), rawCodes: new ChunkedInt32(), firstText: undefined, firstInvalidNumber: undefined };
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

function isBlankLike(cell: string): boolean {
  const s = cell.trim().toLowerCase();
  return s === '' || s === 'nan' || s === 'na' || s === 'n/a' || s === 'null' || s === 'none' || s === '?' || s.includes('inf');
}

function allIntegers(values: ChunkedFloat64): boolean {
  let ok = true;
  values.forEach((v) => {
    if (!Number.isInteger(v)) ok = false;
  });
  return ok;
}

function sampleValues(values: ChunkedFloat64): string {
  const out: number[] = [];
  for (let i = 0; i < values.length && out.length < 3; i++) if (!Number.isInteger(values.get(i))) out.push(values.get(i));
  return out.join(', ');
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
    const before = seen.get(name);
    if (before !== undefined) throw new InputError(`${source} line 1: duplicate column name ${JSON.stringify(name)} (columns ${before + 1} and ${i + 1})`);
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
