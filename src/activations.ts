import type { FloatArray } from './core/matrix.js';
import { InputError } from './core/errors.js';
import { lookupName } from './core/names.js';
import { checkKeys, positiveNumber } from './core/validate.js';
import type { Kernels } from './kernels/kernels.js';
import { typescriptBackend } from './kernels/typescript.js';
export { sigmoid } from './kernels/activation.js';

/** The activation names, one spelling in the API, the model file and the CLI. */
export type ActivationName =
  | 'linear' | 'step' | 'sign' | 'piecewiseLinear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';

/** An activation by name, or leaky ReLU with its slope: `{ name: 'leakyRelu', alpha: 0.1 }`. */
export type ActivationSpec = ActivationName | { readonly name: 'leakyRelu'; readonly alpha: number };

/**
 * An activation g and its derivative, over a rows×cols block of pre-activations z.
 * All element-wise except softmax, which works row by row. The loops are kernels
 * (src/kernels/activation.ts), run by the model's backend.
 */
export interface Activation {
  readonly name: ActivationName;
  /** The spec that recreates it (for configs and files). */
  readonly spec: ActivationSpec;
  /** Leaky ReLU's slope (0 for the others). */
  readonly alpha: number;
  /** a = g(z), on `kernels` (default: the TypeScript ones). */
  forward(z: FloatArray, a: FloatArray, rows: number, cols: number, kernels?: Kernels): void;
  /** dZ = ∂E/∂z from dA = ∂E/∂a: dA ⊙ g'(z), or the Jacobian product for softmax. dZ may alias dA. */
  backward(z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, rows: number, cols: number, kernels?: Kernels): void;
}

const reference = (x: FloatArray): Kernels => typescriptBackend.open(x instanceof Float64Array ? 'float64' : 'float32');

function make(name: ActivationName, alpha = 0, spec: ActivationSpec = name): Activation {
  return {
    name,
    spec,
    alpha,
    forward(z, a, rows, cols, k = reference(a)) {
      k.activationForward(name, alpha, z, a, rows, cols);
    },
    backward(z, a, dA, dZ, rows, cols, k = reference(dZ)) {
      k.activationBackward(name, alpha, z, a, dA, dZ, rows, cols);
    },
  };
}

const linear = make('linear');

function leakyRelu(alpha: number): Activation {
  return make('leakyRelu', alpha, alpha === 0.01 ? 'leakyRelu' : { name: 'leakyRelu', alpha });
}

const registry = new Map<string, Activation>([
  ['linear', linear],
  ['step', make('step')],
  ['sign', make('sign')],
  ['piecewiseLinear', make('piecewiseLinear')],
  ['sigmoid', make('sigmoid')],
  ['tanh', make('tanh')],
  ['relu', make('relu')],
  ['leakyRelu', leakyRelu(0.01)],
  ['softmax', make('softmax')],
]);

/** Every activation name, in registry order. */
export const activationNames: readonly ActivationName[] = [...registry.keys()] as ActivationName[];

/** Resolves an activation spec; an unknown name throws and suggests the nearest known one. */
export function getActivation(spec: ActivationSpec | undefined, where = 'activation'): Activation {
  if (spec === undefined) return linear;
  if (typeof spec === 'object' && spec !== null) {
    checkKeys(where, spec, ['name', 'alpha']);
    if (spec.name !== 'leakyRelu') throw new InputError(`${where}: only leakyRelu takes options, got ${JSON.stringify(spec)}`);
    return leakyRelu(positiveNumber(where, 'alpha', spec.alpha, true));
  }
  try {
    return lookupName('activation', spec, registry);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${where}: ${e.message}`);
    throw e;
  }
}
