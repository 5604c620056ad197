import { Rng } from '../core/rng.js';

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Complementary error function, fractional error < 1.2e-7 everywhere (Chebyshev fit, Numerical Recipes' erfcc). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal density φ(z). */
export function normPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** Standard normal distribution function Φ(z), accurate in the far left tail too. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9), p ∈ (0, 1). */
export function normPpf(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - pl) return -normPpf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * log of Expected Improvement for minimisation, log E[max(f* − ξ − Y, 0)] with Y ~ N(μ, σ²):
 * EI = σ·h(z), z = (f* − ξ − μ)/σ, h(z) = zΦ(z) + φ(z). Far in the left tail h(z) underflows and
 * cancels, so there log h(z) comes from its asymptotic series φ(z)/z²·(1 − 3/z² + 15/z⁴ − 105/z⁶)
 * (what Optuna's LogEI does in spirit): candidates keep a ranking where plain EI would all be 0.
 */
export function logExpectedImprovement(mu: number, sigma: number, best: number, xi = 0.01): number {
  const z = (best - xi - mu) / sigma;
  if (z > -6) return Math.log(sigma) + Math.log(Math.max(z * normCdf(z) + normPdf(z), 1e-300));
  const z2 = z * z;
  const series = 1 - 3 / z2 + 15 / (z2 * z2) - 105 / (z2 * z2 * z2);
  return Math.log(sigma) - 0.5 * z2 - LOG_SQRT_2PI - Math.log(z2) + Math.log(series);
}

/** A 32-bit mix of integers (murmur3's finaliser over each word). */
function mix(h: number, x: number): number {
  h ^= Math.imul(x | 0, 0xcc9e2d51);
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * An integer seed from the search seed, a trial number and a purpose: the same triple gives
 * the same seed in any process on any machine, and neighbouring triples are unrelated.
 */
export function derivedSeed(seed: number, number: number, purpose: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const a = mix(mix(mix(mix(0x2545f491, lo), hi), number), purpose);
  return a;
}

/** A generator for one purpose of one trial (see derivedSeed). */
export function trialRng(seed: number, number: number, purpose: number): Rng {
  return new Rng(derivedSeed(seed, number, purpose) * 4294967296 + derivedSeed(seed, number, purpose + 0x9e37));
}

/**
 * Lower Cholesky factor of a symmetric positive definite n×n matrix (row-major) in place of a
 * copy. Returns undefined when the matrix is not numerically positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** Solves L x = b (L lower triangular) in place of b. */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  return b;
}

/** Solves Lᵀ x = b in place of b. */
export function solveUpper(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  return b;
}

/** log Σ exp(v_i), stable. */
export function logSumExp(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! > m) m = v[i]!;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i]! - m);
  return m + Math.log(s);
}
