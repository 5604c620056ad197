import { InputError } from '../core/errors.js';
import type { Loss } from '../losses/loss.js';
import type { Metric, MetricFactory } from './metric.js';

function needDenseTargets(name: string, loss: Loss): void {
  if (loss.targets === 'sparse') {
    throw new InputError(`metric "${name}" compares outputs with targets of the same shape; sparseCategoricalCrossentropy gives one class index per row`);
  }
}

/** Mean over rows and outputs of a per-element error (squared or absolute). */
function meanErrorMetric(name: string, f: (d: number) => number): MetricFactory {
  return (loss) => {
    needDenseTargets(name, loss);
    let sum = 0;
    let count = 0;
    return {
      name,
      reset() {
        sum = 0;
        count = 0;
      },
      update(p, y) {
        const n = p.rows * p.cols;
        for (let i = 0; i < n; i++) sum += f(p.data[i]! - y.data[i]!);
        count += n;
      },
      result: () => (count === 0 ? NaN : sum / count),
    };
  };
}

/** mse = (1/(m·k)) Σ (ŷ − y)². */
export const mseMetric: MetricFactory = meanErrorMetric('mse', (d) => d * d);
/** mae = (1/(m·k)) Σ |ŷ − y|. */
export const maeMetric: MetricFactory = meanErrorMetric('mae', Math.abs);

/**
 * R² = 1 − SS_res/SS_tot per output, averaged uniformly over outputs (scikit-learn's
 * r2_score default and Keras' R2Score). SS_tot is accumulated with Welford's update (a running
 * mean and sum of squared deviations), which stays exact for constant columns where
 * Σy² − (Σy)²/m would leave rounding noise. An output with constant targets scores 1 if
 * predicted exactly, else 0 (scikit-learn's force_finite).
 */
export const r2Metric: MetricFactory = (loss: Loss): Metric => {
  needDenseTargets('r2', loss);
  let ssTot: TotalSquares[] = [];
  let ssRes = new Float64Array(0);
  return {
    name: 'r2',
    reset() {
      ssTot = ssTot.map(() => new TotalSquares());
      ssRes.fill(0);
    },
    update(p, y) {
      const k = p.cols;
      if (ssTot.length !== k) {
        ssTot = Array.from({ length: k }, () => new TotalSquares());
        ssRes = new Float64Array(k);
      }
      for (let i = 0; i < p.rows; i++) {
        for (let j = 0; j < k; j++) {
          const t = y.data[i * k + j]!;
          const d = t - p.data[i * k + j]!;
          ssRes[j]! += d * d;
          ssTot[j]!.add(t);
        }
      }
    },
    result() {
      if (ssTot.length === 0 || ssTot[0]!.count === 0) return NaN;
      let total = 0;
      for (let j = 0; j < ssTot.length; j++) total += r2FromSums(ssRes[j]!, ssTot[j]!.ss);
      return total / ssTot.length;
    },
  };
};

/**
 * SS_tot = Σ(y − ȳ)² of a target column, one value at a time, by Welford's update (a running mean
 * and sum of squared deviations): exactly 0 for a constant column, where Σy² − (Σy)²/n, or a
 * mean taken as Σy/n, leave rounding noise (1,000 rows of 123.7 gave 3.6e-7 and 2.5e-25, and R²
 * −2.4e+23 instead of 0). Every R² of the library and the CLI takes its SS_tot from here or from
 * r2Metric's one per output column, and its value from r2FromSums.
 */
export class TotalSquares {
  private n = 0;
  private mean = 0;
  /** Values added so far. */
  get count(): number {
    return this.n;
  }
  /** Σ(y − ȳ)² of the values added so far. */
  ss = 0;

  /** Takes one more value of the column. */
  add(y: number): void {
    this.n++;
    const delta = y - this.mean;
    this.mean += delta / this.n;
    this.ss += delta * (y - this.mean);
  }
}

/** 1 − ssRes/ssTot, with scikit-learn's finite values for a constant target (ssTot = 0). */
export function r2FromSums(ssRes: number, ssTot: number): number {
  if (ssTot <= 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
