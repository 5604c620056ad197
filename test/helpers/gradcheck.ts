import { Matrix } from '../../src/core/matrix.js';

export interface CheckResult {
  maxRelativeError: number;
  worst: { index: number; analytic: number; numeric: number } | undefined;
}

/**
 * Central differences of a scalar function f against an analytic gradient, over the entries of
 * `values` (perturbed in place and restored). Relative error |a − n| / max(|a| + |n|, tiny).
 */
export function centralDifference(values: Float64Array, analytic: ArrayLike<number>, f: () => number, eps = 1e-6): CheckResult {
  let maxRelativeError = 0;
  let worst: CheckResult['worst'];
  for (let i = 0; i < values.length; i++) {
    const old = values[i]!;
    values[i] = old + eps;
    const fp = f();
    values[i] = old - eps;
    const fm = f();
    values[i] = old;
    const numeric = (fp - fm) / (2 * eps);
    const a = analytic[i]!;
    const denom = Math.max(Math.abs(a) + Math.abs(numeric), 1e-8);
    const rel = Math.abs(a - numeric) / denom;
    // Entries where both are ~0 are compared absolutely.
    const err = Math.abs(a - numeric) < 1e-9 ? 0 : rel;
    if (err > maxRelativeError) {
      maxRelativeError = err;
      worst = { index: i, analytic: a, numeric };
    }
  }
  return { maxRelativeError, worst };
}

/** A float64 matrix of normal draws from a tiny deterministic generator. */
export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const m = Matrix.zeros(rows, cols, 'float64');
  let s = seed >>> 0 || 1;
  for (let i = 0; i < m.data.length; i++) {
    // xorshift32 → uniform → roughly normal by summing three
    let u = 0;
    for (let k = 0; k < 3; k++) {
      s ^= s << 13; s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5; s >>>= 0;
      u += s / 4294967296;
    }
    m.data[i] = (u - 1.5) * 2 * scale;
  }
  return m;
}
