import { numberInRange, positiveNumber } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import type { Block } from '../kernels/kernels.js';
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
  protected readonly slotCount = 2;
  /** v, the running mean of g², is never negative. */
  protected override readonly nonNegativeSlots = [1];

  constructor(args: AdamArgs = {}) {
    super('adam', args, ['beta1', 'beta2', 'epsilon'], 0.001);
    this.beta1 = numberInRange('adam', 'beta1', args.beta1 ?? 0.9, 0, 1);
    this.beta2 = numberInRange('adam', 'beta2', args.beta2 ?? 0.999, 0, 1);
    this.epsilon = positiveNumber('adam', 'epsilon', args.epsilon ?? 1e-7);
  }

  protected update(p: Param, lr: number): number {
    const [m, v] = this.slots(p) as [Block, Block];
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - Math.pow(this.beta2, t))) / (1 - Math.pow(this.beta1, t));
    return p.kernels.adam(p.value, p.grad, m.data, v.data, p.size, alpha, this.beta1, this.beta2, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
