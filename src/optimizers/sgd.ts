import { booleanOption, numberInRange } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import type { OptimizerKind, RuleDescription, RuleTerm } from './kind.js';
import { Optimizer, type OptimizerBaseArgs } from './optimizer.js';

export interface SgdArgs extends OptimizerBaseArgs {
  /** Default 0.01. */
  learningRate?: OptimizerBaseArgs['learningRate'];
  /** Velocity decay μ in [0, 1); default 0 (plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum; default false. */
  nesterov?: boolean;
}

const DEFAULTS = { momentum: 0, nesterov: false };

/**
 * Stochastic gradient descent, Keras' rule:
 *   without momentum  w ← w − η·g
 *   with momentum     v ← μ·v − η·g;  w ← w + v          (nesterov: w ← w + μ·v − η·g)
 */
export class Sgd extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly slotNames: readonly string[];

  constructor(args: SgdArgs = {}) {
    super('sgd', args, Object.keys(DEFAULTS), sgdKind.defaultLearningRate);
    this.momentum = numberInRange('sgd', 'momentum', args.momentum ?? DEFAULTS.momentum, 0, 1);
    this.nesterov = booleanOption('sgd', 'nesterov', args.nesterov ?? DEFAULTS.nesterov);
    this.slotNames = this.momentum > 0 ? ['velocity'] : [];
  }

  protected update(p: Param, lr: number): number {
    if (this.momentum === 0) return p.kernels.sgd(p.value, p.grad, p.size, lr);
    const v = this.slots(p)[0]!.data;
    return p.kernels.sgdMomentum(p.value, p.grad, v, p.size, lr, this.momentum, this.nesterov);
  }
}

export const sgdKind: OptimizerKind<Sgd> = {
  name: 'sgd',
  defaultLearningRate: 0.01,
  defaults: DEFAULTS,
  is: (opt): opt is Sgd => opt instanceof Sgd,
  fromConfig: (c) => new Sgd(c as SgdArgs),
  describe(opt): RuleDescription {
    if (opt.momentum === 0) return { rule: 'sgd', equations: ['Δw = −η·g'], constants: {} };
    return opt.nesterov
      ? { rule: 'nesterov', equations: ['u ← μu − η·g', 'Δw = μu − η·g'], constants: { momentum: opt.momentum } }
      : { rule: 'momentum', equations: ['u ← μu − η·g', 'Δw = u'], constants: { momentum: opt.momentum } };
  },
  writtenStep(opt, g, slots, lr) {
    const n = g.length;
    const mu = opt.momentum;
    const step = new Float64Array(n);
    const terms: RuleTerm[] = [];
    if (mu === 0) {
      for (let i = 0; i < n; i++) step[i] = -lr * g[i]!;
      return { terms, step };
    }
    const u = slots?.[0] ?? new Float64Array(n);
    const uNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      uNew[i] = mu * u[i]! - lr * g[i]!;
      step[i] = opt.nesterov ? mu * uNew[i]! - lr * g[i]! : uNew[i]!;
    }
    terms.push({ key: 'velocity', label: 'u (before)', values: u }, { key: 'velocityNew', label: 'u ← μu − η·g', values: uNew });
    return { terms, step };
  },
};
