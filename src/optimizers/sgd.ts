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
    const w = p.value;
    const g = p.grad;
    const n = w.length;
    // The stored values (rounded to the array's type) feed the finiteness probe.
    if (this.momentum === 0) {
      // Unrolled, with independent probes: this loop runs over every weight on every step.
      let a = 0, b = 0, c = 0, d = 0;
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        w[i]! -= lr * g[i]!;
        w[i + 1]! -= lr * g[i + 1]!;
        w[i + 2]! -= lr * g[i + 2]!;
        w[i + 3]! -= lr * g[i + 3]!;
        a += w[i]! * 0;
        b += w[i + 1]! * 0;
        c += w[i + 2]! * 0;
        d += w[i + 3]! * 0;
      }
      for (; i < n; i++) {
        w[i]! -= lr * g[i]!;
        a += w[i]! * 0;
      }
      return a + b + c + d;
    }
    const mu = this.momentum;
    const v = this.slots(p)[0]!;
    let probe = 0;
    for (let i = 0; i < n; i++) {
      const vi = mu * v[i]! - lr * g[i]!;
      v[i] = vi;
      w[i]! += this.nesterov ? mu * vi - lr * g[i]! : vi;
      probe += w[i]! * 0;
    }
    return probe;
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
