import type { Matrix } from '../core/matrix.js';
import type { Loss } from './loss.js';

/** Mean squared error, averaged over outputs (Keras): L = (1/k) Σ (ŷ − y)². */
export function meanSquaredError(): Loss {
  return {
    name: 'mse',
    config: {},
    targets: 'dense',
    fusesWith: undefined,
    value(p, y) {
      return meanOf(p, y, (d) => d * d) / p.cols;
    },
    gradient(p, y, out) {
      const c = 2 / (p.rows * p.cols);
      const n = p.rows * p.cols;
      for (let i = 0; i < n; i++) out.data[i] = c * (p.data[i]! - y.data[i]!);
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
    value(p, y) {
      return meanOf(p, y, (d) => 0.5 * d * d);
    },
    gradient(p, y, out) {
      const c = 1 / p.rows;
      const n = p.rows * p.cols;
      for (let i = 0; i < n; i++) out.data[i] = c * (p.data[i]! - y.data[i]!);
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
    value(p, y) {
      return meanOf(p, y, Math.abs) / p.cols;
    },
    gradient(p, y, out) {
      const c = 1 / (p.rows * p.cols);
      const n = p.rows * p.cols;
      for (let i = 0; i < n; i++) {
        const d = p.data[i]! - y.data[i]!;
        out.data[i] = d > 0 ? c : d < 0 ? -c : 0;
      }
    },
    fusedGradient: () => false,
  };
}

/** (1/m) Σ_rows Σ_cols f(ŷ − y), accumulated in float64. */
function meanOf(p: Matrix, y: Matrix, f: (d: number) => number): number {
  const n = p.rows * p.cols;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(p.data[i]! - y.data[i]!);
  return s / p.rows;
}
