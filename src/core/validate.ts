import { InputError, UnknownOptionError } from './errors.js';

/** Rejects option keys the receiver does not know (principle 7), naming the nearest known key. */
export function checkKeys(where: string, args: object | undefined, known: readonly string[]): void {
  if (args === undefined) return;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new InputError(`${where}: expected an options object, got ${describe(args)}`);
  }
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) {
      throw new UnknownOptionError(`${where}: unknown option "${key}"; known options: ${known.join(', ')}`, key, known);
    }
  }
}

/** How much of one input value an error message quotes (RELIABILITY R1). */
export const QUOTE_CHARS = 200;
/** How many values of a list an error message shows before "and N more" (RELIABILITY R1). */
export const LIST_VALUES = 10;

/** A user's text as a JSON string of at most QUOTE_CHARS characters: `"abc…" (5000000 characters)`. */
export function quote(text: string, max = QUOTE_CHARS): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
}

/**
 * At most LIST_VALUES values, each at most 50 characters: `a, b, … and 14123 more`; with
 * `quoteText` strings are quoted, so labels "1" and 1 read differently.
 */
export function listValues(values: Iterable<unknown>, quoteText = false, max = LIST_VALUES): string {
  const shown: string[] = [];
  let count = 0;
  for (const v of values) {
    if (count < max) shown.push(typeof v !== 'string' ? String(v) : quoteText ? quote(v, 50) : v.length > 50 ? `${v.slice(0, 50)}…` : v);
    count++;
  }
  return count > max ? `${shown.join(', ')}, … and ${count - max} more` : shown.join(', ');
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (value === null) return 'null';
  return String(value);
}

/** A finite number > 0 (or ≥ 0 with `allowZero`). */
export function positiveNumber(where: string, name: string, value: unknown, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new InputError(`${where}: ${name} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${describe(value)}`);
  }
  return value;
}

/** An integer ≥ `min`. */
export function integerAtLeast(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InputError(`${where}: ${name} must be an integer ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

/** A number in [lo, hi) or [lo, hi] depending on `closedHigh`. */
export function numberInRange(
  where: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  closedHigh = false,
): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= lo && (closedHigh ? value <= hi : value < hi);
  if (!ok) {
    throw new InputError(`${where}: ${name} must be in [${lo}, ${hi}${closedHigh ? ']' : ')'}, got ${describe(value)}`);
  }
  return value as number;
}

export function booleanOption(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InputError(`${where}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}
