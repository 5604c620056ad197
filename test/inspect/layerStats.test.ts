import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sequential, layers, initializers, optimizers, datasets, layerStatistics, activationStatistics, summarizeActivations,
  InputError, ShapeError,
} from '../../src/index.js';
import { ActivationAccumulator, percentile } from '../../src/inspect/layerStats.js';
import { initialisationExperiment, NOTES_XAVIER_STD } from '../../examples/initialisation.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';

test('seed 000: ten tanh layers of 500 units, W = randn/√fan_in, follow the notes\' table within ±0.03', () => {
  // The notes print 1000 input rows; 200 keep the test quick and the stds within ±0.01 of it.
  const stats = initialisationExperiment('lecunNormal', { samples: 200, seed: 3 });
  assert.equal(stats.length, 10);
  stats.forEach((s, i) => {
    assertClose(s.std, NOTES_XAVIER_STD[i]!, 0.03, 0, `hidden layer ${i + 1} std`);
    assertClose(s.mean, 0, 0.01, 0, `hidden layer ${i + 1} mean`);
  });
  assert.ok(stats[0]!.std > 0.6 && stats[9]!.std < 0.25, 'decays slowly from ≈0.63 to ≈0.23');
  for (let i = 1; i < 10; i++) assert.ok(stats[i]!.std < stats[i - 1]!.std, 'monotone decay');
});

test('seed 000: W = randn·0.01 collapses the activations to ~0', () => {
  const stats = initialisationExperiment(initializers.randomNormal({ stddev: 0.01 }), { samples: 200, seed: 3 });
  // Each layer multiplies the spread by ≈ 0.01·√500 ≈ 0.22.
  assertClose(stats[0]!.std, 0.01 * Math.sqrt(500), 0.01, 0, 'layer 1 std');
  for (let i = 1; i < 10; i++) assertClose(stats[i]!.std / stats[i - 1]!.std, 0.2236, 0.01, 0, `layer ${i + 1} shrink factor`);
  assert.ok(stats[5]!.std < 2e-4 && stats[9]!.std < 1e-6, `std ${stats[5]!.std}, ${stats[9]!.std}`);
  assert.ok(stats.every((s) => s.saturatedFraction === 0));
});

