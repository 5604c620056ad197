// Regularisation in real training: L1/L2 penalties in the reported loss and in the gradient,
// L2 shrinking the weights, dropout off at inference, batch norm's moving averages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, regularizers, datasets, Rng, type Regularizer, type WeightArray } from '../../src/index.js';
import { assertClose } from '../helpers/assert.js';
import { centralDifference } from '../helpers/gradcheck.js';

const data = datasets.moons({ n: 40, noise: 0.2, seed: 3 });

function net(reg: Regularizer | undefined, seed = 7, dtype: 'float32' | 'float64' = 'float64') {
  const r = reg ? { kernelRegularizer: reg } : {};
  const model = sequential([
    layers.dense({ units: 6, inputShape: [2], activation: 'tanh', ...r }),
    layers.dense({ units: 1, activation: 'sigmoid', ...r }),
  ], { seed, dtype });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'binaryCrossentropy' });
  return model;
}

const kernels = (w: WeightArray[]) => [w[0] as number[][], w[2] as number[][]];
const sumOf = (w: WeightArray[], f: (v: number) => number) => kernels(w).flat(2).reduce((s, v) => s + f(v), 0);

for (const [name, reg, penalty, grad] of [
  ['l2', regularizers.l2({ l2: 0.05 }), (w: WeightArray[]) => 0.05 * sumOf(w, (v) => v * v), (v: number) => 0.1 * v],
  ['l1', regularizers.l1({ l1: 0.03 }), (w: WeightArray[]) => 0.03 * sumOf(w, Math.abs), (v: number) => 0.03 * Math.sign(v)],
  ['l1l2', regularizers.l1l2({ l1: 0.02, l2: 0.04 }), (w: WeightArray[]) => 0.02 * sumOf(w, Math.abs) + 0.04 * sumOf(w, (v) => v * v), (v: number) => 0.02 * Math.sign(v) + 0.08 * v],
] as const) {
  test(`${name}: the penalty is in the reported loss (fit, trainOnBatch, evaluate) and in the gradient`, async () => {
    const plain = net(undefined);
    const model = net(reg);
    const w = model.getWeights();
    assert.deepEqual(plain.getWeights(), w, 'same seed, same start');
    const p = penalty(w);
    assert.ok(p > 0.01, 'the penalty is not negligible');
    const base = plain.computeGradients(data.x, data.y);
    const withReg = model.computeGradients(data.x, data.y);
    assertClose(withReg.loss, base.loss + p, 1e-12, 0, 'computeGradients loss');
    assertClose(model.evaluate(data.x, data.y).loss!, plain.evaluate(data.x, data.y).loss! + p, 1e-12, 0, 'evaluate loss');
    // ∂/∂W adds the penalty's gradient; biases are not regularised.
    [0, 2].forEach((t) => (withReg.grads[t] as number[][]).forEach((row, i) => row.forEach((g, j) => {
      const v = (w[t] as number[][])[i]![j]!;
      assertClose(g, (base.grads[t] as number[][])[i]![j]! + grad(v), 1e-12, 0, `kernel ${t} [${i}][${j}]`);
    })));
    assert.deepEqual(withReg.grads[1], base.grads[1]);
    // The whole regularised gradient against central differences of the regularised loss.
    const kernel = model.params()[0]!.value as Float64Array;
    const check = centralDifference(kernel, (withReg.grads[0] as number[][]).flat(), () => model.computeGradients(data.x, data.y).loss);
    assert.ok(check.maxRelativeError < 1e-6, `central differences: ${JSON.stringify(check)}`);
    // The loss trainOnBatch and fit report includes it too (computed before the update).
    const logs = await model.trainOnBatch(data.x, data.y);
    assertClose(logs.loss!, base.loss + p, 1e-12, 0, 'trainOnBatch loss');
    const again = net(reg);
    const history = await again.fit(data.x, data.y, { epochs: 1, batchSize: 40, shuffle: false, verbose: 0 });
    assertClose(history.history.loss![0]!, base.loss + p, 1e-12, 0, 'fit loss');
  });
}

