import { booleanOption, numberInRange } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import { Optimizer, type OptimizerBaseArgs } from './optimizer.js';

export interface SgdArgs extends OptimizerBaseArgs {
  /** Default 0.01. */
  learningRate?: OptimizerBaseArgs['learningRate'];
  /** Velocity decay μ in [0, 1); default 0 (plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum; default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, Keras' rule:
 *   without momentum  w ← w − η·g
 *   with momentum     v ← μ·v − η·g;  w ← w + v          (nesterov: w ← w + μ·v − η·g)
 */
export class Sgd extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotCount: number;

  constructor(args: SgdArgs = {}) {
    super('sgd', args, ['momentum', 'nesterov'], 0.01);
    this.momentum = numberInRange('sgd', 'momentum', args.momentum ?? 0, 0, 1);
    this.nesterov = booleanOption('sgd', 'nesterov', args.nesterov ?? false);
    this.slotCount = this.momentum > 0 ? 1 : 0;
  }

  protected update(p: Param, lr: number): number {
    if (this.momentum === 0) return p.kernels.sgd(p.value, p.grad, p.size, lr);
    const v = this.slots(p)[0]!.data;
    return p.kernels.sgdMomentum(p.value, p.grad, v, p.size, lr, this.momentum, this.nesterov);
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
