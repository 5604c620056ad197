// The small float64 network and batch on which the optimiser tests take and explain one step.
import { sequential, layers, type Optimizer, type Sequential } from '../../src/index.js';

export const X = [[0.5, -1], [1, 0.2], [-0.3, 0.8], [0.9, 0.9]];
export const Y = [[1], [0], [1], [0]];

/** A 2-3-1 tanh/sigmoid network in float64 (seed 3), compiled with `opt` and binary cross-entropy. */
export function stepModel(opt: Optimizer): Sequential {
  const m = sequential([
    layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { dtype: 'float64', seed: 3 });
  m.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
  return m;
}

/** Weights or gradients as one flat list. */
export const flat = (v: number[] | number[][]) => (v as (number | number[])[]).flat();
