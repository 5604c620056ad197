import { allocate, Matrix, type DType, type FloatArray } from '../core/matrix.js';

interface Slot {
  data: FloatArray;
  cols: number;
  views: Map<number, Matrix>;
}

/**
 * Buffers a layer reuses from step to step. A buffer grows when a larger batch arrives and is
 * otherwise reused; views for each batch size are cached, so a steady-state training step
 * (including the smaller last batch of an epoch) allocates nothing.
 */
export class Workspace {
  private readonly slots = new Map<string, Slot>();
  constructor(private readonly dtype: DType) {}

  matrix(key: string, rows: number, cols: number): Matrix {
    let slot = this.slots.get(key);
    if (slot === undefined || slot.cols !== cols || slot.data.length < rows * cols) {
      slot = { data: allocate(this.dtype, Math.max(rows, 1) * cols), cols, views: new Map() };
      this.slots.set(key, slot);
    }
    let view = slot.views.get(rows);
    if (view === undefined) {
      view = new Matrix(rows, cols, slot.data.subarray(0, rows * cols));
      slot.views.set(rows, view);
    }
    return view;
  }
}