test('L2 with a large factor shrinks the weight norm compared with no regularisation', async () => {
  const norms: number[] = [];
  for (const reg of [undefined, regularizers.l2({ l2: 0.01 }), regularizers.l2({ l2: 0.1 })]) {
    const model = net(reg, 7, 'float32');
    await model.fit(data.x, data.y, { epochs: 200, batchSize: 10, verbose: 0 });
    norms.push(Math.sqrt(sumOf(model.getWeights(), (v) => v * v)));
  }
  assert.ok(norms[1]! < 0.8 * norms[0]!, `l2 0.01: ${norms[1]} vs none ${norms[0]}`);
  assert.ok(norms[2]! < 0.6 * norms[1]!, `l2 0.1: ${norms[2]} vs l2 0.01 ${norms[1]}`);
});

test('dropout is the identity at inference and active in training and Monte Carlo mode', async () => {
  const withDropout = sequential([
    layers.dense({ units: 32, inputShape: [2], activation: 'relu' }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 1 });
  withDropout.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const moons = datasets.moons({ n: 300, noise: 0.1, seed: 4 });
  const history = await withDropout.fit(moons.x, moons.y, { epochs: 60, batchSize: 32, verbose: 0 });
  assert.ok(withDropout.evaluate(moons.x, moons.y).accuracy! > 0.95, 'trains well with dropout');
  // Training accuracy is measured with dropout on, so it is below the inference accuracy.
  assert.ok(history.history.accuracy!.at(-1)! < withDropout.evaluate(moons.x, moons.y).accuracy! + 1e-9);
  const without = sequential([
    layers.dense({ units: 32, inputShape: [2], activation: 'relu' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  without.setWeights(withDropout.getWeights());
  const a = withDropout.predict(moons.x);
  assert.deepEqual(a, without.predict(moons.x), 'inference: dropout is exactly the identity (no rescaling)');
  assert.deepEqual(withDropout.predict(moons.x), a, 'and deterministic');
  const drop = withDropout.layers[1] as ReturnType<typeof layers.dropout>;
  drop.monteCarlo = true;
  const mc = withDropout.predict(moons.x);
  assert.notDeepEqual(mc, a, 'Monte Carlo mode keeps dropping');
  // Inverted dropout keeps the expected activation: the MC mean approaches the inference output.
  let mean = 0;
  for (let r = 0; r < 200; r++) mean += withDropout.predict([[0.5, 0.25]])[0]![0]! / 200;
  drop.monteCarlo = false;
  assert.ok(Math.abs(mean - withDropout.predict([[0.5, 0.25]])[0]![0]!) < 0.1, `MC mean ${mean}`);
});

test('batch norm: moving averages converge to the data\'s mean and variance; inference uses them', async () => {
  const rng = new Rng(9);
  const mu = [3, -2];
  const sigma = [2, 0.5];
  const x = Array.from({ length: 2000 }, () => [mu[0]! + sigma[0]! * rng.normal(), mu[1]! + sigma[1]! * rng.normal()]);
  const y = x.map(([a, b]) => (a! - 3 + 4 * (b! + 2) > 0 ? 1 : 0));
  const model = sequential([
    layers.batchNormalization({ inputShape: [2] }),
    layers.dense({ units: 8, activation: 'tanh' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 2 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 15, batchSize: 50, verbose: 0 });
  const [, , movingMean, movingVariance] = model.getWeights() as number[][];
  const mean = [0, 1].map((j) => x.reduce((s, r) => s + r[j]!, 0) / x.length);
  const variance = [0, 1].map((j) => x.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / x.length);
  // 600 steps of momentum 0.99: the start (0, 1) has decayed to 0.99⁶⁰⁰ ≈ 0.2%; what is left is
  // batch-to-batch noise averaged over ~100 batches (≈ σ/√5000 for the mean).
  [0, 1].forEach((j) => {
    assertClose(movingMean![j]!, mean[j]!, 0.1 * sigma[j]!, 0, `moving mean ${j}`);
    // Batch variances are biased by (b−1)/b = 0.98.
    assertClose(movingVariance![j]!, variance[j]! * 0.98, 0, 0.08, `moving variance ${j}`);
  });
  assert.ok(model.evaluate(x, y).accuracy! > 0.97);
  // Inference normalises with the moving statistics: the same row alone or in any batch gives
  // the same output (batch statistics would not).
  const one = model.predict([x[0]!])[0]![0]!;
  assertClose(model.predict(x.slice(0, 7))[0]![0]!, one, 1e-6);
});
