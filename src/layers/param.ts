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

  get size(): number {
    return this.value.length;
  }
}
