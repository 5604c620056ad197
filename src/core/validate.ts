import { InputError } from './errors.js';

/** Rejects option keys the receiver does not know (principle 7), naming the nearest known key. */
export function checkKeys(where: string, args: object | undefined, known: readonly string[]): void {
  if (args === undefined) return;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new InputError(`${where}: expected an options object, got ${describe(args)}`);
  }
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) {
      throw new InputError(`${where}: unknown option "${key}"; known options: ${known.join(', ')}`);
    }
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
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
