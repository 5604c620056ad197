import type { FloatArray } from './core/matrix.js';
import { InputError } from './core/errors.js';
import { lookupName } from './core/names.js';
import { checkKeys, positiveNumber } from './core/validate.js';
import { softmaxRows } from './kernels/softmax.js';

/** The activation names, one spelling in the API, the model file and the CLI. */
export type ActivationName =
  | 'linear' | 'step' | 'sign' | 'piecewiseLinear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';

/** An activation by name, or leaky ReLU with its slope: `{ name: 'leakyRelu', alpha: 0.1 }`. */
export type ActivationSpec = ActivationName | { readonly name: 'leakyRelu'; readonly alpha: number };

/**
 * An activation g and its derivative, over a rows×cols block of pre-activations z.
 * All element-wise except softmax, which works row by row.
 */
export interface Activation {
  readonly name: ActivationName;
  /** The spec that recreates it (for configs and files). */
  readonly spec: ActivationSpec;
  /** a = g(z). */
  forward(z: FloatArray, a: FloatArray, rows: number, cols: number): void;
  /** dZ = ∂E/∂z from dA = ∂E/∂a: dA ⊙ g'(z), or the Jacobian product for softmax. dZ may alias dA. */
  backward(z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, rows: number, cols: number): void;
}

function elementwise(
  name: ActivationName,
  f: (z: number) => number,
  /** g'(z) given z and a = g(z); using a where it is cheaper (sigmoid, tanh). */
  df: (z: number, a: number) => number,
): Activation {
  return {
    name,
    spec: name,
    forward(z, a, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) a[i] = f(z[i]!);
    },
    backward(z, a, dA, dZ, rows, cols) {
      const n = rows * cols;
      for (let i = 0; i < n; i++) dZ[i] = dA[i]! * df(z[i]!, a[i]!);
    },
  };
}

/** σ(z) = 1/(1+e^(−z)), written so that neither branch overflows. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

const linear: Activation = {
  name: 'linear',
  spec: 'linear',
  forward(z, a, rows, cols) {
    if (a !== z) a.set(z.subarray(0, rows * cols));
  },
  backward(_z, _a, dA, dZ, rows, cols) {
    if (dZ !== dA) dZ.set(dA.subarray(0, rows * cols));
  },
};

const sigmoidActivation: Activation = {
  name: 'sigmoid',
  spec: 'sigmoid',
  forward(z, a, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) a[i] = sigmoid(z[i]!);
  },
  backward(_z, a, dA, dZ, rows, cols) {
    const n = rows * cols;
    // σ'(z) = σ(z)(1 − σ(z))
    for (let i = 0; i < n; i++) {
      const s = a[i]!;
      dZ[i] = dA[i]! * s * (1 - s);
    }
  },
};

const tanhActivation: Activation = {
  name: 'tanh',
  spec: 'tanh',
  forward(z, a, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]!);
  },
  backward(_z, a, dA, dZ, rows, cols) {
    const n = rows * cols;
    // tanh'(z) = 1 − tanh²(z)
    for (let i = 0; i < n; i++) {
      const t = a[i]!;
      dZ[i] = dA[i]! * (1 - t * t);
    }
  },
};

const relu: Activation = {
  name: 'relu',
  spec: 'relu',
  forward(z, a, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) {
      const v = z[i]!;
      a[i] = v > 0 ? v : 0;
    }
  },
  backward(z, _a, dA, dZ, rows, cols) {
    const n = rows * cols;
    // Derivative 1 for z ≥ 0, as seed 000's table writes it.
    for (let i = 0; i < n; i++) dZ[i] = z[i]! >= 0 ? dA[i]! : 0;
  },
};

function leakyRelu(alpha: number): Activation {
  return {
    ...elementwise('leakyRelu', (z) => (z >= 0 ? z : alpha * z), (z) => (z >= 0 ? 1 : alpha)),
    spec: alpha === 0.01 ? 'leakyRelu' : { name: 'leakyRelu', alpha },
  };
}

const softmax: Activation = {
  name: 'softmax',
  spec: 'softmax',
  forward(z, a, rows, cols) {
    softmaxRows(z, a, rows, cols);
  },
  backward(_z, a, dA, dZ, rows, cols) {
    // ∂E/∂z_j = a_j (∂E/∂a_j − Σ_k ∂E/∂a_k a_k)
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += dA[o + j]! * a[o + j]!;
      for (let j = 0; j < cols; j++) dZ[o + j] = a[o + j]! * (dA[o + j]! - dot);
    }
  },
};

const registry = new Map<string, Activation>([
  ['linear', linear],
  ['step', elementwise('step', (z) => (z >= 0 ? 1 : 0), () => 0)],
  ['sign', elementwise('sign', (z) => (z > 0 ? 1 : z < 0 ? -1 : 0), () => 0)],
  ['piecewiseLinear', elementwise('piecewiseLinear', (z) => (z <= -0.5 ? 0 : z >= 0.5 ? 1 : z + 0.5), (z) => (z > -0.5 && z < 0.5 ? 1 : 0))],
  ['sigmoid', sigmoidActivation],
  ['tanh', tanhActivation],
  ['relu', relu],
  ['leakyRelu', leakyRelu(0.01)],
  ['softmax', softmax],
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
