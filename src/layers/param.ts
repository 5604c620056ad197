import type { FloatArray } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import type { Regularizer } from '../regularizers.js';
import { Block, type Kernels } from '../kernels/kernels.js';
import { typescriptBackend } from '../kernels/typescript.js';

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

/** Checks parameter `name` of `shape` against MAX_TENSOR_ELEMENTS before it is allocated; returns its size. */
export function checkTensorSize(name: string, shape: readonly number[], max = MAX_TENSOR_ELEMENTS): number {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(size <= max)) {
    throw new InputError(`${name}: shape [${shape.join(', ')}] has ${size.toPrecision(3)} elements, over the cap of ${max} per tensor; use fewer units or features`);
  }
  return size;
}

/** A named parameter tensor of a layer: its values, its gradient (added into by backward) and its shape. */
export class Param {
  private readonly valueBlock: Block;
  private readonly gradBlock: Block;
  /** The kernels (and memory) this tensor's value and gradient live in. */
  readonly kernels: Kernels;
  constructor(
    readonly name: string,
    readonly shape: readonly number[],
    /** Storage from the model's kernels (`kernels.alloc`), or an array of the caller's (TypeScript kernels). */
    value: Block | FloatArray,
    /** Non-trainable tensors (batch-norm moving statistics) are saved but never updated by an optimiser. */
    readonly trainable = true,
    readonly regularizer?: Regularizer,
  ) {
    if (value instanceof Block) {
      this.valueBlock = value;
      this.kernels = value.owner ?? typescriptBackend.open(value.data instanceof Float64Array ? 'float64' : 'float32');
    } else {
      this.kernels = typescriptBackend.open(value instanceof Float64Array ? 'float64' : 'float32');
      this.valueBlock = new Block(value, this.kernels);
    }
    const size = this.valueBlock.data.length;
    this.gradBlock = trainable ? this.kernels.alloc(size) : new Block(this.valueBlock.data.subarray(0, 0), this.kernels);
  }

  /** The values (a live view on the kernels' memory; read it again after the model is rebuilt). */
  get value(): FloatArray {
    return this.valueBlock.data;
  }

  /** ∂E/∂value, same layout (empty for non-trainable tensors). */
  get grad(): FloatArray {
    return this.gradBlock.data;
  }

  /** Number of entries (the product of the shape). */
  get size(): number {
    return this.valueBlock.data.length;
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
