/**
 * Reading one CSV cell. Missing values have one list of spellings, used for every column and
 * the target: blank, NA, N/A, ?, NaN, null, None (any case). Numbers are strict on purpose:
 * infinities and values that overflow (1e999) are errors, never silently NaN (RELIABILITY C3).
 */
import { quote } from '../core/validate.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The spellings of a missing value (lower case, trimmed). */
export const MISSING_TOKENS: readonly string[] = ['', 'na', 'n/a', '?', 'nan', 'null', 'none'];
const MISSING = new Set(MISSING_TOKENS);
const INFINITE = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);

/** A CSV cell read as a number, or the reason it is not one. */
export type CellNumber = { ok: true; value: number } | { ok: false; reason: string };

/** Parses a trimmed cell; on failure says why ("is blank", "is NaN", "overflows to Infinity", "is not a number"). */
export function parseNumberCell(text: string): CellNumber {
  const s = text.trim();
  if (NUMBER.test(s)) {
    const value = Number(s);
    if (Number.isFinite(value)) return { ok: true, value };
    return { ok: false, reason: `${quote(s, 40)} overflows to ${value}` };
  }
  if (s === '') return { ok: false, reason: 'is blank' };
  const lower = s.toLowerCase();
  if (MISSING.has(lower)) return { ok: false, reason: `is ${JSON.stringify(s)} (a missing value)` };
  if (INFINITE.has(lower)) return { ok: false, reason: `is ${JSON.stringify(s)} (an infinite value)` };
  return { ok: false, reason: `${quote(s, 40)} is not a number` };
}

/** True when the cell holds a finite number in plain decimal or exponent notation. */
export function isNumberCell(text: string): boolean {
  return parseNumberCell(text).ok;
}

/** True for the spellings of a missing value (blank, NA, N/A, ?, NaN, null, None). */
export function isMissingCell(text: string): boolean {
  const s = text.trim();
  // Every spelling is at most 4 characters: most cells are ruled out without a lower-cased copy.
  return s.length <= 4 && MISSING.has(s.toLowerCase());
}

/** True for a spelling of ±infinity (an error in a numeric column, not a missing value). */
export function isInfiniteCell(text: string): boolean {
  return INFINITE.has(text.trim().toLowerCase());
}
