import { numberInRange, positiveNumber } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import type { Block } from '../kernels/kernels.js';
import { Optimizer, type OptimizerBaseArgs } from './optimizer.js';

export interface RmspropArgs extends OptimizerBaseArgs {
  /** Default 0.001. */
  learningRate?: OptimizerBaseArgs['learningRate'];
  /** Decay of the squared-gradient average; default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/**
 * RMSprop, Keras' rule:
 *   s ← ρs + (1 − ρ)g²;  Δ = η·g/√(s + ε)
 *   without momentum w ← w − Δ;  with momentum  u ← μu + Δ;  w ← w − u
 */
export class Rmsprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  protected readonly slotCount = 2;
  /** s, the running mean of g², is never negative. */
  protected override readonly nonNegativeSlots = [0];

  constructor(args: RmspropArgs = {}) {
    super('rmsprop', args, ['rho', 'momentum', 'epsilon'], 0.001);
    this.rho = numberInRange('rmsprop', 'rho', args.rho ?? 0.9, 0, 1);
    this.momentum = numberInRange('rmsprop', 'momentum', args.momentum ?? 0, 0, 1);
    this.epsilon = positiveNumber('rmsprop', 'epsilon', args.epsilon ?? 1e-7);
  }

  protected update(p: Param, lr: number): number {
    const [s, u] = this.slots(p) as [Block, Block];
    return p.kernels.rmsprop(p.value, p.grad, s.data, u.data, p.size, lr, this.rho, this.momentum, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }
}
