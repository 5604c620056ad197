// The W2 workload of the kernel-thread diagnostics (threads-profile.ts, fit-phases.ts):
// 784-256-128-10 ReLU/softmax, Adam 0.001, on seeded digits-like rows.
import { Matrix, layers, optimizers, sequential, type Sequential } from '../src/index.js';

/** The W2 network, compiled. */
export function buildW2(): Sequential {
  const model = sequential([
    layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], { seed: 1 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

/** `rows` seeded digits-like rows (80 % zeros) and class labels: a step's speed does not depend on the values. */
export function w2Data(rows: number): { x: Matrix; y: Matrix } {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const x = new Matrix(rows, 784, Float32Array.from({ length: rows * 784 }, () => (rand() < 0.8 ? 0 : rand())));
  const y = new Matrix(rows, 1, Float32Array.from({ length: rows }, () => Math.floor(rand() * 10)));
  return { x, y };
}
