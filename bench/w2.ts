// The W2 workload of the kernel-thread diagnostics (threads-profile.ts, fit-phases.ts):
// 784-256-128-10 ReLU/softmax, Adam 0.001, on Fashion-MNIST (or seeded digits-like rows).
import { readFileSync } from 'node:fs';
import { benchDataDir, mnistSource } from './benchData.js';
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

/**
 * `rows` rows of Fashion-MNIST (pixels / 255, as the harness's W2) when `npm run bench` has
 * written them (.bench-peers/data, from Debian's dataset-fashion-mnist), else seeded digits-like
 * rows (80 % zeros), and class labels. The speed of a step depends on the inputs' zeros (the
 * products leave out steps whose values are all zero), so the profiles say which they read.
 */
export function w2Data(rows: number): { x: Matrix; y: Matrix; source: string } {
  if (mnistSource() === 'fashion-mnist') {
    const pixels = readFileSync(`${benchDataDir}mnist-train-x.u8`);
    const labels = readFileSync(`${benchDataDir}mnist-train-y.u8`);
    const n = Math.min(rows, labels.length);
    const x = new Matrix(rows, 784, Float32Array.from({ length: rows * 784 }, (_, i) => pixels[(Math.floor(i / 784) % n) * 784 + (i % 784)]! / 255));
    const y = new Matrix(rows, 1, Float32Array.from({ length: rows }, (_, i) => labels[i % n]!));
    return { x, y, source: 'Fashion-MNIST' };
  }
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const x = new Matrix(rows, 784, Float32Array.from({ length: rows * 784 }, () => (rand() < 0.8 ? 0 : rand())));
  const y = new Matrix(rows, 1, Float32Array.from({ length: rows }, () => Math.floor(rand() * 10)));
  return { x, y, source: 'seeded digits-like rows (80 % zeros)' };
}
