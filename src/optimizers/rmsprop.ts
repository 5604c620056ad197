import { numberInRange, positiveNumber } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import type { Block } from '../kernels/kernels.js';
import type { OptimizerKind, RuleTerm } from './kind.js';
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

const DEFAULTS = { rho: 0.9, momentum: 0, epsilon: 1e-7 };

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
  /** The kernel takes both tensors; the velocity stays 0 without momentum. */
  readonly slotNames = ['s', 'velocity'] as const;
  /** s, the running mean of g², is never negative. */
  protected override readonly nonNegativeSlots = [0];

  constructor(args: RmspropArgs = {}) {
    super('rmsprop', args, Object.keys(DEFAULTS), rmspropKind.defaultLearningRate);
    this.rho = numberInRange('rmsprop', 'rho', args.rho ?? DEFAULTS.rho, 0, 1);
    this.momentum = numberInRange('rmsprop', 'momentum', args.momentum ?? DEFAULTS.momentum, 0, 1);
    this.epsilon = positiveNumber('rmsprop', 'epsilon', args.epsilon ?? DEFAULTS.epsilon);
  }

  protected update(p: Param, lr: number): number {
    const [s, u] = this.slots(p) as [Block, Block];
    return p.kernels.rmsprop(p.value, p.grad, s.data, u.data, p.size, lr, this.rho, this.momentum, this.epsilon);
  }
}

export const rmspropKind: OptimizerKind<Rmsprop> = {
  name: 'rmsprop',
  defaultLearningRate: 0.001,
  defaults: DEFAULTS,
  is: (opt): opt is Rmsprop => opt instanceof Rmsprop,
  fromConfig: (c) => new Rmsprop(c as RmspropArgs),
  describe(opt) {
    const eq = ['s ← ρs + (1 − ρ)g²', 'd = η·g/√(s + ε)'];
    return {
      rule: 'rmsprop',
      equations: opt.momentum > 0 ? [...eq, 'u ← μu + d', 'Δw = −u'] : [...eq, 'Δw = −d'],
      constants: { rho: opt.rho, momentum: opt.momentum, epsilon: opt.epsilon },
    };
  },
  writtenStep(opt, g, slots, lr) {
    const n = g.length;
    const s = slots?.[0] ?? new Float64Array(n);
    const u = slots?.[1] ?? new Float64Array(n);
    const sNew = new Float64Array(n);
    const uNew = new Float64Array(n);
    const step = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = opt.rho * s[i]! + (1 - opt.rho) * g[i]! * g[i]!;
      const d = (lr * g[i]!) / Math.sqrt(sNew[i]! + opt.epsilon);
      uNew[i] = opt.momentum * u[i]! + d;
      step[i] = opt.momentum > 0 ? -uNew[i]! : -d;
    }
    const terms: RuleTerm[] = [{ key: 's', label: 's (before)', values: s }, { key: 'sNew', label: 's ← ρs + (1 − ρ)g²', values: sNew }];
    if (opt.momentum > 0) terms.push({ key: 'velocity', label: 'u (before)', values: u }, { key: 'velocityNew', label: 'u ← μu + d', values: uNew });
    return { terms, step };
  },
};
