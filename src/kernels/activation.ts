import type { FloatArray } from '../core/matrix.js';
import type { ActivationKernel } from './kernels.js';
import { softmaxRows } from './softmax.js';

/** σ(z) = 1/(1+e^(−z)), written so that neither branch overflows. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** a = g(z) for the activation `kind` (softmax row-wise); a may alias z. */
export function activationForward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, rows: number, cols: number): void {
  const n = rows * cols;
  switch (kind) {
    case 'linear':
      if (a !== z) a.set(z.subarray(0, n));
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) a[i] = sigmoid(z[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]!);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = z[i]!;
        a[i] = v > 0 ? v : 0;
      }
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) {
        const v = z[i]!;
        a[i] = v >= 0 ? v : alpha * v;
      }
      return;
    case 'step':
      for (let i = 0; i < n; i++) a[i] = z[i]! >= 0 ? 1 : 0;
      return;
    case 'sign':
      for (let i = 0; i < n; i++) {
        const v = z[i]!;
        a[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
      }
      return;
    case 'piecewiseLinear':
      for (let i = 0; i < n; i++) {
        const v = z[i]!;
        a[i] = v <= -0.5 ? 0 : v >= 0.5 ? 1 : v + 0.5;
      }
      return;
    case 'softmax':
      softmaxRows(z, a, rows, cols);
      return;
  }
}

/** dZ = ∂E/∂z from dA = ∂E/∂a; dZ may alias dA. */
export function activationBackward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, rows: number, cols: number): void {
  const n = rows * cols;
  switch (kind) {
    case 'linear':
      if (dZ !== dA) dZ.set(dA.subarray(0, n));
      return;
    case 'sigmoid':
      // σ'(z) = σ(z)(1 − σ(z))
      for (let i = 0; i < n; i++) {
        const s = a[i]!;
        dZ[i] = dA[i]! * s * (1 - s);
      }
      return;
    case 'tanh':
      // tanh'(z) = 1 − tanh²(z)
      for (let i = 0; i < n; i++) {
        const t = a[i]!;
        dZ[i] = dA[i]! * (1 - t * t);
      }
      return;
    case 'relu':
      // Derivative 1 for z ≥ 0, as seed 000's table writes it.
      for (let i = 0; i < n; i++) dZ[i] = z[i]! >= 0 ? dA[i]! : 0;
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) dZ[i] = dA[i]! * (z[i]! >= 0 ? 1 : alpha);
      return;
    case 'step':
    case 'sign':
      // Flat almost everywhere: no gradient flows (the perceptron rule does not use it).
      for (let i = 0; i < n; i++) dZ[i] = dA[i]! * 0;
      return;
    case 'piecewiseLinear':
      for (let i = 0; i < n; i++) {
        const v = z[i]!;
        dZ[i] = dA[i]! * (v > -0.5 && v < 0.5 ? 1 : 0);
      }
      return;
    case 'softmax':
      // ∂E/∂z_j = a_j (∂E/∂a_j − Σ_k ∂E/∂a_k a_k)
      for (let i = 0; i < rows; i++) {
        const o = i * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += dA[o + j]! * a[o + j]!;
        for (let j = 0; j < cols; j++) dZ[o + j] = a[o + j]! * (dA[o + j]! - dot);
      }
      return;
  }
}
