import { allocate, type DType, type FloatArray } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import type { Regularizer } from '../regularizers.js';

/**
 * A named parameter tensor with its gradient. A model is a flat list of these: optimisers,
 * regularisers, gradient checks, explain and save all walk `model.params()`.
 * `shape` is the Keras layout ([inputs, units] for a kernel, [units] for a bias).
 */
/**
 * The most elements one parameter tensor may hold (2^28: 1 GiB as float32, the model file's
 * own cap). Past it, a layer fails at build with an InputError naming it, before allocating,
 * instead of a raw RangeError or the kernel's OOM killer (RELIABILITY R2).
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/** A zeroed buffer for parameter `name` of `shape`, checked against MAX_TENSOR_ELEMENTS first. */
export function paramBuffer(name: string, shape: readonly number[], dtype: DType, max = MAX_TENSOR_ELEMENTS): FloatArray {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(size <= max)) {
    throw new InputError(`${name}: shape [${shape.join(', ')}] has ${size.toPrecision(3)} elements, over the cap of ${max} per tensor; use fewer units or features`);
  }
  return allocate(dtype, size);
}

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
