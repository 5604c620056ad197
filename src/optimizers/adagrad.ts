import { positiveNumber } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import type { OptimizerKind } from './kind.js';
import { Optimizer, type OptimizerBaseArgs } from './optimizer.js';

export interface AdagradArgs extends OptimizerBaseArgs {
  /** Default 0.001. */
  learningRate?: OptimizerBaseArgs['learningRate'];
  /** Starting value of the accumulator; default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

const DEFAULTS = { initialAccumulatorValue: 0.1, epsilon: 1e-7 };

/**
 * Adagrad, Keras' rule:  s ← s + g²;  w ← w − η·g/√(s + ε),  s starting at initialAccumulatorValue.
 */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  readonly slotNames = ['s'] as const;
  /** The accumulated g² is never negative. */
  protected override readonly nonNegativeSlots = [0];

  constructor(args: AdagradArgs = {}) {
    super('adagrad', args, Object.keys(DEFAULTS), adagradKind.defaultLearningRate);
    this.initialAccumulatorValue = positiveNumber('adagrad', 'initialAccumulatorValue', args.initialAccumulatorValue ?? DEFAULTS.initialAccumulatorValue, true);
    this.epsilon = positiveNumber('adagrad', 'epsilon', args.epsilon ?? DEFAULTS.epsilon);
  }

  protected override initialSlotValue(): number {
    return this.initialAccumulatorValue;
  }

  protected update(p: Param, lr: number): number {
    const s = this.slots(p)[0]!.data;
    return p.kernels.adagrad(p.value, p.grad, s, p.size, lr, this.epsilon);
  }
}

export const adagradKind: OptimizerKind<Adagrad> = {
  name: 'adagrad',
  defaultLearningRate: 0.001,
  defaults: DEFAULTS,
  is: (opt): opt is Adagrad => opt instanceof Adagrad,
  fromConfig: (c) => new Adagrad(c as AdagradArgs),
  describe: (opt) => ({ rule: 'adagrad', equations: ['s ← s + g²', 'Δw = −η·g/√(s + ε)'], constants: { epsilon: opt.epsilon, initialAccumulatorValue: opt.initialAccumulatorValue } }),
  writtenStep(opt, g, slots, lr) {
    const n = g.length;
    const s = slots?.[0] ?? new Float64Array(n).fill(opt.initialAccumulatorValue);
    const sNew = new Float64Array(n);
    const step = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = s[i]! + g[i]! * g[i]!;
      step[i] = (-lr * g[i]!) / Math.sqrt(sNew[i]! + opt.epsilon);
    }
    return { terms: [{ key: 's', label: 's (before)', values: s }, { key: 'sNew', label: 's ← s + g²', values: sNew }], step };
  },
};
