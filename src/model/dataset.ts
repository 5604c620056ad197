import { Matrix } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import type { TargetsLike } from '../core/labels.js';
import type { Logs } from './callback.js';
import type { Model } from './types.js';
import { prepareData, type Prepared } from './evaluate.js';

/** One block of a dataset: rows of inputs and their targets (a mini-batch; Keras' dataset element). */
export interface Batch {
  readonly x: readonly (ArrayLike<number>)[] | Matrix;
  readonly y: TargetsLike;
}

/** Batches read once, synchronously or not. */
export type BatchSource = AsyncIterable<Batch> | Iterable<Batch>;

/**
 * Data that yields batches instead of being held in memory (Keras' `fit(dataset)`, tf.data): a
 * re-iterable object (each epoch iterates it again), or a function of the epoch number giving the
 * epoch's batches (so a resumed run can shuffle epoch e exactly as before). A one-shot generator
 * serves one epoch, or several with `stepsPerEpoch`.
 */
export type BatchDataset = BatchSource | ((epoch: number) => BatchSource);

/** True for a BatchDataset, false for in-memory rows (arrays, typed arrays, a Matrix). */
export function isDataset(x: unknown): x is BatchDataset {
  if (typeof x === 'function') return true;
  if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x) || x instanceof Matrix) return false;
  return Symbol.asyncIterator in x || Symbol.iterator in x;
}

type AnyIterator = AsyncIterator<Batch> | Iterator<Batch>;

function iteratorOf(source: BatchSource, what: string): AnyIterator {
  if (typeof source !== 'object' || source === null) throw new InputError(`${what}: the dataset function must return an iterable of { x, y } batches, got ${source === null ? 'null' : typeof source}`);
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  if (Symbol.iterator in source) return source[Symbol.iterator]();
  throw new InputError(`${what}: expected an iterable of { x, y } batches`);
}

/**
 * The batches of a run, one epoch at a time. With `stepsPerEpoch` an epoch ends after that many
 * batches and the next one continues the same iterator (an endless generator works); without it
 * an epoch ends when the iterator does, and the next epoch starts a new one.
 */
export class DatasetFeed {
  private iterator: AnyIterator | undefined;
  /** Batches taken in the current epoch. */
  taken = 0;
  /** The current epoch's data ran out (or its stepsPerEpoch were taken). */
  exhausted = false;

  constructor(private readonly model: Model, private readonly dataset: BatchDataset, private readonly stepsPerEpoch: number | undefined, private readonly what: string) {}

  /** Starts epoch `epoch` (absolute). */
  async beginEpoch(epoch: number): Promise<void> {
    this.taken = 0;
    this.exhausted = false;
    if (typeof this.dataset === 'function') {
      await this.close();
      this.iterator = iteratorOf(this.dataset(epoch), this.what);
    } else if (this.iterator === undefined) this.iterator = iteratorOf(this.dataset, this.what);
  }

  /** The next batch encoded for the model, or undefined when the epoch has no more. */
  async next(): Promise<Prepared | undefined> {
    if (this.exhausted || this.iterator === undefined) return undefined;
    if (this.stepsPerEpoch !== undefined && this.taken >= this.stepsPerEpoch) {
      this.exhausted = true;
      return undefined;
    }
    const r = await this.iterator.next();
    if (r.done === true) {
      this.exhausted = true;
      this.iterator = undefined;
      return undefined;
    }
    this.taken++;
    return encodeBatch(this.model, r.value, `${this.what} batch ${this.taken}`);
  }

  /** Whether the epoch in progress ends after the batch just taken (known only with stepsPerEpoch). */
  get lastOfEpoch(): boolean {
    return this.stepsPerEpoch !== undefined && this.taken >= this.stepsPerEpoch;
  }

  /** Lets go of the iterator (its `return`, so a file reader closes its file). */
  async close(): Promise<void> {
    const it = this.iterator;
    this.iterator = undefined;
    await it?.return?.();
  }
}

/** A batch checked and encoded as fit encodes (x, y); labels need the model's classes set beforehand. */
function encodeBatch(model: Model, batch: unknown, what: string): Prepared {
  if (typeof batch !== 'object' || batch === null || !('x' in batch) || !('y' in batch)) {
    throw new InputError(`${what}: expected an object { x, y }, got ${batch === null ? 'null' : typeof batch}`);
  }
  const { x, y } = batch as Batch;
  const labels = Array.isArray(y) && y.some((v) => typeof v === 'string');
  if (labels && model.classes === undefined) {
    throw new InputError(`${what}: y holds class names but the model has no classes yet; set model.session.classes = [...] before fitting on a dataset (one batch does not show every class), or give class indices`);
  }
  return prepareData(model, x, y, what);
}

/** Loss (with regularisation) and metrics over every batch of a dataset (or its first `steps`), in inference mode. */
export async function evaluateDataset(model: Model, dataset: BatchDataset, steps: number | undefined, epoch = 0, what = 'validationData'): Promise<Logs> {
  const feed = new DatasetFeed(model, dataset, steps, what);
  const engine = model.backprop();
  const metrics = model.session.createMetrics();
  let lossSum = 0;
  let n = 0;
  await feed.beginEpoch(epoch);
  try {
    for (let b = await feed.next(); b !== undefined; b = await feed.next()) {
      const out = engine.forward(b.x, false);
      lossSum += engine.lossValue(b.y) * b.x.rows;
      n += b.x.rows;
      for (const m of metrics) m.update(out, b.y);
    }
  } finally {
    await feed.close();
  }
  if (n === 0) throw new InputError(`${what}: the dataset yielded no rows to evaluate`);
  const logs: Logs = { loss: lossSum / n + engine.penalty() };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}
