import { Matrix } from '../core/matrix.js';
import type { Block, Kernels } from '../kernels/kernels.js';

interface Slot {
  readonly cols: number;
  block: Block | undefined;
  readonly views: Map<number, Matrix>;
}

/**
 * The buffers a layer reuses from step to step, declared at build (name → columns) and
 * allocated by the model's kernels (in WebAssembly memory for the WASM backend). When a larger
 * batch arrives all of them are allocated at once for it, so views handed out afterwards stay
 * current through the pass (the model reserves memory before its pass, so a training step never
 * allocates). Views per batch size are cached; a steady-state step allocates nothing.
 */
export class Workspace {
  private readonly slots = new Map<string, Slot>();
  private capacity = 0;
  private generation = -1;

  constructor(readonly kernels: Kernels, columns: Readonly<Record<string, number>>) {
    for (const [key, cols] of Object.entries(columns)) this.slots.set(key, { cols, block: undefined, views: new Map() });
  }

  /** Bytes the buffers take for a batch of `rows`. */
  bytesFor(rows: number): number {
    let n = 0;
    for (const s of this.slots.values()) n += Math.max(rows, 1) * s.cols;
    return n * (this.kernels.dtype === 'float64' ? 8 : 4);
  }

  /** A [rows, cols] view of buffer `key` (declared at construction). */
  matrix(key: string, rows: number): Matrix {
    if (rows > this.capacity) this.grow(rows);
    // The memory moved since these views were made: make them again on the new place.
    if (this.generation !== this.kernels.generation) {
      for (const s of this.slots.values()) s.views.clear();
      this.generation = this.kernels.generation;
    }
    const slot = this.slots.get(key)!;
    let view = slot.views.get(rows);
    if (view === undefined) {
      view = new Matrix(rows, slot.cols, slot.block!.data.subarray(0, rows * slot.cols));
      slot.views.set(rows, view);
    }
    return view;
  }

  private grow(rows: number): void {
    const capacity = Math.max(rows, 1);
    this.kernels.reserve(this.bytesFor(capacity) + 64 * this.slots.size);
    for (const s of this.slots.values()) s.block = this.kernels.alloc(capacity * s.cols);
    this.capacity = capacity;
    this.generation = -1;
  }
}
