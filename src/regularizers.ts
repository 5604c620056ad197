import type { FloatArray } from './core/matrix.js';
import type { Kernels } from './kernels/kernels.js';
import { typescriptBackend } from './kernels/typescript.js';
import { lookupName } from './core/names.js';
import { checkKeys, positiveNumber } from './core/validate.js';

/**
 * A penalty on a kernel, added to the loss and to its gradient:
 * l1: λ₁ Σ|w| (gradient λ₁ sign w); l2: λ₂ Σw² (gradient 2λ₂ w), Keras' conventions.
 */
export interface Regularizer {
  readonly name: 'l1' | 'l2' | 'l1l2';
  readonly config: { readonly l1: number; readonly l2: number };
  /** The penalty over the first n entries of w. */
  penalty(w: FloatArray, n: number, kernels?: Kernels): number;
  /** grad += ∂penalty/∂w; returns the penalty, so a training step reads the weights once. */
  addGradient(w: FloatArray, grad: FloatArray, n: number, kernels?: Kernels): number;
}

const reference = (w: FloatArray): Kernels => typescriptBackend.open(w instanceof Float64Array ? 'float64' : 'float32');

function make(name: Regularizer['name'], l1: number, l2: number): Regularizer {
  return {
    name,
    config: { l1, l2 },
    penalty(w, n, k = reference(w)) {
      return k.penalty(w, n, l1, l2);
    },
    addGradient(w, grad, n, k = reference(w)) {
      return k.addPenaltyGradient(w, grad, n, l1, l2);
    },
  };
}

/** L1 penalty λ Σ|w| (Keras default λ = 0.01). */
export function l1(args: { l1?: number } = {}): Regularizer {
  checkKeys('l1 regularizer', args, ['l1']);
  return make('l1', positiveNumber('l1 regularizer', 'l1', args.l1 ?? 0.01, true), 0);
}
/** L2 penalty λ Σw² (Keras default λ = 0.01). */
export function l2(args: { l2?: number } = {}): Regularizer {
  checkKeys('l2 regularizer', args, ['l2']);
  return make('l2', 0, positiveNumber('l2 regularizer', 'l2', args.l2 ?? 0.01, true));
}
/** Both penalties. */
export function l1l2(args: { l1?: number; l2?: number } = {}): Regularizer {
  checkKeys('l1l2 regularizer', args, ['l1', 'l2']);
  return make('l1l2', positiveNumber('l1l2 regularizer', 'l1', args.l1 ?? 0.01, true), positiveNumber('l1l2 regularizer', 'l2', args.l2 ?? 0.01, true));
}

/** A penalty by name (with Keras' default 0.01) or a Regularizer from l1, l2 or l1l2. */
export type RegularizerSpec = 'l1' | 'l2' | 'l1l2' | Regularizer;

const byName = new Map<string, () => Regularizer>([['l1', () => l1()], ['l2', () => l2()], ['l1l2', () => l1l2()]]);

/** The Regularizer for a name or object; an unknown name is an InputError listing the known ones. */
export function getRegularizer(spec: RegularizerSpec): Regularizer {
  return typeof spec === 'object' ? spec : lookupName('regularizer', spec, byName)();
}

/** Rebuilds a Regularizer from its saved config. */
export function regularizerFromConfig(config: { name: string; l1: number; l2: number }): Regularizer {
  return make(lookupName('regularizer', config.name, new Map([['l1', 'l1'], ['l2', 'l2'], ['l1l2', 'l1l2']] as const)), config.l1, config.l2);
}
