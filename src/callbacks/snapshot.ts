import type { FloatArray } from '../core/matrix.js';
import type { Sequential } from '../model/sequential.js';

/**
 * An exact copy of every parameter tensor of a model (trainable and not, as Keras'
 * get_weights), in `model.params()` order. `take` reuses its buffers.
 */
export class WeightSnapshot {
  private buffers: FloatArray[] | undefined;
  private isTaken = false;

  get taken(): boolean {
    return this.isTaken;
  }

  take(model: Sequential): void {
    const params = model.params();
    const fits = this.buffers !== undefined && this.buffers.length === params.length && params.every((p, i) => this.buffers![i]!.length === p.size);
    if (!fits) this.buffers = params.map((p) => p.value.slice());
    else params.forEach((p, i) => this.buffers![i]!.set(p.value));
    this.isTaken = true;
  }

  /** Forgets the copy (buffers are kept for reuse). */
  clear(): void {
    this.isTaken = false;
  }

  /** Writes the copy back into the model's tensors. */
  restore(model: Sequential): void {
    if (!this.isTaken || this.buffers === undefined) return;
    const buffers = this.buffers;
    model.params().forEach((p, i) => p.value.set(buffers[i]!));
  }
}
