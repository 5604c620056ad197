import type { FloatArray } from '../core/matrix.js';

/** Row-wise softmax of an m×n matrix, max-subtracted so no exp overflows (RELIABILITY N1). */
export function softmaxRows(z: FloatArray, out: FloatArray, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (z[o + j]! > max) max = z[o + j]!;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(z[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < n; j++) out[o + j]! *= inv;
  }
}

/** log Σ_j exp(z[row, j]), computed stably. */
export function logSumExpRow(z: FloatArray, offset: number, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (z[offset + j]! > max) max = z[offset + j]!;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(z[offset + j]! - max);
  return max + Math.log(sum);
}

/** Row-wise log-softmax: z − logΣexp(z). */
export function logSoftmaxRows(z: FloatArray, out: FloatArray, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    const lse = logSumExpRow(z, o, n);
    for (let j = 0; j < n; j++) out[o + j] = z[o + j]! - lse;
  }
}