test('summaries: quartiles as numpy, saturated and dead fractions by activation', () => {
  assert.equal(percentile([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
  const s = summarizeActivations(new Float64Array([0.005, 0.5, 0.995, 0.3, 0.7, 0.999]), 2, 3, 'sigmoid');
  assert.equal(s.saturatedFraction, 3 / 6);
  assert.equal(s.deadFraction, null);
  assertClose(s.mean, (0.005 + 0.5 + 0.995 + 0.3 + 0.7 + 0.999) / 6, 1e-15);
  assert.deepEqual([s.min, s.max, s.count], [0.005, 0.999, 6]);
  assertClose(s.quartiles[1], 0.6, 1e-15);
  // ReLU: unit 0 is 0 for every row (dead), units 1 and 2 fire at least once.
  const r = summarizeActivations(new Float64Array([0, 0, 1, 0, 2, 0]), 2, 3, 'relu');
  assert.equal(r.deadFraction, 1 / 3);
  assert.equal(r.saturatedFraction, null);
  const t = summarizeActivations(new Float64Array([-0.995, 0.2, 0.999, -0.5]), 2, 2, 'tanh');
  assert.equal(t.saturatedFraction, 0.5);
});

test('activationStatistics covers every layer in inference mode and checks the width', () => {
  const m = sequential([
    layers.dense({ units: 8, activation: 'relu', inputShape: [2], biasInitializer: initializers.constant({ value: -100 }) }),
    layers.dense({ units: 3, activation: 'sigmoid', kernelInitializer: initializers.randomNormal({ stddev: 1 }), biasInitializer: initializers.constant({ value: 20 }) }),
  ]);
  const s = activationStatistics(m, datasets.moons({ n: 50 }).x);
  assert.deepEqual(s.map((l) => [l.layer, l.activation]), [['dense_1', 'relu'], ['dense_2', 'sigmoid']]);
  assert.equal(s[0]!.deadFraction, 1);
  assert.equal(s[1]!.saturatedFraction, 1);
  assertThrowsWith(() => activationStatistics(m, [[1, 2, 3]]), ShapeError, /3 features, model expects 2/);
  assertThrowsWith(() => activationStatistics(m, [[1, 2]], { train: true } as never), InputError, /unknown option "train"/);
});

test('the callback records per layer and epoch: activations, gradients, update-to-weight ratio', async () => {
  const data = datasets.moons({ n: 128, seed: 4 });
  const m = sequential([
    layers.dense({ units: 6, activation: 'tanh', inputShape: [2] }),
    layers.dense({ units: 4, activation: 'relu' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 2 });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
  const seen: number[] = [];
  const stats = layerStatistics({ every: 2, onEpoch: (e) => seen.push(e.epoch) });
  const history = await m.fit(data.x, data.y, { epochs: 5, batchSize: 32, verbose: 0, callbacks: [stats] });
  assert.deepEqual(stats.epochs.map((e) => e.epoch), [0, 2, 4]);
  assert.deepEqual(seen, [0, 2, 4]);
  const e4 = stats.epochs[2]!;
  assert.equal(e4.loss, history.history.loss![4]);
  assert.deepEqual(e4.layers.map((l) => [l.layer, l.activation]), [['dense_1', 'tanh'], ['dense_2', 'relu'], ['dense_3', 'sigmoid']]);
  for (const l of e4.layers) {
    assert.equal(l.activations.count, 128 * (l.layer === 'dense_1' ? 6 : l.layer === 'dense_2' ? 4 : 1));
    assert.ok(l.gradient.norm > 0 && Number.isFinite(l.gradient.std));
    assert.ok(l.updateRatio > 0 && l.updateRatio < 1, `${l.layer}: ${l.updateRatio}`);
  }
  assert.equal(e4.layers[0]!.activations.deadFraction, null);
  assert.equal(typeof e4.layers[1]!.activations.deadFraction, 'number');
  // Activations in [-1, 1] for tanh, quartiles ordered.
  const a = e4.layers[0]!.activations;
  assert.ok(a.min >= -1 && a.max <= 1 && a.quartiles[0] <= a.quartiles[1] && a.quartiles[1] <= a.quartiles[2]);
  const series = stats.series();
  assert.deepEqual(series.epochs, [0, 2, 4]);
  assert.equal(series.layers.dense_2!.gradientNorm.length, 3);
  assert.deepEqual(JSON.parse(JSON.stringify(stats.epochs)), stats.epochs);
});

test('update-to-weight ratio is exact for plain SGD on one full batch', async () => {
  const m = sequential([layers.dense({ units: 1, inputShape: [2] })], { dtype: 'float64', seed: 3 });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
  const x = [[1, 2], [3, -1], [0.5, 0.5]];
  const y = [[1], [0], [2]];
  const w0 = (m.getWeights()[0] as number[][]).map((r) => r[0]!);
  const grads = m.computeGradients(x, y).grads;
  const g = (grads[0] as number[][]).map((r) => r[0]!);
  const gb = grads[1] as number[];
  const stats = layerStatistics();
  await m.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0, callbacks: [stats] });
  const norm = (v: number[]) => Math.hypot(...v);
  assertClose(stats.epochs[0]!.layers[0]!.updateRatio, (0.5 * norm(g)) / norm(w0), 1e-12);
  const l = stats.epochs[0]!.layers[0]!;
  assertClose(l.gradient.norm, Math.hypot(...g, ...gb), 1e-12, 0, 'gradient norm over kernel and bias');
  assertClose(l.gradient.mean, (g[0]! + g[1]! + gb[0]!) / 3, 1e-12, 0, 'gradient mean');
});

test('the quartile reservoir is a uniform sample of the whole stream, early and late values alike', () => {
  // 200 000 values i/N streamed in blocks; a uniform sample of 1000 has quartiles ≈ 0.25, 0.5,
  // 0.75 (standard error ≈ 0.014). A sampler favouring early or late values would shift them.
  const N = 200_000;
  for (const seed of [1, 2, 3]) {
    const acc = new ActivationAccumulator('linear', 100, 1000, seed);
    const block = new Float64Array(100 * 20);
    for (let start = 0; start < N; start += block.length) {
      for (let j = 0; j < block.length; j++) block[j] = (start + j) / N;
      acc.add(block, 20);
    }
    const r = acc.result();
    assert.equal(r.count, N);
    assertClose(r.mean, (N - 1) / (2 * N), 1e-9);
    r.quartiles.forEach((q, i) => assertClose(q, 0.25 * (i + 1), 0.045, 0, `seed ${seed} quartile ${i + 1}`));
  }
  // Below its capacity the reservoir holds every value: the quartiles are exact.
  const exact = new ActivationAccumulator('linear', 4, 1000, 9);
  exact.add(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), 2);
  assert.deepEqual(exact.result().quartiles, [2.75, 4.5, 6.25]);
});

test('layer statistics read the recorded step: an Activation layer\'s saturation is seen, and its statistics equal a Dense layer with the same activation', async () => {
  const x = Array.from({ length: 64 }, (_, i) => [Math.sin(i) * 3, Math.cos(i * 1.7) * 3]);
  const y = x.map((r) => (r[0]! * r[1]! > 0 ? 1 : 0));
  const big = initializers.randomNormal({ stddev: 20 });
  const split = sequential([layers.dense({ units: 8, inputShape: [2], kernelInitializer: big }), layers.activation({ activation: 'sigmoid' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 2 });
  const fused = sequential([layers.dense({ units: 8, inputShape: [2], kernelInitializer: big, activation: 'sigmoid' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 2 });
  fused.setWeights(split.getWeights());
  const results = [];
  for (const m of [split, fused]) {
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
    const stats = layerStatistics();
    await m.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, callbacks: [stats] });
    results.push(stats.epochs[0]!.layers);
  }
  const [a, b] = results as [NonNullable<(typeof results)[0]>, NonNullable<(typeof results)[0]>];
  assert.deepEqual(a.map((l) => l.activation), ['linear', 'sigmoid', 'sigmoid']);
  const act = a[1]!;
  assert.ok(act.activations.saturatedFraction! > 0.7, `saturated ${act.activations.saturatedFraction}`);
  assert.equal(act.activations.saturatedFraction, b[0]!.activations.saturatedFraction);
  assert.equal(act.activations.mean, b[0]!.activations.mean);
  assert.ok(Number.isNaN(act.gradient.norm) && Number.isNaN(act.updateRatio), 'an Activation layer has no weights of its own');
});
