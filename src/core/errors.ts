/**
 * The library's own error classes. Every failure a user can cause surfaces as one of these,
 * with a message naming the thing (layer, argument, row, column, file) and the values involved.
 */
/** The longest message an error carries; the middle of a longer one is cut (RELIABILITY R1). */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * Messages quote input through `quote`/`listValues` (src/core/validate.ts); this is the net under
 * them, so no input (a 5 MB column name, a path) can make an unbounded message.
 */
function boundMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const head = message.slice(0, MAX_MESSAGE_CHARS * 0.6);
  const tail = message.slice(message.length - MAX_MESSAGE_CHARS * 0.3);
  return `${head} … (${message.length - head.length - tail.length} characters omitted) … ${tail}`;
}

/** The base of every error the library throws; its message says what and where (cut in the middle past 2,000 characters). */
export class BackpropError extends Error {
  constructor(message: string) {
    super(boundMessage(message));
    this.name = new.target.name;
  }
}

/** Bad data or a bad argument value: NaN in a row, an unknown name, a learning rate ≤ 0. */
export class InputError extends BackpropError {}

/**
 * A TrainingSpec field with a bad value. `field` is the field's path in the spec
 * ('fit.batchSize', 'architecture.hidden') and `problem` says what is wrong without it, so a
 * caller (the CLI) can name its own option for the field without parsing the message.
 */
export class SpecError extends InputError {
  constructor(readonly field: string, readonly problem: string, message = `spec.${field}: ${problem}`) {
    super(message);
  }
}

/** Arrays whose shapes do not fit together: `dense_1 kernel: expected [2, 4], got [4, 2]`. */
export class ShapeError extends BackpropError {}

/** A model used before it was built, compiled or trained. */
export class NotFittedError extends BackpropError {}

/** Where and how a run diverged, as data (the model's DivergenceEvent without its message). */
export interface DivergenceData {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  /** What was non-finite first: the loss, a gradient, a weight or the optimiser state after the update; or an exploding loss. */
  readonly kind: 'loss' | 'gradient' | 'weight' | 'optimizer state' | 'exploding';
  readonly layer: string | undefined;
  readonly param: string | undefined;
}

/** Training produced a non-finite loss or gradient; `event` says where (absent when not known). */
export class DivergenceError extends BackpropError {
  constructor(message: string, readonly event?: DivergenceData) {
    super(message);
  }
}

/** A model file that is truncated, corrupt, oversized or otherwise not a valid model. */
export class ModelFormatError extends BackpropError {}

/** A valid request the library does not support (unknown layer class, future format version). */
export class UnsupportedError extends BackpropError {}

/**
 * A file this library would write but its own reader would refuse: `cap` names the reader's
 * limit (`maxHeaderBytes`, `maxNodes`, ...), `limit` its value and `actual` what the file would
 * hold. Thrown before anything is written, so no unreadable file is ever saved.
 */
export class CapError extends InputError {
  constructor(message: string, readonly cap: string, readonly limit: number, readonly actual: number) {
    super(message);
  }
}

/** A record given to predict (an object by column name) with a bad cell: `record` is its index in the array, `key` its column. */
export class RecordError extends InputError {
  constructor(message: string, readonly record: number, readonly key: string | undefined) {
    super(message);
  }
}

/**
 * A table whose columns do not match the model's schema: `column` names the column and `problem`
 * what differs (a missing column, another order, another category set).
 */
export class SchemaMismatchError extends InputError {
  constructor(message: string, readonly column: string, readonly problem: string) {
    super(message);
  }
}

/**
 * Weights that are NaN or ±Infinity, or that the target dtype cannot hold (float64 1e39 as
 * float32): in an imported file, or in an export about to be written. `layer` and `param` name
 * the tensor; `column` the input column whose scaling, folded into the weights, made them so.
 */
export class NonFiniteWeightError extends ModelFormatError {
  constructor(message: string, readonly layer: string, readonly param: string, readonly column?: string) {
    super(message);
  }
}

/** A file a model names (a TF.js weights path) that resolves outside the model's folder: `path` as named, `resolved` where it leads. */
export class UnsafePathError extends ModelFormatError {
  constructor(message: string, readonly path: string, readonly resolved: string) {
    super(message);
  }
}

/**
 * A column named in the options (the target, a column to order by, ...) that the header does not
 * hold: `column` as named, `role` what it was named as ('target column', 'column to order by').
 */
export class ColumnNotFoundError extends InputError {
  constructor(message: string, readonly column: string, readonly role: string) {
    super(message);
  }
}

/** An options object with a key the function does not know (a misspelling is never ignored): `key` and the `known` ones. */
export class UnknownOptionError extends InputError {
  constructor(message: string, readonly key: string, readonly known: readonly string[]) {
    super(message);
  }
}

/**
 * An error as plain data, to cross a thread (a worker's fold or trial): its class name, message
 * and the data its class carries, so the caller rebuilds the same class (errorFromData) instead of
 * a message to read.
 */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  /** A SpecError's field and problem. */
  readonly field?: string;
  readonly problem?: string;
  /** A DivergenceError's event. */
  readonly event?: DivergenceData;
}

/** The data of an error (any thrown value) for errorFromData. */
export function errorToData(e: unknown): ErrorData {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  if (e instanceof SpecError) return { name: 'SpecError', message: e.message, field: e.field, problem: e.problem };
  if (e instanceof DivergenceError) {
    const v = e.event;
    return { name: 'DivergenceError', message: e.message, ...(v ? { event: { epoch: v.epoch, batch: v.batch, loss: v.loss, kind: v.kind, layer: v.layer, param: v.param } } : {}) };
  }
  return { name: e.name, message: e.message };
}

/** The library error `data` describes, its message led by `context` ('crossValidate: fold 2 failed on worker 1: '). */
export function errorFromData(data: ErrorData, context = ''): Error {
  const message = `${context}${data.message}`;
  switch (data.name) {
    case 'SpecError': return new SpecError(data.field ?? '', data.problem ?? data.message, message);
    case 'DivergenceError': return new DivergenceError(message, data.event);
    case 'InputError': return new InputError(message);
    case 'ShapeError': return new ShapeError(message);
    case 'NotFittedError': return new NotFittedError(message);
    case 'ModelFormatError': return new ModelFormatError(message);
    case 'UnsupportedError': return new UnsupportedError(message);
    // A class the library does not know (the CLI's UsageError): a BackpropError under its name.
    default: return Object.assign(new BackpropError(message), { name: data.name });
  }
}
