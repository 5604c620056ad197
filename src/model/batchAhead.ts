import type { Matrix } from '../core/matrix.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Prepared } from './evaluate.js';
import type { Backprop } from './step.js';

/** Copies rows order[start..start+count) of the training rows into a batch's buffers. */
export function gatherBatch(k: Kernels, train: Prepared, order: Int32Array, start: number, count: number, xb: Matrix, yb: Matrix): void {
  k.gatherRows(train.x.data, train.x.cols, order, start, count, xb.data);
  k.gatherRows(train.y.data, train.y.cols, order, start, count, yb.data);
}

/**
 * A run's next batch, gathered ahead with kernel threads: the calling thread gathers it into the
 * other pair of batch buffers during a step's first cut call (Kernels.defer), while the other
 * threads start on that call's chunks. One per run, reused, so a step allocates nothing.
 */
export class BatchAhead {
  /** The step the planned batch is for (−1: none), its rows of the order and its pair of buffers. */
  private step = -1;
  private start = 0;
  private count = 0;
  private pair: 0 | 1 = 1;
  private xb: Matrix | undefined;
  private yb: Matrix | undefined;

  constructor(private readonly engine: Backprop, private readonly train: Prepared, private readonly order: Int32Array) {}

  /** The pair of buffers holding rows [start, start + count) for step `step`, if planned; forgets the plan either way. */
  take(step: number, start: number, count: number): 0 | 1 | undefined {
    const hit = this.step === step && this.start === start && this.count === count;
    this.forget();
    return hit ? this.pair : undefined;
  }

  /**
   * Plans rows [start, start + count) for step `step` in buffers `pair` and returns the task that
   * gathers them, to defer. Their views are taken now: a step must not allocate (or move the
   * memory) after the views of its own batch, and a shared memory's views from before a growth
   * still alias it.
   */
  plan(step: number, start: number, count: number, pair: 0 | 1): () => void {
    [this.xb, this.yb] = this.engine.batchBuffers(count, pair);
    this.step = step;
    this.start = start;
    this.count = count;
    this.pair = pair;
    return this.gather;
  }

  /** Drops the plan (a new epoch's shuffle, a new batch size: its buffers may be made again). */
  forget(): void {
    this.step = -1;
  }

  private readonly gather = (): void => {
    gatherBatch(this.engine.kernels, this.train, this.order, this.start, this.count, this.xb!, this.yb!);
  };
}
