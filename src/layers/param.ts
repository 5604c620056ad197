import type { FloatArray } from '../core/matrix.js';
import type { Regularizer } from '../regularizers.js';

/**
 * A named parameter tensor with its gradient. A model is a flat list of these: optimisers,
 * regularisers, gradient checks, explain and save all walk `model.params()`.
 * `shape` is the Keras layout ([inputs, units] for a kernel, [units] for a bias).
 */
export class Param {
  readonly grad: FloatArray;
  constructor(
    readonly name: string,
    readonly shape: readonly number[],
    readonly value: FloatArray,
    /** Non-trainable tensors (batch-norm moving statistics) are saved but never updated by an optimiser. */
    readonly trainable = true,
    readonly regularizer?: Regularizer,
  ) {
    this.grad = trainable ? (value instanceof Float64Array ? new Float64Array(value.length) : new Float32Array(value.length)) : value.subarray(0, 0);
  }

  /** Number of entries (the product of the shape). */
  get size(): number {
    return this.value.length;
  }
}

/** A tensor in Keras' layout as plain arrays: a kernel as [inputs][units], a vector as [units]. */
export type WeightArray = number[] | number[][];

/** A fresh nested copy of a flat tensor of the given shape (1-D or 2-D). */
export function tensorToNested(data: ArrayLike<number>, shape: readonly number[]): WeightArray {
  if (shape.length === 1) return Array.from({ length: shape[0]! }, (_, i) => data[i]!);
  const [rows, cols] = shape as [number, number];
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const row: number[] = new Array(cols);
    for (let j = 0; j < cols; j++) row[j] = data[i * cols + j]!;
    out[i] = row;
  }
  return out;
}
