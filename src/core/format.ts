/** A loss or score for people: 4 decimals in the usual range, 4 significant digits outside it (0 as 0.0000). */
export function formatScore(v: number): string {
  return v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5) ? v.toFixed(4) : v.toExponential(3);
}

/** A count and its noun for people: "1 epoch", "12 epochs" (nouns whose plural adds an s). */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
