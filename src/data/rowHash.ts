/**
 * Which rows of a streamed file validate: a seeded hash of the row's number, so the choice needs no
 * memory, is the same in every epoch and after a resume, and does not depend on the chunk sizes.
 */

/** A uniform number in [0, 1) from a row number and a seed (murmur3's 32-bit finaliser over both). */
export function rowUniform(row: number, seed: number): number {
  let h = Math.imul((row >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.floor(row / 2 ** 32) + 1, 0xc2b2ae35);
  h ^= Math.imul(seed >>> 0, 0x27d4eb2f) ^ Math.imul(Math.floor(seed / 2 ** 32) + 0x165667b1, 0x61c88647);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** Whether row `row` (0-based among the rows kept) is a validation row for this seed and fraction. */
export function isValidationRow(row: number, seed: number, fraction: number): boolean {
  return fraction > 0 && rowUniform(row, seed) < fraction;
}
