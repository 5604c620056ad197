import type { OptimizerState } from '../optimizers/optimizer.js';
import type { RngState } from '../core/rng.js';
import type { Backprop } from './step.js';
import type { Sequential } from './sequential.js';
import { WeightGuard } from './divergence.js';

/**
 * The training state at the start of an epoch (weights, optimiser state, shuffle and dropout
 * generators, row order), so that an epoch cut short by a stop request can be undone and the
 * model left exactly after its last complete epoch (RELIABILITY R7): resuming from there is
 * bit-for-bit the uninterrupted run. Taken once per epoch, only when fit is asked to
 * (`discardPartialEpoch`); the per-step path is untouched.
 */
export class EpochSnapshot {
  private readonly weights: WeightGuard;
  private readonly order: Int32Array;
  private optimizer: OptimizerState | undefined;
  private shuffle: RngState | undefined;
  private dropout: (RngState | undefined)[] = [];

  constructor(private readonly model: Sequential, private readonly engine: Backprop, private readonly liveOrder: Int32Array) {
    this.weights = new WeightGuard(engine.params);
    this.order = liveOrder.slice();
  }

  save(): void {
    this.weights.save();
    this.order.set(this.liveOrder);
    this.optimizer = this.model.optimizer!.getState(this.engine.params);
    this.shuffle = this.model.shuffleRng.getState();
    this.dropout = this.model.layers.map((l) => l.getRngState());
  }

  restore(): void {
    this.weights.restore();
    this.liveOrder.set(this.order);
    this.model.optimizer!.setState(this.engine.params, this.optimizer!);
    this.model.shuffleRng.setState(this.shuffle!);
    this.model.layers.forEach((l, i) => {
      const s = this.dropout[i];
      if (s !== undefined) l.setRngState(s);
    });
  }
}
