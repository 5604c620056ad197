import type { Matrix } from '../core/matrix.js';
import type { Kernels } from '../kernels/kernels.js';
import { typescriptBackend } from '../kernels/typescript.js';
import type { Loss } from './loss.js';

/** The TypeScript kernels of a matrix's dtype, for a loss called without the model's. */
export const referenceKernels = (m: Matrix): Kernels => typescriptBackend.open(m.dtype);

/** Mean squared error, averaged over outputs (Keras): L = (1/k) Σ (ŷ − y)². */
export function meanSquaredError(): Loss {
  return {
    name: 'mse',
    config: {},
    targets: 'dense',
    fusesWith: undefined,
    value(p, y, _logits, k = referenceKernels(p)) {
      return k.lossValue('mse', p.data, y.data, p.rows, p.cols) / p.rows / p.cols;
    },
    gradient(p, y, out, k = referenceKernels(p)) {
      k.lossGradient('mse', p.data, y.data, out.data, p.rows, p.cols, 2 / (p.rows * p.cols));
    },
    fusedGradient: () => false,
  };
}

/** Sum of squared errors, ½‖r − a‖², the form of seed 003's worked example. */
export function sumSquaredError(): Loss {
  return {
    name: 'sse',
    config: {},
    targets: 'dense',
    fusesWith: undefined,
    value(p, y, _logits, k = referenceKernels(p)) {
      return k.lossValue('sse', p.data, y.data, p.rows, p.cols) / p.rows;
    },
    gradient(p, y, out, k = referenceKernels(p)) {
      k.lossGradient('sse', p.data, y.data, out.data, p.rows, p.cols, 1 / p.rows);
    },
    fusedGradient: () => false,
  };
}

/** Mean absolute error, averaged over outputs: L = (1/k) Σ |ŷ − y|. */
export function meanAbsoluteError(): Loss {
  return {
    name: 'mae',
    config: {},
    targets: 'dense',
    fusesWith: undefined,
    value(p, y, _logits, k = referenceKernels(p)) {
      return k.lossValue('mae', p.data, y.data, p.rows, p.cols) / p.rows / p.cols;
    },
    gradient(p, y, out, k = referenceKernels(p)) {
      k.lossGradient('mae', p.data, y.data, out.data, p.rows, p.cols, 1 / (p.rows * p.cols));
    },
    fusedGradient: () => false,
  };
}
