import type { Matrix } from '../core/matrix.js';
import { sigmoid } from '../activations.js';
import { logSumExpRow } from '../kernels/softmax.js';
import type { Loss } from './loss.js';

/** Probabilities are clipped to [ε, 1 − ε] only where a loss value is reported (Keras' ε). */
const EPS = 1e-7;

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

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Binary cross-entropy, averaged over outputs so it also serves multi-label outputs:
 * L = −(1/k) Σ [y log ŷ + (1 − y) log(1 − ŷ)]. Fused with a sigmoid output, ∂J/∂z = (ŷ − y)/(m·k).
 */
export function binaryCrossentropy(args: CrossentropyArgs = {}): Loss {
  const scale = scaleOf(args);
  const fromLogits = args.fromLogits ?? false;
  // From logits x: L = max(x, 0) − x·y + log(1 + e^(−|x|)) = softplus(x) − x·y (tf's form, exact).
  const fromZ = (z: Matrix, y: Matrix): number => {
    const n = z.rows * z.cols;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const x = z.data[i]!;
      s += softplus(x) - x * y.data[i]!;
    }
    return (scale * s) / n;
  };
  return {
    name: 'binaryCrossentropy',
    config: configOf(args),
    targets: 'dense',
    fusesWith: fromLogits ? undefined : 'sigmoid',
    value(p, y, logits) {
      if (fromLogits) return fromZ(p, y);
      if (logits) return fromZ(logits, y);
      const n = p.rows * p.cols;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const q = Math.min(Math.max(p.data[i]!, EPS), 1 - EPS);
        const t = y.data[i]!;
        s -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
      }
      return (scale * s) / n;
    },
    gradient(p, y, out) {
      const n = p.rows * p.cols;
      const c = scale / n;
      for (let i = 0; i < n; i++) {
        const t = y.data[i]!;
        if (fromLogits) {
          out.data[i] = c * (sigmoid(p.data[i]!) - t);
        } else {
          // ∂L/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)); ŷ clipped here only to keep the unfused gradient finite.
          const q = Math.min(Math.max(p.data[i]!, EPS), 1 - EPS);
          out.data[i] = (c * (q - t)) / (q * (1 - q));
        }
      }
    },
    fusedGradient(activation, p, y, out) {
      if (fromLogits || activation !== 'sigmoid') return false;
      const n = p.rows * p.cols;
      const c = scale / n;
      for (let i = 0; i < n; i++) out.data[i] = c * (p.data[i]! - y.data[i]!);
      return true;
    },
  };
}

/**
 * Categorical cross-entropy on one-hot (or probability) targets: L = −Σ_c y_c log ŷ_c.
 * Fused with a softmax output, ∂J/∂z = (ŷ − y)/m.
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
  /** y_c for row i, class c. */
  const target = (y: Matrix, i: number, c: number, k: number): number => (sparse ? (y.data[i]! === c ? 1 : 0) : y.data[i * k + c]!);

  // From logits z: L = Σ_c y_c (logΣexp(z) − z_c).
  const fromZ = (z: Matrix, y: Matrix): number => {
    const k = z.cols;
    let s = 0;
    for (let i = 0; i < z.rows; i++) {
      const lse = logSumExpRow(z.data, i * k, k);
      if (sparse) s += lse - z.data[i * k + y.data[i]!]!;
      else for (let c = 0; c < k; c++) {
        const t = y.data[i * k + c]!;
        if (t !== 0) s += t * (lse - z.data[i * k + c]!);
      }
    }
    return (scale * s) / z.rows;
  };

  return {
    name,
    config: configOf(args),
    targets,
    fusesWith: fromLogits ? undefined : 'softmax',
    value(p, y, logits) {
      if (fromLogits) return fromZ(p, y);
      if (logits) return fromZ(logits, y);
      const k = p.cols;
      let s = 0;
      for (let i = 0; i < p.rows; i++) {
        // Clipped to [ε, 1 − ε] so exact 0 and 1 give a finite value (RELIABILITY N2).
        for (let c = 0; c < k; c++) {
          const t = target(y, i, c, k);
          if (t !== 0) s -= t * Math.log(Math.min(Math.max(p.data[i * k + c]!, EPS), 1 - EPS));
        }
      }
      return (scale * s) / p.rows;
    },
    gradient(p, y, out) {
      const k = p.cols;
      const c0 = scale / p.rows;
      for (let i = 0; i < p.rows; i++) {
        if (fromLogits) {
          // ∂/∂z_c = softmax(z)_c · Σy − y_c
          const lse = logSumExpRow(p.data, i * k, k);
          let ySum = 0;
          for (let c = 0; c < k; c++) ySum += target(y, i, c, k);
          for (let c = 0; c < k; c++) out.data[i * k + c] = c0 * (Math.exp(p.data[i * k + c]! - lse) * ySum - target(y, i, c, k));
        } else {
          // ∂L/∂ŷ_c = −y_c/ŷ_c (ŷ clipped as in the value).
          for (let c = 0; c < k; c++) {
            const q = Math.min(Math.max(p.data[i * k + c]!, EPS), 1 - EPS);
            out.data[i * k + c] = (-c0 * target(y, i, c, k)) / q;
          }
        }
      }
    },
    fusedGradient(activation, p, y, out) {
      if (fromLogits || activation !== 'softmax') return false;
      const k = p.cols;
      const c0 = scale / p.rows;
      if (sparse) {
        const n = p.rows * k;
        for (let i = 0; i < n; i++) out.data[i] = c0 * p.data[i]!;
        for (let i = 0; i < p.rows; i++) out.data[i * k + y.data[i]!]! -= c0;
      } else {
        const n = p.rows * k;
        for (let i = 0; i < n; i++) out.data[i] = c0 * (p.data[i]! - y.data[i]!);
      }
      return true;
    },
  };
}
