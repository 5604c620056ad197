import { InputError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import { ChunkedFloat64, ChunkedInt32, type BufferColumn } from './chunked.js';
import { isInfiniteCell, isMissingCell, parseNumberCell } from './cells.js';
import { dateFormatOf, parseDate, type DateFormat } from './dates.js';
import { MAX_NAME_CHARS, type InputColumn } from './schema.js';
import { overflowReason } from '../core/matrix.js';
import { listValues, quote } from '../core/validate.js';

/** Text columns with more distinct values than this are not categories (left out unless forced). */
export const MAX_INFERRED_CATEGORIES = 1000;
/** Categories a forced categorical column may have by default (table.ts' maxCategories; RELIABILITY R2). */
export const MAX_CATEGORIES = 1000;
/** A missing category code; an unseen one (at predict time) is UNKNOWN. */
export const MISSING_CODE = -1;
export const UNKNOWN_CODE = -2;

/** Names of row numbers and keys: id, ID, user_id, index, row, No, #, Unnamed: 0 (pandas' saved index). */
const ID_NAME = /(^|[^a-z])(id|idx|index|row|key|no|num|number)s?([^a-z]|$)|[a-z]Id$|^#|^unnamed/i;

export type CellErrorFn = (line: number, reason: string) => InputError;

/** What a column was decided to be, and why a column is left out. */
export type ColumnKind = 'numeric' | 'categorical' | 'date';

/**
 * One input column read cell by cell from a stream. An inferred column starts undecided and
 * takes the kind of its first present value (a date in a known format, a number, or text); a
 * numeric column that meets text becomes categorical (its numbers become category names), and a
 * text column with more than MAX_INFERRED_CATEGORIES distinct values stops storing (it will be
 * left out as ID-like or free text). Missing cells are NaN / MISSING_CODE.
 */
export class ColumnReader {
  kind: ColumnKind | undefined;
  /** Cells before the kind was known, all missing. */
  private leading = 0;
  /** A numeric column's values, in its slot of the table's row buffer. */
  numbers: BufferColumn | undefined;
  days: ChunkedFloat64 | undefined;
  codes: ChunkedInt32 | undefined;
  readonly categories = new Map<string, number>();
  format: DateFormat | undefined;
  hasTime = false;
  /** More distinct text values than categories may hold: nothing stored. */
  overflow = false;
  missing = 0;
  present = 0;
  /** Text values of several words (free text rather than names). */
  wordy = 0;
  unknown = 0;
  readonly unknownExamples = new Set<string>();

  constructor(
    readonly index: number,
    readonly name: string,
    private readonly dtype: DType,
    /** Fixed by the user (--numeric/--categorical) or a saved schema. */
    readonly fixed: InputColumn | { kind: ColumnKind } | undefined,
    private readonly unknownPolicy: 'ignore' | 'error',
    /** Categories a forced categorical column may have (RELIABILITY R2). */
    private readonly maxCategories: number,
    /** Where the values go while the column is numeric: its slot of the table's RowBuffer. */
    private readonly slot: BufferColumn,
  ) {
    if (fixed !== undefined) {
      this.kind = fixed.kind;
      if ('categories' in fixed) fixed.categories.forEach((c, k) => this.categories.set(c, k));
      if ('format' in fixed) {
        this.format = fixed.format;
        this.hasTime = fixed.time;
      }
      this.allocate();
    }
  }

  /** Categories come from a saved model: others are unknown. */
  private get closed(): boolean {
    return this.fixed !== undefined && 'categories' in this.fixed;
  }

  private allocate(): void {
    if (this.kind === 'numeric') this.numbers = this.slot;
    else if (this.kind === 'date') this.days = new ChunkedFloat64();
    else this.codes = new ChunkedInt32();
  }

  add(cell: string, line: number, error: CellErrorFn): void {
    const text = cell.trim();
    if (isMissingCell(text)) {
      this.missing++;
      if (this.kind === undefined) this.leading++;
      else this.pushMissing();
      return;
    }
    this.present++;
    if (this.kind === undefined) {
      const format = dateFormatOf(text);
      this.kind = format !== undefined ? 'date' : parseNumberCell(text).ok ? 'numeric' : 'categorical';
      this.format = format;
      this.allocate();
      for (let i = 0; i < this.leading; i++) this.pushMissing();
    }
    if (this.kind === 'numeric') {
      const r = parseNumberCell(text);
      if (r.ok) {
        const overflow = overflowReason(r.value, this.dtype);
        if (overflow !== undefined) throw error(line, `is ${overflow}`);
        this.numbers!.push(r.value);
        return;
      }
      if (this.fixed !== undefined || isInfiniteCell(text) || /overflows/.test(r.reason)) {
        throw error(line, `${r.reason}; the column is numeric${this.fixed === undefined ? '' : ''} (list it with --categorical if it holds categories)`);
      }
      this.toCategorical();
    }
    if (this.kind === 'date') {
      const d = parseDate(text, this.format!);
      if (!d.ok) throw error(line, d.reason);
      this.days!.push(d.days);
      if (d.hasTime && this.fixed === undefined) this.hasTime = true;
      return;
    }
    this.addText(text, line, error);
  }

  private addText(text: string, line: number, error: CellErrorFn): void {
    if (this.overflow) return;
    if (text.length > MAX_NAME_CHARS) throw error(line, `category ${quote(text)} is over the limit of ${MAX_NAME_CHARS} characters`);
    let code = this.categories.get(text);
    if (code === undefined) {
      if (this.closed) {
        if (this.unknownPolicy === 'error') {
          const known = [...this.categories.keys()];
          throw error(line, `category ${quote(text)} was not seen in training (known: ${listValues(known)})`);
        }
        this.unknown++;
        if (this.unknownExamples.size < 10) this.unknownExamples.add(text.slice(0, 60));
        this.codes!.push(UNKNOWN_CODE);
        return;
      }
      const cap = this.fixed === undefined ? MAX_INFERRED_CATEGORIES : this.maxCategories;
      if (this.categories.size >= cap) {
        if (this.fixed !== undefined) throw error(line, `${quote(text, 40)} would be category ${cap + 1}, over the cap of ${cap} one-hot columns (maxCategories); leave the column out (--ignore) if it is an identifier`);
        this.overflow = true;
        this.codes = undefined;
        return;
      }
      code = this.categories.size;
      this.categories.set(text, code);
      if (/\S\s+\S+\s+\S/.test(text)) this.wordy++;
    }
    this.codes!.push(code);
  }

  private pushMissing(): void {
    if (this.kind === 'numeric') this.numbers!.push(NaN);
    else if (this.kind === 'date') this.days!.push(NaN);
    else if (!this.overflow) this.codes!.push(MISSING_CODE);
  }

  /** A numeric column met text: its numbers become category names ("1.5"), missing stays missing. */
  private toCategorical(): void {
    const codes = new ChunkedInt32();
    this.numbers!.forEach((v) => {
      if (Number.isNaN(v)) {
        codes.push(MISSING_CODE);
        return;
      }
      const key = String(v);
      let code = this.categories.get(key);
      if (code === undefined) {
        code = this.categories.size;
        this.categories.set(key, code);
      }
      codes.push(code);
    });
    this.numbers = undefined;
    this.kind = 'categorical';
    this.codes = codes;
    if (this.categories.size > MAX_INFERRED_CATEGORIES) {
      this.overflow = true;
      this.codes = undefined;
    }
  }

  /** Why an inferred column is better left out (ID-like, free text, all missing), or undefined. */
  leaveOutReason(): string | undefined {
    const n = this.present;
    if (this.kind === undefined) return 'every value is missing';
    if (this.kind === 'categorical') {
      const d = this.categories.size;
      if (this.overflow) return `${this.wordy > MAX_INFERRED_CATEGORIES / 2 ? 'free text' : 'ID-like'}: more than ${MAX_INFERRED_CATEGORIES} distinct values`;
      if (d > 10 && d > 0.5 * n) return `${this.wordy > d / 2 ? 'free text' : 'ID-like'}: ${d} distinct values in ${n} rows`;
      return undefined;
    }
    // A numeric column is an ID only when its name says so too: x = 0, 1, 2, ... is a fine feature of a toy set.
    if (this.kind === 'numeric' && n >= 10 && ID_NAME.test(this.name) && this.isIntegerSequence()) return `ID-like: the integers ${this.range()} each once`;
    return undefined;
  }

  private range(): string {
    let lo = Infinity;
    let hi = -Infinity;
    this.numbers!.forEach((v) => {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    });
    return `${lo}…${hi}`;
  }

  /** Every present value an integer, all distinct and filling a range: a row number or an ID. */
  private isIntegerSequence(): boolean {
    let lo = Infinity;
    let hi = -Infinity;
    let ints = true;
    this.numbers!.forEach((v) => {
      if (Number.isNaN(v)) return;
      if (!Number.isInteger(v)) ints = false;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    });
    if (!ints || hi - lo + 1 !== this.present) return false;
    const seen = new Uint8Array(this.present);
    let distinct = true;
    this.numbers!.forEach((v) => {
      if (Number.isNaN(v) || !distinct) return;
      const k = v - lo;
      if (seen[k] === 1) distinct = false;
      seen[k] = 1;
    });
    return distinct;
  }

  /** The column as the schema records it (kind decided; undefined kind is numeric of missing values). */
  schemaColumn(): InputColumn {
    if (this.kind === 'categorical') return { name: this.name, kind: 'categorical', categories: [...this.categories.keys()] };
    if (this.kind === 'date') return { name: this.name, kind: 'date', format: this.format!, time: this.hasTime };
    return { name: this.name, kind: 'numeric' };
  }
}
