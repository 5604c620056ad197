import type { FloatArray } from '../core/matrix.js';

/*
 * Optimiser update rules as fused loops over one tensor (the maths is in each optimiser's
 * TSDoc). Each returns Σ x·0 over every value it stores, weights and state, read back (a
 * float32 array stores a double beyond its range as ±∞): 0 when all are finite, NaN otherwise,
 * so the step's overflow check rides along instead of passes over the weights and the state.
 */

export function sgd(w: FloatArray, g: FloatArray, n: number, lr: number): number {
  // Unrolled, with independent probes: this loop runs over every weight on every step.
  let a = 0, b = 0, c = 0, d = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    w[i]! -= lr * g[i]!;
    w[i + 1]! -= lr * g[i + 1]!;
    w[i + 2]! -= lr * g[i + 2]!;
    w[i + 3]! -= lr * g[i + 3]!;
    a += w[i]! * 0;
    b += w[i + 1]! * 0;
    c += w[i + 2]! * 0;
    d += w[i + 3]! * 0;
  }
  for (; i < n; i++) {
    w[i]! -= lr * g[i]!;
    a += w[i]! * 0;
  }
  return a + b + c + d;
}

export function sgdMomentum(w: FloatArray, g: FloatArray, v: FloatArray, n: number, lr: number, mu: number, nesterov: boolean): number {
  let probe = 0;
  for (let i = 0; i < n; i++) {
    const vi = mu * v[i]! - lr * g[i]!;
    v[i] = vi;
    w[i]! += nesterov ? mu * vi - lr * g[i]! : vi;
    probe += w[i]! * 0 + v[i]! * 0;
  }
  return probe;
}

export function adam(w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, n: number, alpha: number, beta1: number, beta2: number, eps: number): number {
  let probe = 0;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i]! -= (alpha * mi) / (Math.sqrt(vi) + eps);
    probe += w[i]! * 0 + m[i]! * 0 + v[i]! * 0;
  }
  return probe;
}

export function rmsprop(w: FloatArray, g: FloatArray, s: FloatArray, u: FloatArray, n: number, lr: number, rho: number, mu: number, eps: number): number {
  let probe = 0;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const si = rho * s[i]! + (1 - rho) * gi * gi;
    s[i] = si;
    const delta = (lr * gi) / Math.sqrt(si + eps);
    if (mu > 0) {
      const ui = mu * u[i]! + delta;
      u[i] = ui;
      w[i]! -= ui;
      probe += u[i]! * 0;
    } else {
      w[i]! -= delta;
    }
    probe += w[i]! * 0 + s[i]! * 0;
  }
  return probe;
}

export function adagrad(w: FloatArray, g: FloatArray, s: FloatArray, n: number, lr: number, eps: number): number {
  let probe = 0;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const si = s[i]! + gi * gi;
    s[i] = si;
    w[i]! -= (lr * gi) / Math.sqrt(si + eps);
    probe += w[i]! * 0 + s[i]! * 0;
  }
  return probe;
}

/**
 * Sets the values below `below` in magnitude to 0 (NaN stays NaN, for the overflow probe). The
 * optimisers run it over their state every STATE_FLUSH_EVERY steps: a moment whose gradient stays
 * 0 (a dead ReLU, an input column that is 0 in every batch) decays by β each step into float32's
 * subnormal range and stays there, since β·(the smallest subnormal) rounds back to it for β > ½;
 * on x86 every step over a subnormal runs slower (W2's Adam took 2.3× as long after 8 epochs of
 * Fashion-MNIST).
 */
export function flushBelow(x: FloatArray, n: number, below: number): void {
  for (let i = 0; i < n; i++) if (Math.abs(x[i]!) < below) x[i] = 0;
}

export function clipByValue(g: FloatArray, n: number, c: number): void {
  for (let i = 0; i < n; i++) g[i] = Math.min(c, Math.max(-c, g[i]!));
}

export function scale(x: FloatArray, n: number, s: number): void {
  for (let i = 0; i < n; i++) x[i]! *= s;
}

export function penalty(w: FloatArray, n: number, l1: number, l2: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    s1 += Math.abs(v);
    s2 += v * v;
  }
  return l1 * s1 + l2 * s2;
}

export function addPenaltyGradient(w: FloatArray, grad: FloatArray, n: number, l1: number, l2: number): number {
  const twoL2 = 2 * l2;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    s1 += Math.abs(v);
    s2 += v * v;
    grad[i]! += l1 * (v > 0 ? 1 : v < 0 ? -1 : 0) + twoL2 * v;
  }
  return l1 * s1 + l2 * s2;
}
