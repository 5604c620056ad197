// Training through the public API on seeded synthetic data (seed 003's experiments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, datasets, type Sequential } from '../../src/index.js';

type Net = { hidden: number[]; activation: 'tanh' | 'relu'; classes: number };

function build({ hidden, activation, classes }: Net, seed = 42, kernelInitializer?: 'zeros'): Sequential {
  const model = sequential([], { seed });
  hidden.forEach((units, i) => model.add(layers.dense({ units, activation, ...(i === 0 ? { inputShape: [2] } : {}), ...(kernelInitializer ? { kernelInitializer } : {}) })));
  const out = classes === 2 ? { units: 1, activation: 'sigmoid' as const } : { units: classes, activation: 'softmax' as const };
  model.add(layers.dense({ ...out, ...(hidden.length === 0 ? { inputShape: [2] } : {}), ...(kernelInitializer ? { kernelInitializer } : {}) }));
  return model;
}

async function trainAndTest(net: Net, train: { x: number[][]; y: number[] }, test: { x: number[][]; y: number[] }, epochs: number, lr: number): Promise<number> {
  const model = build(net);
  model.compile({ optimizer: optimizers.adam({ learningRate: lr }), loss: net.classes === 2 ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(train.x, train.y, { epochs, batchSize: 32, verbose: 0 });
  return model.evaluate(test.x, test.y).accuracy!;
}

test('moons: 2-4-2-1 tanh ≥ 97% where logistic regression stays near 86%', async () => {
  const train = datasets.moons({ n: 500, noise: 0.1, seed: 1 });
  const heldOut = datasets.moons({ n: 500, noise: 0.1, seed: 2 });
  const logistic = await trainAndTest({ hidden: [], activation: 'tanh', classes: 2 }, train, heldOut, 100, 0.05);
  const mlp = await trainAndTest({ hidden: [4, 2], activation: 'tanh', classes: 2 }, train, heldOut, 200, 0.02);
  assert.ok(logistic > 0.8 && logistic < 0.92, `logistic regression on moons: ${logistic}`);
  assert.ok(mlp >= 0.97, `2-4-2-1 on moons: ${mlp}`);
});

test('circles: 2-4-2-1 tanh ≥ 97% where logistic regression stays near 50%', async () => {
  const train = datasets.circles({ n: 500, noise: 0.05, factor: 0.5, seed: 1 });
  const heldOut = datasets.circles({ n: 500, noise: 0.05, factor: 0.5, seed: 2 });
  const logistic = await trainAndTest({ hidden: [], activation: 'tanh', classes: 2 }, train, heldOut, 100, 0.05);
  const mlp = await trainAndTest({ hidden: [4, 2], activation: 'tanh', classes: 2 }, train, heldOut, 200, 0.02);
  assert.ok(logistic > 0.35 && logistic < 0.65, `logistic regression on circles: ${logistic}`);
  assert.ok(mlp >= 0.97, `2-4-2-1 on circles: ${mlp}`);
});

test('three-class spiral: 64-32-16-3 tanh + softmax ≥ 95% where softmax regression stays far lower', async () => {
  const train = datasets.spirals({ n: 600, classes: 3, noise: 0.2, seed: 1 });
  const heldOut = datasets.spirals({ n: 600, classes: 3, noise: 0.2, seed: 2 });
  const softmaxRegression = await trainAndTest({ hidden: [], activation: 'tanh', classes: 3 }, train, heldOut, 100, 0.05);
  const mlp = await trainAndTest({ hidden: [64, 32, 16], activation: 'tanh', classes: 3 }, train, heldOut, 150, 0.01);
  assert.ok(softmaxRegression < 0.65, `softmax regression on spirals: ${softmaxRegression}`);
  assert.ok(mlp >= 0.95, `64-32-16-3 on spirals: ${mlp}`);
});

test('XOR truth table learned to 100% by a 2-4-1 network', async () => {
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const y = [0, 1, 1, 0];
  const model = build({ hidden: [4], activation: 'tanh', classes: 2 }, 3);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5, momentum: 0.9 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
  assert.equal(model.evaluate(x, y).accuracy, 1);
  assert.deepEqual(model.predictClasses(x), y);
});

test('all-zero initialisation keeps hidden units identical (symmetry, seed 003); random does not', async () => {
  const data = datasets.moons({ n: 200, seed: 5 });
  const run = async (zero: boolean) => {
    const model = build({ hidden: [4], activation: 'tanh', classes: 2 }, 1, zero ? 'zeros' : undefined);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(data.x, data.y, { epochs: 20, batchSize: 32, verbose: 0 });
    const [W1] = model.getWeights() as number[][][];
    // Columns of W1 are the hidden units' incoming weights.
    return W1!.every((row) => row.every((v) => v === row[0]));
  };
  assert.equal(await run(true), true, 'zero init: every hidden unit has the same weights after training');
  assert.equal(await run(false), false, 'random init: hidden units differ');
});

test('same seed gives bit-identical weights, history and predictions; another seed differs (D1, D2)', async () => {
  const data = datasets.moons({ n: 200, seed: 9 });
  const run = async (seed: number) => {
    const model = sequential([layers.dense({ units: 8, inputShape: [2], activation: 'relu' }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(data.x, data.y, { epochs: 5, batchSize: 16, validationSplit: 0.2, verbose: 0 });
    return { w: model.getWeights(), h: h.history, p: model.predict(data.x.slice(0, 10)) };
  };
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  assert.deepEqual(a.w, b.w);
  assert.deepEqual(a.h, b.h);
  assert.deepEqual(a.p, b.p);
  assert.notDeepEqual(a.w, c.w);
});

test('full batch, mini-batch and batchSize 1 all lower the loss; history has every metric per epoch', async () => {
  const data = datasets.moons({ n: 120, seed: 4 });
  for (const batchSize of [120, 32, 1]) {
    const model = build({ hidden: [6], activation: 'tanh', classes: 2 }, 2);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(data.x, data.y, { epochs: 8, batchSize, validationSplit: 0.25, verbose: 0 });
    const loss = h.history.loss!;
    assert.equal(loss.length, 8);
    assert.ok(loss[7]! < loss[0]!, `batchSize ${batchSize}: loss ${loss[0]} → ${loss[7]}`);
    for (const k of ['accuracy', 'val_loss', 'val_accuracy', 'lr']) assert.equal(h.history[k]?.length, 8, k);
    assert.equal(h.iterations, 8 * Math.ceil(90 / batchSize));
  }
});

test('reinitialize then fit again reproduces the first fit exactly (V11)', async () => {
  const data = datasets.moons({ n: 100, seed: 3 });
  const model = sequential([layers.dense({ units: 6, inputShape: [2], activation: 'tanh' }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 5 });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const initial = model.getWeights();
  await model.fit(data.x, data.y, { epochs: 3, batchSize: 10, verbose: 0 });
  const first = model.predict(data.x);
  model.reinitialize();
  assert.deepEqual(model.getWeights(), initial);
  await model.fit(data.x, data.y, { epochs: 3, batchSize: 10, verbose: 0 });
  assert.deepEqual(model.predict(data.x), first);
});
