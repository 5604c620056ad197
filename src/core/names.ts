import { InputError } from './errors.js';

/** Levenshtein distance, for "did you mean" suggestions on unknown names. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The known name closest to `name`, if it is close enough to be a plausible typo. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    // Compare case-insensitively and also as an anagram-insensitive guess ("rleu" → "relu").
    const d = Math.min(editDistance(lower, candidate.toLowerCase()), sortedDistance(lower, candidate.toLowerCase()));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function sortedDistance(a: string, b: string): number {
  if (a.length !== b.length) return Infinity;
  const sa = [...a].sort().join('');
  const sb = [...b].sort().join('');
  return sa === sb ? 1 : Infinity;
}

/**
 * Looks `name` up in a registry; an unknown name throws an InputError that lists the known
 * names and suggests the nearest one.
 */
export function lookupName<T>(kind: string, name: unknown, registry: ReadonlyMap<string, T>): T {
  if (typeof name === 'string') {
    const found = registry.get(name);
    if (found !== undefined) return found;
  }
  const known = [...registry.keys()];
  const shown = typeof name === 'string' ? `"${name}"` : String(name);
  const guess = typeof name === 'string' ? nearestName(name, known) : undefined;
  throw new InputError(
    `unknown ${kind} ${shown}${guess ? `; did you mean "${guess}"?` : ''} Known: ${known.join(', ')}`,
  );
}

/** A lone UTF-16 surrogate: encoded as UTF-8 it becomes U+FFFD, so two such names can collide in a file. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses a name that is not well-formed UTF-16 (R19): every file format stores names as UTF-8,
 * where "a\uD800" and "a\uDC00" both become "a\uFFFD" and collide. Returns the name.
 */
export function wellFormedName(where: string, what: string, name: string): string {
  const m = LONE_SURROGATE.exec(name);
  if (m !== null) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase();
    throw new InputError(`${where}: ${what} ${JSON.stringify(name.slice(0, 100))} holds a lone surrogate U+${code} at index ${m.index} (not well-formed UTF-16); it cannot be stored as UTF-8 without becoming U+FFFD`);
  }
  return name;
}
