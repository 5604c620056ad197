import type { FloatArray } from '../core/matrix.js';
import type { LossKernel } from './kernels.js';
import { sigmoid } from './activation.js';
import { logSumExpRow } from './softmax.js';

/** Probabilities are clipped to [ε, 1 − ε] where a probability-based loss is evaluated (Keras' ε). */
export const EPS = 1e-7;

const clip = (q: number): number => Math.min(Math.max(q, EPS), 1 - EPS);

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Σ of the loss terms over an m×k batch (sparse kinds: y is [m] of class indices). */
export function lossValue(kind: LossKernel, p: FloatArray, y: FloatArray, m: number, k: number): number {
  const n = m * k;
  let s = 0;
  switch (kind) {
    case 'mse':
      for (let i = 0; i < n; i++) {
        const d = p[i]! - y[i]!;
        s += d * d;
      }
      break;
    case 'sse':
      for (let i = 0; i < n; i++) {
        const d = p[i]! - y[i]!;
        s += 0.5 * d * d;
      }
      break;
    case 'mae':
      for (let i = 0; i < n; i++) s += Math.abs(p[i]! - y[i]!);
      break;
    case 'bce':
      for (let i = 0; i < n; i++) {
        const q = clip(p[i]!);
        const t = y[i]!;
        s -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
      }
      break;
    case 'bceLogits':
      // L = max(x, 0) − x·y + log(1 + e^(−|x|)) = softplus(x) − x·y (tf's form, exact).
      for (let i = 0; i < n; i++) {
        const x = p[i]!;
        s += softplus(x) - x * y[i]!;
      }
      break;
    case 'ce':
      for (let i = 0; i < n; i++) {
        const t = y[i]!;
        if (t !== 0) s -= t * Math.log(clip(p[i]!));
      }
      break;
    case 'sparseCe':
      for (let i = 0; i < m; i++) s -= Math.log(clip(p[i * k + y[i]!]!));
      break;
    case 'ceLogits':
      // L = Σ_c y_c (logΣexp(z) − z_c).
      for (let i = 0; i < m; i++) {
        const lse = logSumExpRow(p, i * k, k);
        for (let c = 0; c < k; c++) {
          const t = y[i * k + c]!;
          if (t !== 0) s += t * (lse - p[i * k + c]!);
        }
      }
      break;
    case 'sparseCeLogits':
      for (let i = 0; i < m; i++) s += logSumExpRow(p, i * k, k) - p[i * k + y[i]!]!;
      break;
  }
  return s;
}

/** out = scale · ∂(Σ loss terms)/∂p (∂/∂z for the Logits kinds). */
export function lossGradient(kind: LossKernel, p: FloatArray, y: FloatArray, out: FloatArray, m: number, k: number, scale: number): void {
  const n = m * k;
  switch (kind) {
    case 'mse':
    case 'sse':
      for (let i = 0; i < n; i++) out[i] = scale * (p[i]! - y[i]!);
      return;
    case 'mae':
      for (let i = 0; i < n; i++) {
        const d = p[i]! - y[i]!;
        out[i] = d > 0 ? scale : d < 0 ? -scale : 0;
      }
      return;
    case 'bce':
      // ∂L/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)); ŷ clipped only to keep the unfused gradient finite.
      for (let i = 0; i < n; i++) {
        const q = clip(p[i]!);
        out[i] = (scale * (q - y[i]!)) / (q * (1 - q));
      }
      return;
    case 'bceLogits':
      for (let i = 0; i < n; i++) out[i] = scale * (sigmoid(p[i]!) - y[i]!);
      return;
    case 'ce':
      // ∂L/∂ŷ_c = −y_c/ŷ_c (ŷ clipped as in the value).
      for (let i = 0; i < n; i++) out[i] = (-scale * y[i]!) / clip(p[i]!);
      return;
    case 'sparseCe':
      for (let i = 0; i < m; i++) {
        const c = y[i]!;
        for (let j = 0; j < k; j++) out[i * k + j] = j === c ? -scale / clip(p[i * k + j]!) : -0 * scale;
      }
      return;
    case 'ceLogits':
    case 'sparseCeLogits': {
      // ∂/∂z_c = softmax(z)_c · Σy − y_c
      const sparse = kind === 'sparseCeLogits';
      for (let i = 0; i < m; i++) {
        const lse = logSumExpRow(p, i * k, k);
        let ySum = 0;
        if (sparse) ySum = 1;
        else for (let c = 0; c < k; c++) ySum += y[i * k + c]!;
        for (let c = 0; c < k; c++) {
          const t = sparse ? (y[i]! === c ? 1 : 0) : y[i * k + c]!;
          out[i * k + c] = scale * (Math.exp(p[i * k + c]! - lse) * ySum - t);
        }
      }
      return;
    }
  }
}

/** Fused sigmoid+BCE / softmax+CE: out = scale·(ŷ − y); with class indices y when `sparse`. */
export function fusedLossGradient(sparse: boolean, p: FloatArray, y: FloatArray, out: FloatArray, m: number, k: number, scale: number): void {
  const n = m * k;
  if (sparse) {
    for (let i = 0; i < n; i++) out[i] = scale * p[i]!;
    for (let i = 0; i < m; i++) out[i * k + y[i]!]! -= scale;
  } else {
    for (let i = 0; i < n; i++) out[i] = scale * (p[i]! - y[i]!);
  }
}
