/**
 * The library's own error classes. Every failure a user can cause surfaces as one of these,
 * with a message naming the thing (layer, argument, row, column, file) and the values involved.
 */
export class BackpropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad data or a bad argument value: NaN in a row, an unknown name, a learning rate ≤ 0. */
export class InputError extends BackpropError {}

/** Arrays whose shapes do not fit together: `dense_1 kernel: expected [2, 4], got [4, 2]`. */
export class ShapeError extends BackpropError {}

/** A model used before it was built, compiled or trained. */
export class NotFittedError extends BackpropError {}

/** Training produced a non-finite loss or gradient. */
export class DivergenceError extends BackpropError {}

/** A model file that is truncated, corrupt, oversized or otherwise not a valid model. */
export class ModelFormatError extends BackpropError {}

/** A valid request the library does not support (unknown layer class, future format version). */
export class UnsupportedError extends BackpropError {}
