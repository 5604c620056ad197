/**
 * Reading one CSV cell as a number. Strict on purpose: "NaN", "inf", blanks and values that
 * overflow to ±Infinity (1e999) are rejected with the reason, never silently turned into NaN
 * (RELIABILITY C3).
 */
import { quote } from '../core/validate.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '?', '-', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);

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
  if (lower === 'nan') return { ok: false, reason: `is ${JSON.stringify(s)} (a missing value)` };
  if (MISSING.has(lower)) return { ok: false, reason: `is ${JSON.stringify(s)} (a missing or infinite value)` };
  return { ok: false, reason: `${quote(s, 40)} is not a number` };
}

/** True when the cell holds a finite number in plain decimal or exponent notation. */
export function isNumberCell(text: string): boolean {
  return parseNumberCell(text).ok;
}

/** True for the spellings of a missing value (blank, NaN, NA, null, ?, ±inf). */
export function isMissingCell(text: string): boolean {
  return MISSING.has(text.trim().toLowerCase());
}
