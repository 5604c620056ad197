// fit's options and its behaviour on bad runs (RELIABILITY T1–T3), and that it leaves the
// event loop free: a timer and a SIGINT handler run during a long fit and can stop it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, sequentialFromConfig, layers, optimizers, callbacks, datasets, DivergenceError, InputError, type Callback } from '../../src/index.js';
import { assertRejectsWith } from '../helpers/assert.js';

const moons = datasets.moons({ n: 200, noise: 0.15, seed: 8 });

function model(seed = 1, learningRate = 0.05) {
  const m = sequential([layers.dense({ units: 8, inputShape: [2], activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed });
  m.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

test('validationSplit takes the last rows, before shuffling, as Keras', async () => {
  const m = model();
  const history = await m.fit(moons.x, moons.y, { epochs: 3, validationSplit: 0.25, verbose: 0 });
  const tail = m.evaluate(moons.x.slice(150), moons.y.slice(150));
  assert.equal(history.history.val_loss!.at(-1), tail.loss);
  assert.equal(history.history.val_accuracy!.at(-1), tail.accuracy);
  // 150 training rows in batches of 32: 5 steps per epoch.
  assert.equal(history.iterations, 15);
});

test('a validation split that leaves no training or no validation rows is refused', async () => {
  await assertRejectsWith(() => model().fit(moons.x.slice(0, 3), moons.y.slice(0, 3), { validationSplit: 0.2, verbose: 0 }), InputError, /validationSplit 0.2 of 3 rows leaves 3 training and 0 validation rows/);
  await assertRejectsWith(() => model().fit(moons.x.slice(0, 1), moons.y.slice(0, 1), { validationSplit: 0.5, verbose: 0 }), InputError, /leaves 1 training and 0 validation rows/);
  await assertRejectsWith(() => model().fit(moons.x, moons.y, { validationSplit: 1, verbose: 0 }), InputError, /validationSplit must be in \[0, 1\)/);
});

test('maxIterations stops after that many steps; initialEpoch numbers the epochs', async () => {
  const m = model();
  const h = await m.fit(moons.x, moons.y, { epochs: 100, batchSize: 50, maxIterations: 10, verbose: 0 });
  assert.equal(h.iterations, 10);
  assert.equal(m.optimizer!.iterations, 10);
  assert.deepEqual(h.epoch, [0, 1, 2]);
  const resumed = await m.fit(moons.x, moons.y, { epochs: 5, initialEpoch: 3, batchSize: 50, verbose: 0 });
  assert.deepEqual(resumed.epoch, [3, 4]);
});

test('the same seed gives bit-identical runs; another seed does not (D1, D2)', async () => {
  const run = async (seed: number) => {
    const m = model(seed);
    const h = await m.fit(moons.x, moons.y, { epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0 });
    return { h: h.history, w: m.getWeights() };
  };
  assert.deepEqual(await run(4), await run(4));
  assert.notDeepEqual((await run(4)).w, (await run(5)).w);
});

test('T3: the epoch limit reached while the loss still falls gives converged: false and a warning', async () => {
  const warnings: string[] = [];
  const listener: Callback = { onWarning: (m) => void warnings.push(m) };
  const h = await model(1, 0.001).fit(moons.x, moons.y, { epochs: 4, verbose: 0, callbacks: [listener] });
  assert.equal(h.converged, false);
  const l = h.history.loss!;
  assert.deepEqual(warnings, [`Maximum epochs (4) reached and the loss was still falling (${l[0]!.toFixed(4)} → ${l[3]!.toFixed(4)} over the last 3 epochs); training may not have converged.`]);
  assert.ok(l[3]! < l[0]! * 0.99, `loss ${l.join(', ')}`);
  assert.deepEqual(h.warnings, warnings);
  // Stopped by a callback: no such warning.
  const stopped = await model(1, 0.001).fit(moons.x, moons.y, { epochs: 50, verbose: 0, callbacks: [callbacks.earlyStopping({ monitor: 'loss', minDelta: 10 })] });
  assert.equal(stopped.converged, true);
  assert.deepEqual(stopped.warnings, []);
});

test('T2: a gradient that overflows while the loss is finite: no update, the tensor is named', async () => {
  const m = sequential([layers.dense({ units: 1, inputShape: [1] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  // ŷ = 1e38 fits in float32 and the loss (computed in float64) is finite, but ∂J/∂W = 2ŷx overflows.
  m.setWeights([[[1e28]], [0]]);
  const before = m.getWeights();
  await assertRejectsWith(() => m.fit([[1e10]], [0], { epochs: 2, verbose: 0 }), DivergenceError,
    /^epoch 1, batch 1: the gradient of dense_1\/kernel \(layer dense_1\) is not finite while the loss is \d\.\d+e\+7[56]; the update was not applied/);
  assert.deepEqual(m.getWeights(), before);
  await assertRejectsWith(() => m.trainOnBatch([[1e10]], [0]), DivergenceError, /^trainOnBatch: the gradient of dense_1\/kernel/);
  assert.deepEqual(m.getWeights(), before);
  assert.equal(m.optimizer!.iterations, 0, 'no step was counted');
});

test('a timer fires during a long fit and a SIGINT handler can stop it after the current batch', async () => {
  const digits = datasets.load('digits');
  const m = sequential([layers.dense({ units: 64, inputShape: [64], activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  let ticks = 0;
  let ticksDuringFit = 0;
  let fitting = true;
  const timer = setInterval(() => {
    ticks++;
    if (fitting) ticksDuringFit++;
  }, 5);
  const onSigint = () => void (m.stopTraining = true);
  process.once('SIGINT', onSigint);
  // Ctrl-C once the timer has run a few times: a fit that never yields would run all 10 000 epochs.
  const interrupter = setInterval(() => {
    if (ticks >= 3) {
      clearInterval(interrupter);
      process.kill(process.pid, 'SIGINT');
    }
  }, 5);
  let seen = 0;
  const counter: Callback = { onBatchEnd: () => void seen++ };
  try {
    const h = await m.fit(digits.x, digits.y, { epochs: 10_000, batchSize: 32, verbose: 0, callbacks: [counter] });
    fitting = false;
    assert.ok(ticksDuringFit >= 3, `the timer ran ${ticksDuringFit} times during fit`);
    assert.ok(h.epoch.length < 10_000, 'SIGINT stopped the run');
    // It stopped at a batch boundary: the steps taken are the batches seen.
    assert.equal(h.iterations, seen);
  } finally {
    clearInterval(timer);
    clearInterval(interrupter);
    process.removeListener('SIGINT', onSigint);
  }
});

test('V11: fitting a model rebuilt from the config (same seed) gives the same predictions as one fit', async () => {
  const a = model(3);
  const b = sequentialFromConfig(a.getConfig());
  b.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await a.fit(moons.x, moons.y, { epochs: 3, verbose: 0 });
  await b.fit(moons.x, moons.y, { epochs: 3, verbose: 0 });
  assert.deepEqual(b.predict(moons.x), a.predict(moons.x));
  // A second fit continues training (Keras semantics), with the optimiser state it had.
  const before = a.optimizer!.iterations;
  await a.fit(moons.x, moons.y, { epochs: 1, verbose: 0 });
  assert.equal(a.optimizer!.iterations, before + 7);
});

test('V12: fit mutates neither the data, nor the options, nor the configuration', async () => {
  const m = model();
  const x = moons.x.map((r) => [...r]);
  const y = [...moons.y];
  const val: [number[][], number[]] = [moons.x.slice(0, 20).map((r) => [...r]), moons.y.slice(0, 20)];
  const cbs = [callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 })];
  const args = { epochs: 3, batchSize: 16, validationData: val, callbacks: cbs, verbose: 0 as const, seed: 3 };
  const copy = structuredClone({ x, y, val, epochs: args.epochs, batchSize: args.batchSize, seed: args.seed });
  const config = structuredClone(m.getConfig());
  const optimizerConfig = structuredClone(m.optimizer!.getConfig());
  await m.fit(x, y, args);
  assert.deepEqual({ x, y, val, epochs: args.epochs, batchSize: args.batchSize, seed: args.seed }, copy);
  assert.equal(args.callbacks, cbs);
  assert.equal(cbs.length, 1);
  assert.deepEqual(m.getConfig(), config);
  assert.deepEqual(m.optimizer!.getConfig(), optimizerConfig);
});

test('V13: predictions per row do not depend on the batch, a subset or the order', async () => {
  const m = sequential([
    layers.dense({ units: 16, inputShape: [2], activation: 'relu' }),
    layers.batchNormalization(),
    layers.dropout({ rate: 0.3 }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 2 });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await m.fit(moons.x, moons.y, { epochs: 3, verbose: 0 });
  const all = m.predict(moons.x);
  for (const batchSize of [1, 7, moons.x.length]) {
    m.predict(moons.x, { batchSize }).forEach((r, i) => assert.ok(Math.abs(r[0]! - all[i]![0]!) <= 1e-6, `batch ${batchSize} row ${i}`));
  }
  const order = moons.x.map((_, i) => (i * 37) % moons.x.length);
  m.predict(order.map((i) => moons.x[i]!)).forEach((r, k) => assert.ok(Math.abs(r[0]! - all[order[k]!]![0]!) <= 1e-6));
  m.predict(moons.x.slice(50, 60)).forEach((r, k) => assert.ok(Math.abs(r[0]! - all[50 + k]![0]!) <= 1e-6));
});
