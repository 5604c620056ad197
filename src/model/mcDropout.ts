import type { Matrix } from '../core/matrix.js';
import { integerAtLeast } from '../core/validate.js';
import { Dropout } from '../layers/dropout.js';
import { predictMatrix } from './evaluate.js';
import type { Model } from './types.js';

/** Monte Carlo dropout prediction: per row and output, the mean and spread over the samples. */
export interface McPrediction {
  /** [n][outputs]: the average of the sampled outputs. */
  mean: number[][];
  /** [n][outputs]: their standard deviation (population, ÷ samples); 0 where no dropout acts. */
  std: number[][];
  /** Number of stochastic forward passes averaged. */
  samples: number;
}

/**
 * Monte Carlo dropout (seed 000: "do many forward passes with different dropout masks, average
 * all predictions"): `samples` inference passes with every Dropout layer kept on, each with a
 * fresh mask from the layer's seeded generator; mean and standard deviation per output
 * (Welford's update, in float64). A model without dropout gives its usual prediction and std 0.
 * Dropout layers are switched back to their previous mode afterwards.
 */
export function mcDropoutPredict(model: Model, X: Matrix, samples: number, batchSize?: number): McPrediction {
  integerAtLeast('predict', 'mcSamples', samples, 1);
  const dropouts = model.layers.filter((l): l is Dropout => l instanceof Dropout);
  const previous = dropouts.map((d) => [d.monteCarlo, d.freezeMask] as const);
  const n = X.rows * model.outputUnits;
  const mean = new Float64Array(n);
  const m2 = new Float64Array(n);
  try {
    for (const d of dropouts) {
      d.monteCarlo = true;
      d.freezeMask = false;
    }
    for (let s = 1; s <= samples; s++) {
      const out = predictMatrix(model, X, batchSize).data;
      for (let k = 0; k < n; k++) {
        const v = out[k]!;
        const delta = v - mean[k]!;
        mean[k]! += delta / s;
        m2[k]! += delta * (v - mean[k]!);
      }
    }
  } finally {
    dropouts.forEach((d, i) => {
      [d.monteCarlo, d.freezeMask] = previous[i]!;
    });
  }
  const cols = model.outputUnits;
  const rows = (f: (k: number) => number): number[][] =>
    Array.from({ length: X.rows }, (_, i) => Array.from({ length: cols }, (_, j) => f(i * cols + j)));
  return { mean: rows((k) => mean[k]!), std: rows((k) => Math.sqrt(m2[k]! / samples)), samples };
}
