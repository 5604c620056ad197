import { InputError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import { ChunkedFloat64, ChunkedInt32, type BufferColumn } from './chunked.js';
import { isInfiniteCell, type CellRules } from './cells.js';
import { dateFormatOf, parseDate, type DateFormat } from './dates.js';
import { MAX_NAME_CHARS, type InputColumn } from './schema.js';
import { overflowReason } from '../core/matrix.js';
import { listValues, quote } from '../core/validate.js';
import { numericLeaveOutReason } from './columnChecks.js';

/** Text columns with more distinct values than this are not categories (left out unless forced). */
export const MAX_INFERRED_CATEGORIES = 1000;
/** Categories a forced categorical column may have by default (table.ts' maxCategories; RELIABILITY R2). */
export const MAX_CATEGORIES = 1000;
/** A missing category code; an unseen one (at predict time) is UNKNOWN. */
export const MISSING_CODE = -1;
export const UNKNOWN_CODE = -2;
/** A column is numeric when at most this share of its present cells are not numbers (each named, read as missing). */
export const MAX_STRAY_SHARE = 0.05;
/** Cells quoted per column in the warnings. */
const EXAMPLES = 10;
/** The distinct unseen categories a column's report quotes. */
export const UNKNOWN_EXAMPLES = 10;

export type CellErrorFn = (line: number, reason: string) => InputError;

/** What a column was decided to be, and why a column is left out. */
export type ColumnKind = 'numeric' | 'categorical' | 'date';

/** A cell named in a warning: its line in the source and its text (cut to 60 characters). */
export interface NamedCell {
  readonly line: number;
  readonly text: string;
}

/** What each distinct text of a column is, while it is read as categories: text, a number, a number with a decimal comma. */
const TEXT = 0;
const NUMBER = 1;
const COMMA = 2;
/** Other spellings of categories remembered per column (past this, each is parsed again). */
const MAX_SPELLINGS = 10_000;

/**
 * The plain spelling of an integer written with a sign or a zero fraction ("1.0", "+2", "3." →
 * "1", "2", "3"; with a decimal comma "1,0" → "1"), or undefined for any other text. Leading zeros
 * stay ("007" is a code, not 7). pandas reads such a column as numbers, so "1" and "1.0" are one
 * category there; here too.
 */
export function plainInteger(text: string, decimal: '.' | ','): string | undefined {
  const m = (decimal === '.' ? /^([+-]?)(\d+)(?:\.0*)?$/ : /^([+-]?)(\d+)(?:,0*)?$/).exec(text);
  if (m === null) return undefined;
  const sign = m[1] === '-' && /[1-9]/.test(m[2]!) ? '-' : '';
  const plain = sign + m[2]!;
  return plain === text ? undefined : plain;
}

/** Cells of a categorical column written as another spelling of a category's number ("1.0" read as "1"). */
export interface Respellings {
  /** Cells read under another spelling. */
  cells: number;
  /** Distinct spellings → the category each was read as (the first few). */
  readonly examples: Map<string, string>;
}

/** The one-line note on a categorical column with respelled cells: what was read as what, how many cells, the categories left. */
export function respellingNote(name: string, r: Respellings, categories: number): string {
  const shown = [...r.examples].slice(0, 3).map(([spelling, plain]) => `${quote(spelling, 20)} as ${quote(plain, 20)}`).join(', ');
  const more = r.examples.size > 3 ? ', …' : '';
  return `${name}: ${r.cells.toLocaleString('en-US')} cell${r.cells === 1 ? '' : 's'} read as the category of the same integer (${shown}${more}): ${categories} categories`;
}

/**
 * One input column read cell by cell from a stream. An inferred column starts undecided and
 * takes the kind of its first present value (a date in a known format, a number, or text). The
 * kind is settled on all values: a column of numbers except a few (at most MAX_STRAY_SHARE of its
 * cells) is numeric, and each stray cell is read as missing and counted (the first ten named);
 * otherwise text among numbers makes it categorical. A text column with more than
 * MAX_INFERRED_CATEGORIES distinct values stops storing (it will be left out as ID-like or free
 * text) unless it is mostly numbers. Missing cells are NaN / MISSING_CODE.
 */
export class ColumnReader {
  kind: ColumnKind | undefined;
  /** Cells before the kind was known, all missing. */
  private leading = 0;
  /** A numeric column's values, in its slot of the table's row buffer. */
  numbers: BufferColumn | undefined;
  /**
   * The numbers in float64 when the table is float32 and an integer past 2^24 came (which float32
   * rounds to even: IDs 30000001 and 30000002 become one): what the ID and code checks and the
   * category names of a numeric column turned categorical read.
   */
  private exact: ChunkedFloat64 | undefined;
  days: ChunkedFloat64 | undefined;
  codes: ChunkedInt32 | undefined;
  readonly categories = new Map<string, number>();
  /** Cells whose text is another spelling of a category's integer ("1.0" for "1"), read as that category. */
  readonly respelled: Respellings = { cells: 0, examples: new Map() };
  /** Each other spelling met → its category's code, so a million "1.0" cells are one parse (at most MAX_SPELLINGS kept). */
  private readonly spellings = new Map<string, number>();
  format: DateFormat | undefined;
  hasTime = false;
  /** More distinct text values than categories may hold: nothing stored. */
  overflow = false;
  /** Missing cells (stray cells of a numeric column included). */
  missing = 0;
  present = 0;
  /** Text values of several words (free text rather than names). */
  wordy = 0;
  unknown = 0;
  readonly unknownExamples = new Set<string>();
  /** Cells of a numeric column that are neither numbers nor missing tokens (read as missing), decimal commas included. */
  strays = 0;
  readonly strayExamples: NamedCell[] = [];
  /** Of the strays, numbers written with a decimal comma ("1,5"). */
  decimalCommas = 0;
  readonly decimalExamples: NamedCell[] = [];
  /** Missing cells per default token as written, blank excepted ("None" → 8,939): a real value may hide there. */
  readonly missingTokens = new Map<string, number>();
  /** The stray cells' rows and texts, to turn the column into categories if they are not few (undefined past the cap). */
  private strayTexts: Map<string, number> | undefined = new Map();
  private readonly strayRows = new ChunkedInt32();
  private readonly strayIds = new ChunkedInt32();
  /** While categorical (inferred): what each category is, and the cells of each sort. */
  private readonly categorySort: number[] = [];
  private readonly cellsOfSort = [0, 0, 0];

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
    private readonly rules: CellRules,
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

  /** Forced numeric by the user (--numeric): text is an error, not a stray. */
  private get forcedNumeric(): boolean {
    return this.fixed !== undefined && !('name' in this.fixed) && this.fixed.kind === 'numeric';
  }

  private allocate(): void {
    if (this.kind === 'numeric') this.numbers = this.slot;
    else if (this.kind === 'date') this.days = new ChunkedFloat64();
    else this.codes = new ChunkedInt32();
  }

  add(cell: string, line: number, error: CellErrorFn): void {
    const text = cell.trim();
    if (this.rules.isMissing(text)) {
      this.missing++;
      if (text !== '' && this.rules.defaults) this.missingTokens.set(text, (this.missingTokens.get(text) ?? 0) + 1);
      if (this.kind === undefined) this.leading++;
      else this.pushMissing();
      return;
    }
    this.present++;
    if (this.kind === undefined) {
      const format = dateFormatOf(text);
      this.kind = format !== undefined ? 'date' : this.rules.parseNumber(text).ok ? 'numeric' : 'categorical';
      this.format = format;
      this.allocate();
      for (let i = 0; i < this.leading; i++) this.pushMissing();
    }
    if (this.kind === 'numeric') this.addNumber(text, line, error);
    else if (this.kind === 'date') {
      const d = parseDate(text, this.format!);
      if (!d.ok) throw error(line, d.reason);
      this.days!.push(d.days);
      if (d.hasTime && this.fixed === undefined) this.hasTime = true;
    } else this.addText(text, line, error);
  }

  private addNumber(text: string, line: number, error: CellErrorFn): void {
    const r = this.rules.parseNumber(text);
    if (r.ok) {
      const overflow = overflowReason(r.value, this.dtype);
      if (overflow !== undefined) throw error(line, `is ${overflow}`);
      this.pushNumber(r.value);
      return;
    }
    if (this.forcedNumeric || isInfiniteCell(text) || /overflows/.test(r.reason)) {
      throw error(line, `${r.reason}; the column is numeric (list it with --categorical if it holds categories)`);
    }
    // A stray: read as missing, counted and named; kept to become a category if strays are not few.
    this.missing++;
    this.noteStray(text, line, this.rules.isDecimalComma(text));
    if (this.strayTexts !== undefined && this.fixed === undefined) {
      let id = this.strayTexts.get(text);
      if (id === undefined) {
        if (this.strayTexts.size >= MAX_INFERRED_CATEGORIES) this.strayTexts = undefined;
        else this.strayTexts.set(text, (id = this.strayTexts.size));
      }
      if (id !== undefined) {
        this.strayRows.push(this.numbers!.length);
        this.strayIds.push(id);
      }
    }
    this.pushNumber(NaN);
  }

  /** A value into the numeric slot, and into the float64 copy once float32 cannot hold one exactly. */
  private pushNumber(v: number): void {
    if (this.exact !== undefined) this.exact.push(v);
    else if (this.dtype === 'float32' && Number.isInteger(v) && Math.fround(v) !== v) {
      const exact = new ChunkedFloat64();
      this.slot.forEach((old) => exact.push(old));
      exact.push(v);
      this.exact = exact;
    }
    this.slot.push(v);
  }

  /** The numeric column's values as read, float64 where float32 would have rounded them (see `exact`). */
  get exactNumbers(): ChunkedFloat64 | BufferColumn | undefined {
    return this.numbers === undefined ? undefined : (this.exact ?? this.numbers);
  }

  private noteStray(text: string, line: number, comma: boolean): void {
    this.strays++;
    const examples = comma ? this.decimalExamples : this.strayExamples;
    if (comma) this.decimalCommas++;
    if (examples.length < EXAMPLES) examples.push({ line, text: text.slice(0, 60) });
  }

  private addText(cell: string, line: number, error: CellErrorFn): void {
    if (this.overflow) return;
    if (cell.length > MAX_NAME_CHARS) throw error(line, `category ${quote(cell)} is over the limit of ${MAX_NAME_CHARS} characters`);
    let text = cell;
    let code = this.categories.get(text);
    if (code === undefined && (code = this.spellings.get(text)) !== undefined) this.respelled.cells++;
    else if (code === undefined) {
      // "1.0" is category "1". A saved model's categories are matched as written first: one saved
      // before spellings were merged may hold both.
      const plain = plainInteger(text, this.rules.decimal);
      if (plain !== undefined) {
        code = this.categories.get(plain);
        if (code !== undefined || !this.closed) {
          this.respelled.cells++;
          if (this.respelled.examples.size < EXAMPLES) this.respelled.examples.set(text.slice(0, 60), plain);
          if (code !== undefined && this.spellings.size < MAX_SPELLINGS) this.spellings.set(text, code);
          text = plain;
        }
      }
    }
    if (code === undefined) {
      if (this.closed) {
        if (this.unknownPolicy === 'error') {
          const known = [...this.categories.keys()];
          throw error(line, `category ${quote(text)} was not seen in training (known: ${listValues(known)})`);
        }
        this.unknown++;
        if (this.unknownExamples.size < UNKNOWN_EXAMPLES) this.unknownExamples.add(text.slice(0, 60));
        this.codes!.push(UNKNOWN_CODE);
        return;
      }
      const cap = this.fixed === undefined ? MAX_INFERRED_CATEGORIES : this.maxCategories;
      if (this.categories.size >= cap) {
        if (this.fixed !== undefined) throw error(line, `${quote(text, 40)} would be category ${cap + 1}, over the cap of ${cap} one-hot columns (maxCategories); leave the column out (--ignore) if it is an identifier`);
        if (this.mostlyNumbers()) {
          // Many distinct values, nearly all numbers: a numeric column whose first values were text.
          this.toNumeric();
          this.addNumber(text, line, error);
          return;
        }
        this.overflow = true;
        this.codes = undefined;
        return;
      }
      code = this.categories.size;
      this.categories.set(text, code);
      if (/\S\s+\S+\s+\S/.test(text)) this.wordy++;
      if (this.fixed === undefined) this.categorySort.push(this.rules.parseNumber(text).ok ? NUMBER : this.rules.isDecimalComma(text) ? COMMA : TEXT);
    }
    if (this.fixed === undefined) {
      const sort = this.categorySort[code]!;
      this.cellsOfSort[sort]!++;
      if (sort !== NUMBER) {
        const examples = sort === COMMA ? this.decimalExamples : this.strayExamples;
        if (examples.length < EXAMPLES) examples.push({ line, text: text.slice(0, 60) });
      }
    }
    this.codes!.push(code);
  }

  /** Present cells that are numbers (decimal commas included) are all but at most MAX_STRAY_SHARE. */
  private mostlyNumbers(): boolean {
    const [text, number, comma] = this.cellsOfSort as [number, number, number];
    return number + comma > 0 && text <= MAX_STRAY_SHARE * this.present;
  }

  private pushMissing(): void {
    if (this.kind === 'numeric') this.pushNumber(NaN);
    else if (this.kind === 'date') this.days!.push(NaN);
    else if (!this.overflow) this.codes!.push(MISSING_CODE);
  }

  /**
   * Settles an inferred column's kind on all its values (called once, at the end): categories
   * that are nearly all numbers become a numeric column, a numeric column with more than a few
   * stray cells becomes categorical.
   */
  settle(): void {
    if (this.fixed !== undefined) return;
    if (this.kind === 'categorical' && !this.overflow && this.mostlyNumbers()) this.toNumeric();
    else if (this.kind === 'numeric' && this.strays - this.decimalCommas > MAX_STRAY_SHARE * this.present) this.toCategorical();
  }

  /** Categories (mostly numbers) into the numeric slot: numbers as values, the rest as stray missing cells. */
  private toNumeric(): void {
    const names = [...this.categories.keys()];
    const values = names.map((n) => {
      const r = this.rules.parseNumber(n);
      return r.ok ? r.value : NaN;
    });
    const numbers = this.slot;
    this.codes!.forEach((code) => {
      if (code >= 0 && this.categorySort[code] !== NUMBER) {
        const text = names[code]!;
        let id = this.strayTexts!.get(text);
        if (id === undefined) this.strayTexts!.set(text, (id = this.strayTexts!.size));
        this.strayRows.push(numbers.length);
        this.strayIds.push(id);
      }
      this.pushNumber(code < 0 ? NaN : values[code]!);
    });
    this.strays = this.cellsOfSort[TEXT]! + this.cellsOfSort[COMMA]!;
    this.decimalCommas = this.cellsOfSort[COMMA]!;
    this.missing += this.strays;
    this.kind = 'numeric';
    this.numbers = numbers;
    this.codes = undefined;
    this.categories.clear();
    this.spellings.clear();
    this.wordy = 0;
  }

  /** A numeric column with many stray cells: its numbers become category names ("1.5"), strays their own text. */
  private toCategorical(): void {
    this.kind = 'categorical';
    this.missing -= this.strays;
    if (this.strayTexts === undefined) {
      this.overflow = true;
      this.numbers = undefined;
      this.exact = undefined;
      return;
    }
    const strayNames = [...this.strayTexts.keys()];
    const rows = this.strayRows.toInt32Array();
    const ids = this.strayIds.toInt32Array();
    const codes = new ChunkedInt32();
    let next = 0;
    const codeOf = (key: string): number => {
      let code = this.categories.get(key);
      if (code === undefined) {
        code = this.categories.size;
        this.categories.set(key, code);
        if (/\S\s+\S+\s+\S/.test(key)) this.wordy++;
      }
      return code;
    };
    this.exactNumbers!.forEach((v, row) => {
      if (next < rows.length && rows[next] === row) codes.push(codeOf(strayNames[ids[next++]!]!));
      else codes.push(Number.isNaN(v) ? MISSING_CODE : codeOf(String(v)));
    });
    this.numbers = undefined;
    this.exact = undefined;
    this.codes = codes;
    this.strays = 0;
    this.decimalCommas = 0;
    if (this.categories.size > MAX_INFERRED_CATEGORIES) {
      this.overflow = true;
      this.codes = undefined;
    }
  }

  /** Why an inferred column is better left out (ID-like, a row number, free text, all missing), or undefined. */
  leaveOutReason(): string | undefined {
    const n = this.present;
    if (this.kind === undefined) return 'every value is missing';
    if (this.kind === 'categorical') {
      const d = this.categories.size;
      if (this.overflow) return `${this.wordy > MAX_INFERRED_CATEGORIES / 2 ? 'free text' : 'ID-like'}: more than ${MAX_INFERRED_CATEGORIES} distinct values`;
      if (d > 10 && d > 0.5 * n) return `${this.wordy > d / 2 ? 'free text' : 'ID-like'}: ${d} distinct values in ${n} rows`;
      return undefined;
    }
    if (this.kind === 'numeric') return numericLeaveOutReason(this.name, this.exactNumbers!, this.present, this.strays);
    return undefined;
  }

  /** The column as the schema records it (kind decided; undefined kind is numeric of missing values). */
  schemaColumn(): InputColumn {
    if (this.kind === 'categorical') return { name: this.name, kind: 'categorical', categories: [...this.categories.keys()] };
    if (this.kind === 'date') return { name: this.name, kind: 'date', format: this.format!, time: this.hasTime };
    return { name: this.name, kind: 'numeric' };
  }
}
