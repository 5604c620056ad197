import { Matrix } from '../core/matrix.js';
import type { Rng } from '../core/rng.js';

/**
 * tf.data's shuffle buffer over rows arriving in blocks: the first `capacity` rows fill it; then
 * each new row takes the place of a randomly drawn one, which goes out into the next batch; at the
 * end the rest leave in random order. Rows of x and y are copied into preallocated buffers and the
 * batches are views of one reused pair of matrices, so a pass allocates nothing per row. The
 * randomness is only the given generator's: the same seed and rows give the same batches.
 */
export class ShuffleBuffer {
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private size = 0;
  private readonly bx: Float32Array;
  private readonly by: Float32Array;
  private filled = 0;
  /** Most rows held at once (the buffer's rows); a test reads it to check memory stays bounded. */
  peakRows = 0;

  constructor(readonly capacity: number, readonly xCols: number, readonly yCols: number, readonly batchSize: number, private readonly rng: Rng) {
    this.x = new Float32Array(capacity * xCols);
    this.y = new Float32Array(capacity * yCols);
    this.bx = new Float32Array(batchSize * xCols);
    this.by = new Float32Array(batchSize * yCols);
  }

  /** Puts in the rows of a block; gives the batches that became full (each valid until the next call). */
  *put(x: Matrix, y: Matrix): Generator<{ x: Matrix; y: Matrix }, void, undefined> {
    for (let i = 0; i < x.rows; i++) {
      if (this.size < this.capacity) {
        copyRow(x.data, i, this.x, this.size, this.xCols);
        copyRow(y.data, i, this.y, this.size, this.yCols);
        this.size++;
        this.peakRows = Math.max(this.peakRows, this.size);
        continue;
      }
      const j = this.rng.int(this.capacity);
      this.take(j);
      copyRow(x.data, i, this.x, j, this.xCols);
      copyRow(y.data, i, this.y, j, this.yCols);
      if (this.filled === this.batchSize) yield this.batch();
    }
  }

  /** The rows left, in random order, then a last short batch. */
  *drain(): Generator<{ x: Matrix; y: Matrix }, void, undefined> {
    while (this.size > 0) {
      const j = this.rng.int(this.size);
      this.take(j);
      // The last row fills the hole.
      this.size--;
      this.x.copyWithin(j * this.xCols, this.size * this.xCols, (this.size + 1) * this.xCols);
      this.y.copyWithin(j * this.yCols, this.size * this.yCols, (this.size + 1) * this.yCols);
      if (this.filled === this.batchSize) yield this.batch();
    }
    if (this.filled > 0) yield this.batch();
  }

  private take(j: number): void {
    copyRow(this.x, j, this.bx, this.filled, this.xCols);
    copyRow(this.y, j, this.by, this.filled, this.yCols);
    this.filled++;
  }

  private batch(): { x: Matrix; y: Matrix } {
    const n = this.filled;
    this.filled = 0;
    return { x: new Matrix(n, this.xCols, this.bx.subarray(0, n * this.xCols)), y: new Matrix(n, this.yCols, this.by.subarray(0, n * this.yCols)) };
  }
}

/** Row `from` of `src` into row `to` of `dst` (a plain loop: no subarray views, no garbage per row). */
function copyRow(src: ArrayLike<number>, from: number, dst: Float32Array, to: number, cols: number): void {
  const a = from * cols;
  const b = to * cols;
  for (let k = 0; k < cols; k++) dst[b + k] = src[a + k]!;
}
