import { positiveNumber } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import { Optimizer, type OptimizerBaseArgs } from './optimizer.js';

export interface AdagradArgs extends OptimizerBaseArgs {
  /** Default 0.001. */
  learningRate?: OptimizerBaseArgs['learningRate'];
  /** Starting value of the accumulator; default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad, Keras' rule:  s ← s + g²;  w ← w − η·g/√(s + ε),  s starting at initialAccumulatorValue.
 */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  protected readonly slotCount = 1;
  /** The accumulated g² is never negative. */
  protected override readonly nonNegativeSlots = [0];

  constructor(args: AdagradArgs = {}) {
    super('adagrad', args, ['initialAccumulatorValue', 'epsilon'], 0.001);
    this.initialAccumulatorValue = positiveNumber('adagrad', 'initialAccumulatorValue', args.initialAccumulatorValue ?? 0.1, true);
    this.epsilon = positiveNumber('adagrad', 'epsilon', args.epsilon ?? 1e-7);
  }

  protected override initialSlotValue(): number {
    return this.initialAccumulatorValue;
  }

  protected update(p: Param, lr: number): number {
    const s = this.slots(p)[0]!.data;
    return p.kernels.adagrad(p.value, p.grad, s, p.size, lr, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
