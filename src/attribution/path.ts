import { Matrix } from '../core/matrix.js';
import type { Sequential } from '../model/sequential.js';
import { inputGradient } from './gradient.js';

/**
 * The mean of ∂ŷ_unit/∂x over the midpoints of the straight path from z0 to z1 in `steps` equal
 * parts (integrated gradients' midpoint rule), or the gradient at z1 itself when `atEnd`
 * (gradient × input). One batch through the engine: [steps, inputs] forward and back.
 */
export function meanPathGradient(model: Sequential, z0: ArrayLike<number>, z1: ArrayLike<number>, steps: number, unit: number, atEnd: boolean): Float64Array {
  const d = z1.length;
  const n = atEnd ? 1 : steps;
  const path = Matrix.zeros(n, d, model.dtype);
  for (let s = 0; s < n; s++) {
    const t = atEnd ? 1 : (s + 0.5) / steps;
    for (let j = 0; j < d; j++) path.data[s * d + j] = z0[j]! + t * (z1[j]! - z0[j]!);
  }
  const g = inputGradient(model, path, unit).gradient;
  const mean = new Float64Array(d);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) mean[j]! += g.data[s * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return mean;
}
