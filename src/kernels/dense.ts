import type { FloatArray } from '../core/matrix.js';
import type { ActivationKernel } from './kernels.js';
import { gemmNN } from './gemm.js';
import { addRowVector } from './elementwise.js';
import { activationForward } from './activation.js';

/**
 * A dense layer's forward: z = x·W (+ bias), then a = g(z) (a may be z when g is 'linear').
 * The reference is the three loops in turn; a backend may fuse them (the WebAssembly one applies
 * the bias and g to each block of z right after computing it), with the same bits.
 */
export function denseForward(x: FloatArray, w: FloatArray, bias: FloatArray | undefined, z: FloatArray, a: FloatArray,
  m: number, k: number, n: number, kind: ActivationKernel, alpha: number): void {
  gemmNN(x, w, z, m, k, n, false);
  if (bias !== undefined) addRowVector(z, bias, m, n);
  if (kind !== 'linear' || a !== z) activationForward(kind, alpha, z, a, m, n);
}
