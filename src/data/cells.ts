/**
 * Reading one CSV cell. By default missing values have one list of spellings, used for every
 * column and the target: blank, NA, N/A, ?, NaN, null, None (any case); `naValues` replaces that
 * list with exactly the tokens given (pandas' `na_values` with `keep_default_na=False`), so a
 * real class called "None" can be kept; a token that is a number means that number however a cell
 * writes it (`-999` takes `-999.0` and `-9.99e2`, as pandas does). Numbers are strict on purpose: infinities and values that
 * overflow (1e999) are errors, never silently NaN (RELIABILITY C3); the decimal mark is a point
 * unless the file is read with `decimal: ','`.
 */
import { InputError } from '../core/errors.js';
import { describe, quote } from '../core/validate.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const COMMA_NUMBER = /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/;
/** A number written with a decimal comma ("1,5", "-0,25"): named when a file is read with a point. */
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;
/** The spellings of a missing value (lower case, trimmed). */
export const MISSING_TOKENS: readonly string[] = ['', 'na', 'n/a', '?', 'nan', 'null', 'none'];
const MISSING = new Set(MISSING_TOKENS);
const INFINITE = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);

/** A CSV cell read as a number, or the reason it is not one. */
export type CellNumber = { ok: true; value: number } | { ok: false; reason: string };

/** How cells are read: which tokens mean missing, and the decimal mark. */
export interface CellOptions {
  /** Exactly the (trimmed) cells that mean missing; default MISSING_TOKENS in any case. `['']`: only blank cells. */
  readonly naValues?: readonly string[];
  /** The decimal mark of numbers: '.' (default) or ','. */
  readonly decimal?: '.' | ',';
}

/** The rules of one table's cells (its missing tokens and decimal mark), made once per table. */
export class CellRules {
  /** True when the default missing tokens are in use (so a frequent "None" class is worth a word). */
  readonly defaults: boolean;
  readonly decimal: '.' | ',';
  private readonly tokens: ReadonlySet<string>;
  private readonly longest: number;
  /** The values of the tokens that are numbers: a cell equal to one is missing however it is written. */
  private readonly numbers: ReadonlySet<number>;

  constructor(options: CellOptions = {}) {
    const { naValues, decimal = '.' } = options;
    if (decimal !== '.' && decimal !== ',') throw new InputError(`decimal: expected '.' or ',', got ${describe(decimal)}`);
    this.decimal = decimal;
    if (naValues !== undefined && (!Array.isArray(naValues) || !naValues.every((t) => typeof t === 'string'))) {
      throw new InputError(`naValues: expected a list of strings such as ['', 'NA'], got ${describe(naValues)}`);
    }
    this.defaults = naValues === undefined;
    this.tokens = naValues === undefined ? MISSING : new Set(naValues.map((t) => t.trim()));
    this.longest = Math.max(0, ...[...this.tokens].map((t) => t.length));
    this.numbers = new Set([...(naValues === undefined ? [] : this.tokens)].flatMap((t) => {
      const n = this.numberOf(t);
      return n === undefined ? [] : [n];
    }));
  }

  /** The finite number a trimmed cell writes in this file's notation, or undefined. */
  private numberOf(s: string): number | undefined {
    if (!(this.decimal === '.' ? NUMBER.test(s) : COMMA_NUMBER.test(s))) return undefined;
    const value = Number(this.decimal === '.' ? s : s.replace(',', '.'));
    return Number.isFinite(value) ? value : undefined;
  }

  /** The values of the missing tokens that are numbers (a graph compares numeric inputs with them). */
  missingNumbers(): number[] {
    return [...this.numbers];
  }

  /** The rules as options when they differ from the defaults (what a fitted pipeline must remember to read records alike). */
  options(): CellOptions | undefined {
    if (this.defaults && this.decimal === '.') return undefined;
    return { ...(this.defaults ? {} : { naValues: [...this.tokens] }), ...(this.decimal === ',' ? { decimal: ',' as const } : {}) };
  }

  /** True for a spelling of missing (the cell trimmed). */
  isMissing(cell: string): boolean {
    const s = cell.trim();
    if (this.numbers.size > 0) {
      const n = this.numberOf(s);
      if (n !== undefined && this.numbers.has(n)) return true;
    }
    // Most cells are longer than every token: ruled out without a lower-cased copy.
    if (s.length > this.longest) return false;
    return this.tokens.has(this.defaults ? s.toLowerCase() : s);
  }

  /** Parses a cell; on failure says why ("is blank", "is NaN", "overflows to Infinity", "is not a number"). */
  parseNumber(text: string): CellNumber {
    const s = text.trim();
    if (this.decimal === '.' ? NUMBER.test(s) : COMMA_NUMBER.test(s)) {
      const value = Number(this.decimal === '.' ? s : s.replace(',', '.'));
      if (Number.isFinite(value)) return { ok: true, value };
      return { ok: false, reason: `${quote(s, 40)} overflows to ${value}` };
    }
    if (s === '') return { ok: false, reason: 'is blank' };
    if (this.isMissing(s)) return { ok: false, reason: `is ${JSON.stringify(s)} (a missing value)` };
    if (INFINITE.has(s.toLowerCase())) return { ok: false, reason: `is ${JSON.stringify(s)} (an infinite value)` };
    if (this.decimal === '.' && DECIMAL_COMMA.test(s)) return { ok: false, reason: `${quote(s, 40)} is not a number (a decimal comma? --decimal , reads it as one)` };
    return { ok: false, reason: `${quote(s, 40)} is not a number` };
  }

  /** True for a number written with a decimal comma while the file is read with a point. */
  isDecimalComma(text: string): boolean {
    return this.decimal === '.' && DECIMAL_COMMA.test(text.trim());
  }
}

/** The default rules (MISSING_TOKENS, a decimal point). */
export const DEFAULT_CELLS = new CellRules();

/** Parses a trimmed cell with the default rules; on failure says why. */
export function parseNumberCell(text: string): CellNumber {
  return DEFAULT_CELLS.parseNumber(text);
}

/** True when the cell holds a finite number in plain decimal or exponent notation. */
export function isNumberCell(text: string): boolean {
  return parseNumberCell(text).ok;
}

/** True for the default spellings of a missing value (blank, NA, N/A, ?, NaN, null, None). */
export function isMissingCell(text: string): boolean {
  return DEFAULT_CELLS.isMissing(text);
}

/** True for a spelling of ±infinity (an error in a numeric column, not a missing value). */
export function isInfiniteCell(text: string): boolean {
  return INFINITE.has(text.trim().toLowerCase());
}
