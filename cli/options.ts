import { InvalidArgumentError } from 'commander';

/** Commander parsers that reject bad values with a message naming the value (exit 2). */
export function integer(min: number): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(v) || v < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
    return v;
  };
}

export function number(min: number, max: number, closedMin = true, closedMax = true): (value: string) => number {
  return (value) => {
    const v = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(v) && (closedMin ? v >= min : v > min) && (closedMax ? v <= max : v < max);
    if (!ok) throw new InvalidArgumentError(`expected a number in ${closedMin ? '[' : '('}${min}, ${max}${closedMax ? ']' : ')'}, got ${JSON.stringify(value)}.`);
    return v;
  };
}

/** "a,b , c" → ["a", "b", "c"]. */
export function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Column names: "a,b , c" → ["a", "b", "c"]. An empty name is refused: it names no column (an
 * empty header is read as "Unnamed: 0"), and `--target ""` from an unset shell variable would
 * otherwise train with no target at all.
 */
export function columnList(value: string): string[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new InvalidArgumentError(`expected column names separated by commas, got an empty name in ${JSON.stringify(value)} (a column with an empty header is called "Unnamed: 0").`);
  return parts;
}

/** "64,32" → [64, 32]; "" or "0" → [] (no hidden layer). */
export function units(value: string): number[] {
  const parts = list(value);
  if (parts.length === 1 && parts[0] === '0') return [];
  return parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1) throw new InvalidArgumentError(`expected layer sizes like 64,32 (positive integers), got ${JSON.stringify(value)}.`);
    return Number(p);
  });
}

/** A number > 0 (learning rates, finite-difference steps). */
export function positive(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return v;
}

/** JSON from an option value (a usage error when it is not JSON). */
export function json(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new InvalidArgumentError(`not valid JSON: ${value.length > 60 ? `${value.slice(0, 60)}…` : value}`);
  }
}

/** --class-weight: "balanced" or a JSON map of class label to weight, e.g. '{"snow": 10}'. */
export function classWeightOption(value: string): 'balanced' | Record<string, number> {
  if (value === 'balanced') return 'balanced';
  let v: unknown;
  try {
    v = JSON.parse(value) as unknown;
  } catch {
    v = undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0)) {
    throw new InvalidArgumentError(`expected "balanced" or a JSON map of class to weight like '{"snow": 10}', got ${JSON.stringify(value.slice(0, 60))}`);
  }
  return v as Record<string, number>;
}

/** A one-character field separator; "tab" and "\\t" spell a tab. */
export function delimiterOption(value: string): string {
  const v = value === 'tab' || value === '\\t' ? '\t' : value;
  if (v.length !== 1 || /["\r\n]/.test(v)) throw new InvalidArgumentError(`expected one character such as , ; | or tab, got ${JSON.stringify(value)}`);
  return v;
}

/** --na-values: "NA,,?" → ["NA", "", "?"]; empty items kept ('' alone means blank cells only). */
export function naValuesOption(value: string): string[] {
  return value.split(',').map((s) => s.trim());
}

/** --split: "random" (the default) or "time:<column>" → the column that orders the rows. */
export function splitOption(value: string): string | undefined {
  if (value === 'random') return undefined;
  const m = /^time:(.+)$/.exec(value);
  if (!m || m[1]!.trim() === '') throw new InvalidArgumentError(`expected "random" or "time:<column>" (validation on the latest rows by that column), got ${JSON.stringify(value.slice(0, 60))}`);
  return m[1]!.trim();
}
