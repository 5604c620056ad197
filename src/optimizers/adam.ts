import { numberInRange, positiveNumber } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import type { Block } from '../kernels/kernels.js';
import type { OptimizerKind } from './kind.js';
import { Optimizer, type OptimizerBaseArgs } from './optimizer.js';

export interface AdamArgs extends OptimizerBaseArgs {
  /** Default 0.001. */
  learningRate?: OptimizerBaseArgs['learningRate'];
  /** Decay of the first moment; default 0.9. */
  beta1?: number;
  /** Decay of the second moment; default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras). */
  epsilon?: number;
}

const DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/**
 * Adam, Keras' rule (bias correction folded into the step size, *divided*, not multiplied):
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  t ← t + 1
 *   α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ);  w ← w − α·m/(√v + ε)
 * The first step moves each weight by ≈ η·sign(g).
 */
export class Adam extends Optimizer {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly slotNames = ['m', 'v'] as const;
  /** v, the running mean of g², is never negative. */
  protected override readonly nonNegativeSlots = [1];

  constructor(args: AdamArgs = {}) {
    super('adam', args, Object.keys(DEFAULTS), adamKind.defaultLearningRate);
    this.beta1 = numberInRange('adam', 'beta1', args.beta1 ?? DEFAULTS.beta1, 0, 1);
    this.beta2 = numberInRange('adam', 'beta2', args.beta2 ?? DEFAULTS.beta2, 0, 1);
    this.epsilon = positiveNumber('adam', 'epsilon', args.epsilon ?? DEFAULTS.epsilon);
  }

  /** The bias-corrected step size of step t (1 for the first): α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ). */
  stepSize(lr: number, t: number): number {
    return (lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
  }

  protected update(p: Param, lr: number): number {
    const [m, v] = this.slots(p) as [Block, Block];
    const alpha = this.stepSize(lr, this.iterations + 1);
    return p.kernels.adam(p.value, p.grad, m.data, v.data, p.size, alpha, this.beta1, this.beta2, this.epsilon);
  }
}

export const adamKind: OptimizerKind<Adam> = {
  name: 'adam',
  defaultLearningRate: 0.001,
  defaults: DEFAULTS,
  is: (opt): opt is Adam => opt instanceof Adam,
  fromConfig: (c) => new Adam(c as AdamArgs),
  describe: (opt, lr, t) => ({
    rule: 'adam',
    equations: ['m ← β₁m + (1 − β₁)g', 'v ← β₂v + (1 − β₂)g²', 'α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)', 'Δw = −α·m/(√v + ε)'],
    constants: { beta1: opt.beta1, beta2: opt.beta2, epsilon: opt.epsilon, alpha: opt.stepSize(lr, t) },
  }),
  writtenStep(opt, g, slots, lr, t) {
    const n = g.length;
    const m = slots?.[0] ?? new Float64Array(n);
    const v = slots?.[1] ?? new Float64Array(n);
    const mNew = new Float64Array(n);
    const vNew = new Float64Array(n);
    const step = new Float64Array(n);
    const alpha = opt.stepSize(lr, t);
    for (let i = 0; i < n; i++) {
      mNew[i] = opt.beta1 * m[i]! + (1 - opt.beta1) * g[i]!;
      vNew[i] = opt.beta2 * v[i]! + (1 - opt.beta2) * g[i]! * g[i]!;
      step[i] = (-alpha * mNew[i]!) / (Math.sqrt(vNew[i]!) + opt.epsilon);
    }
    const terms = [
      { key: 'm', label: 'm (before)', values: m }, { key: 'mNew', label: 'm ← β₁m + (1 − β₁)g', values: mNew },
      { key: 'v', label: 'v (before)', values: v }, { key: 'vNew', label: 'v ← β₂v + (1 − β₂)g²', values: vNew },
    ];
    return { terms, step };
  },
};
