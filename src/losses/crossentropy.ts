import type { Loss } from './loss.js';
import { referenceKernels } from './regression.js';

/** Options of the cross-entropy losses. */
export interface CrossentropyArgs {
  /** Logarithm base of the reported loss: e (default) or 2, for bits as seed 001 writes it. */
  base?: 'e' | 2;
  /** Treat the predictions as logits (a linear output layer). Default false. */
  fromLogits?: boolean;
}

function scaleOf(args: CrossentropyArgs): number {
  return args.base === 2 ? 1 / Math.LN2 : 1;
}

function configOf(args: CrossentropyArgs): Record<string, number | boolean> {
  const c: Record<string, number | boolean> = {};
  if (args.base === 2) c.base = 2;
  if (args.fromLogits) c.fromLogits = true;
  return c;
}

/**
 * Binary cross-entropy, averaged over outputs so it also serves multi-label outputs:
 * L = −(1/k) Σ [y log ŷ + (1 − y) log(1 − ŷ)], probabilities clipped to [ε, 1 − ε] (Keras' ε = 1e-7).
 * From logits x: L = softplus(x) − x·y. Fused with a sigmoid output, ∂J/∂z = (ŷ − y)/(m·k).
 */
export function binaryCrossentropy(args: CrossentropyArgs = {}): Loss {
  const scale = scaleOf(args);
  const fromLogits = args.fromLogits ?? false;
  return {
    name: 'binaryCrossentropy',
    config: configOf(args),
    targets: 'dense',
    fusesWith: fromLogits ? undefined : 'sigmoid',
    value(p, y, logits, k = referenceKernels(p)) {
      const z = fromLogits ? p : logits;
      const n = p.rows * p.cols;
      if (z) return (scale * k.lossValue('bceLogits', z.data, y.data, z.rows, z.cols)) / n;
      return (scale * k.lossValue('bce', p.data, y.data, p.rows, p.cols)) / n;
    },
    gradient(p, y, out, k = referenceKernels(p)) {
      k.lossGradient(fromLogits ? 'bceLogits' : 'bce', p.data, y.data, out.data, p.rows, p.cols, scale / (p.rows * p.cols));
    },
    fusedGradient(activation, p, y, out, k = referenceKernels(p)) {
      if (fromLogits || activation !== 'sigmoid') return false;
      k.fusedLossGradient(false, p.data, y.data, out.data, p.rows, p.cols, scale / (p.rows * p.cols));
      return true;
    },
  };
}

/**
 * Categorical cross-entropy on one-hot (or probability) targets: L = −Σ_c y_c log ŷ_c; from
 * logits z: L = Σ_c y_c (logΣexp(z) − z_c). Fused with a softmax output, ∂J/∂z = (ŷ − y)/m.
 */
export function categoricalCrossentropy(args: CrossentropyArgs = {}): Loss {
  return crossentropy('categoricalCrossentropy', 'dense', args);
}

/** Categorical cross-entropy with integer class labels ([m, 1]) instead of one-hot rows. */
export function sparseCategoricalCrossentropy(args: CrossentropyArgs = {}): Loss {
  return crossentropy('sparseCategoricalCrossentropy', 'sparse', args);
}

function crossentropy(name: 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy', targets: 'dense' | 'sparse', args: CrossentropyArgs): Loss {
  const scale = scaleOf(args);
  const fromLogits = args.fromLogits ?? false;
  const sparse = targets === 'sparse';
  const onProbabilities = sparse ? 'sparseCe' : 'ce';
  const onLogits = sparse ? 'sparseCeLogits' : 'ceLogits';
  return {
    name,
    config: configOf(args),
    targets,
    fusesWith: fromLogits ? undefined : 'softmax',
    value(p, y, logits, k = referenceKernels(p)) {
      const z = fromLogits ? p : logits;
      if (z) return (scale * k.lossValue(onLogits, z.data, y.data, z.rows, z.cols)) / z.rows;
      return (scale * k.lossValue(onProbabilities, p.data, y.data, p.rows, p.cols)) / p.rows;
    },
    gradient(p, y, out, k = referenceKernels(p)) {
      k.lossGradient(fromLogits ? onLogits : onProbabilities, p.data, y.data, out.data, p.rows, p.cols, scale / p.rows);
    },
    fusedGradient(activation, p, y, out, k = referenceKernels(p)) {
      if (fromLogits || activation !== 'softmax') return false;
      k.fusedLossGradient(sparse, p.data, y.data, out.data, p.rows, p.cols, scale / p.rows);
      return true;
    },
  };
}
