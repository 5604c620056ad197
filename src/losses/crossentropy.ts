import type { Matrix } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import type { Loss } from './loss.js';
import { referenceKernels } from './regression.js';

/** Options of the cross-entropy losses. */
export interface CrossentropyArgs {
  /** Logarithm base of the reported loss: e (default) or 2, for bits as seed 001 writes it. */
  base?: 'e' | 2;
  /** Treat the predictions as logits (a linear output layer). Default false. */
  fromLogits?: boolean;
  /**
   * Label smoothing ε in [0, 1): the loss is taken against y' = (1 − ε)·y + ε/K (K classes; 2 for
   * the binary loss, per output), so the network is not pushed towards infinite logits on rows it
   * already gets right (Szegedy et al. 2016; RealMLP uses 0.1). Default 0.
   */
  labelSmoothing?: number;
}

/** ε from the options, checked. */
function smoothingOf(where: string, args: CrossentropyArgs): number {
  const e = args.labelSmoothing ?? 0;
  if (typeof e !== 'number' || !(e >= 0 && e < 1)) throw new InputError(`${where}: labelSmoothing must be a number in [0, 1), got ${String(e)}`);
  return e;
}

/**
 * Smoothed dense targets y' = (1 − ε)·y + ε/K for a batch, in a buffer kept across calls (it grows
 * only when the batch does), so that the usual dense kernels compute value and gradient.
 */
class SmoothedTargets {
  private buffer: Float32Array | Float64Array = new Float64Array(0);
  constructor(private readonly epsilon: number, private readonly sparse: boolean, private readonly classes: (k: number) => number) {}
  of(p: Matrix, y: Matrix): Float32Array | Float64Array {
    const n = p.rows * p.cols;
    const Kind = p.data instanceof Float32Array ? Float32Array : Float64Array;
    if (this.buffer.length < n || !(this.buffer instanceof Kind)) this.buffer = new Kind(n);
    const out = this.buffer.length === n ? this.buffer : this.buffer.subarray(0, n);
    const e = this.epsilon;
    const floor = e / this.classes(p.cols);
    if (this.sparse) {
      out.fill(floor);
      for (let i = 0; i < p.rows; i++) out[i * p.cols + y.data[i]!]! += 1 - e;
    } else {
      for (let i = 0; i < n; i++) out[i] = (1 - e) * y.data[i]! + floor;
    }
    return out;
  }
}

function scaleOf(args: CrossentropyArgs): number {
  return args.base === 2 ? 1 / Math.LN2 : 1;
}

function configOf(args: CrossentropyArgs): Record<string, number | boolean> {
  const c: Record<string, number | boolean> = {};
  if (args.base === 2) c.base = 2;
  if (args.fromLogits) c.fromLogits = true;
  if (args.labelSmoothing) c.labelSmoothing = args.labelSmoothing;
  return c;
}

/**
 * Binary cross-entropy, averaged over outputs so it also serves multi-label outputs:
 * L = −(1/k) Σ [y log ŷ + (1 − y) log(1 − ŷ)], probabilities clipped to [ε, 1 − ε] (Keras' ε = 1e-7).
 * From logits x: L = softplus(x) − x·y. Fused with a sigmoid output, ∂J/∂z = (ŷ − y)/(m·k).
 * With labelSmoothing ε, y is replaced by (1 − ε)·y + ε/2.
 */
export function binaryCrossentropy(args: CrossentropyArgs = {}): Loss {
  const scale = scaleOf(args);
  const fromLogits = args.fromLogits ?? false;
  const epsilon = smoothingOf('binaryCrossentropy', args);
  const smooth = epsilon > 0 ? new SmoothedTargets(epsilon, false, () => 2) : undefined;
  const t = (p: Matrix, y: Matrix) => (smooth ? smooth.of(p, y) : y.data);
  return {
    name: 'binaryCrossentropy',
    config: configOf(args),
    targets: 'dense',
    fusesWith: fromLogits ? undefined : 'sigmoid',
    value(p, y, logits, k = referenceKernels(p)) {
      const z = fromLogits ? p : logits;
      const n = p.rows * p.cols;
      if (z) return (scale * k.lossValue('bceLogits', z.data, t(z, y), z.rows, z.cols)) / n;
      return (scale * k.lossValue('bce', p.data, t(p, y), p.rows, p.cols)) / n;
    },
    gradient(p, y, out, k = referenceKernels(p)) {
      k.lossGradient(fromLogits ? 'bceLogits' : 'bce', p.data, t(p, y), out.data, p.rows, p.cols, scale / (p.rows * p.cols));
    },
    fusedGradient(activation, p, y, out, k = referenceKernels(p)) {
      if (fromLogits || activation !== 'sigmoid') return false;
      k.fusedLossGradient(false, p.data, t(p, y), out.data, p.rows, p.cols, scale / (p.rows * p.cols));
      return true;
    },
  };
}

/**
 * Categorical cross-entropy on one-hot (or probability) targets: L = −Σ_c y_c log ŷ_c; from
 * logits z: L = Σ_c y_c (logΣexp(z) − z_c). Fused with a softmax output, ∂J/∂z = (ŷ − y)/m.
 * With labelSmoothing ε, y is replaced by (1 − ε)·y + ε/K over the K classes.
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
  const epsilon = smoothingOf(name, args);
  // Smoothed targets are dense: the dense kernels then serve the sparse loss too.
  const smooth = epsilon > 0 ? new SmoothedTargets(epsilon, sparse, (k) => k) : undefined;
  const dense = sparse && smooth === undefined ? false : true;
  const onProbabilities = dense ? 'ce' : 'sparseCe';
  const onLogits = dense ? 'ceLogits' : 'sparseCeLogits';
  const t = (p: Matrix, y: Matrix) => (smooth ? smooth.of(p, y) : y.data);
  return {
    name,
    config: configOf(args),
    targets,
    fusesWith: fromLogits ? undefined : 'softmax',
    value(p, y, logits, k = referenceKernels(p)) {
      const z = fromLogits ? p : logits;
      if (z) return (scale * k.lossValue(onLogits, z.data, t(z, y), z.rows, z.cols)) / z.rows;
      return (scale * k.lossValue(onProbabilities, p.data, t(p, y), p.rows, p.cols)) / p.rows;
    },
    gradient(p, y, out, k = referenceKernels(p)) {
      k.lossGradient(fromLogits ? onLogits : onProbabilities, p.data, t(p, y), out.data, p.rows, p.cols, scale / p.rows);
    },
    fusedGradient(activation, p, y, out, k = referenceKernels(p)) {
      if (fromLogits || activation !== 'softmax') return false;
      k.fusedLossGradient(!dense, p.data, t(p, y), out.data, p.rows, p.cols, scale / p.rows);
      return true;
    },
  };
}
