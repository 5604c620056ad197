// The network the playground builds from its settings, the grids it draws, and the worker's
// training contract (the playground's model learns the data sets it offers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dense } from '../../src/index.js';
import { buildModel, encodeY, accuracyOf, outputFor } from '../../playground/src/model.js';
import { makeGrid, unitGrids, boundaryGrid } from '../../playground/src/snapshot.js';
import { makeData } from '../../playground/src/data.js';
import { defaultConfig } from '../../playground/src/state.js';
import { assertClose } from '../helpers/assert.js';

const binary = { task: 'binary' as const, inputDim: 2, classes: 2 };

test('output and loss follow the task; SSE can replace the implied loss', () => {
  assert.deepEqual(outputFor(binary, 'default'), { units: 1, activation: 'sigmoid', loss: 'binaryCrossentropy' });
  assert.deepEqual(outputFor({ task: 'multiclass', inputDim: 2, classes: 4 }, 'default'), { units: 4, activation: 'softmax', loss: 'sparseCategoricalCrossentropy' });
  assert.deepEqual(outputFor({ task: 'regression', inputDim: 1, classes: 1 }, 'default'), { units: 1, activation: 'linear', loss: 'mse' });
  assert.equal(outputFor(binary, 'sse').loss, 'sse');
});

test('layers, blocks and settings: batch norm, dropout, regulariser, initialiser, optimiser', () => {
  const c = { ...defaultConfig(), hidden: [5, 3], activations: ['relu' as const, 'sigmoid' as const], batchNorm: true, dropout: 0.2, regularization: 'l2' as const, regularizationRate: 0.01, initializer: 'heNormal' as const, optimizer: 'momentum' as const, learningRate: 0.3 };
  const { model, blocks, lossName } = buildModel(c, binary);
  assert.deepEqual(model.layers.map((l) => l.className), ['Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense']);
  assert.deepEqual(blocks.map((b) => [b.end, b.units, b.activation]), [[3, 5, 'relu'], [7, 3, 'sigmoid'], [8, 1, 'sigmoid']]);
  assert.ok(blocks.every((b) => b.dense instanceof Dense));
  assert.equal(lossName, 'binaryCrossentropy');
  const dense = model.layers[0] as Dense;
  assert.equal(dense.kernelInitializer.name, 'heNormal');
  assert.deepEqual(dense.kernelRegularizer?.config, { l1: 0, l2: 0.01 });
  assert.equal(model.optimizer?.getConfig().momentum, 0.9);
  assert.equal(model.optimizer?.learningRate, 0.3);
  const plain = buildModel({ ...defaultConfig(), hidden: [] }, binary);
  assert.deepEqual(plain.model.layers.map((l) => l.className), ['Dense'], 'no hidden layer: logistic regression');
  assert.deepEqual(encodeY([2, 0], { task: 'multiclass', inputDim: 2, classes: 3 }), [[2], [0]], 'class indices for sparse cross-entropy');
  assert.deepEqual(encodeY([2, 0], { task: 'multiclass', inputDim: 2, classes: 3 }, 'sse'), [[0, 0, 1], [1, 0, 0]], 'one-hot rows for SSE');
  assert.deepEqual(encodeY([0.5], { task: 'regression', inputDim: 1, classes: 1 }), [[0.5]]);
});

test('accuracy: threshold ½ for one output, argmax for several', () => {
  assert.equal(accuracyOf([0.2, 0.7, 0.5, 0.4], 1, [0, 1, 1, 1]), 0.5, 'p > 0.5 is class 1; exactly 0.5 is class 0 (the library\'s classCodes rule)');
  assert.equal(accuracyOf([0.1, 0.9, 0.8, 0.2, 0.3, 0.7], 2, [1, 0, 0]), 2 / 3);
});

test('grids: every unit on the grid in image order; the output block equals predict; boundary = probabilities', () => {
  const c = { ...defaultConfig(), hidden: [3], batchNorm: true, dropout: 0.3 };
  const { model, blocks } = buildModel(c, { task: 'multiclass', inputDim: 2, classes: 3 });
  const grid = makeGrid(2, [-1, 1], [-2, 2], 4);
  assert.deepEqual(grid.points.toArray().slice(0, 5), [[-1, 2], [-1 / 3, 2], [1 / 3, 2], [1, 2], [-1, 2 / 3]].map((r) => r.map(Math.fround)), 'row 0 is the top (largest y)');
  const grids = unitGrids(model, blocks, grid);
  assert.deepEqual(grids.map((g) => g.length), [16 * 3, 16 * 3]);
  const pred = model.predict(grid.points.toArray()).flat();
  grids[1]!.forEach((v, i) => assertClose(v, pred[i]!, 1e-6, 0, `output ${i}`));
  const b = boundaryGrid(model, grid);
  b.forEach((v, i) => assertClose(v, pred[i]!, 1e-6, 0, `boundary ${i}`));
  const one = buildModel({ ...defaultConfig() }, binary);
  const ob = boundaryGrid(one.model, grid);
  const op = one.model.predict(grid.points.toArray()).flat();
  op.forEach((p, i) => {
    assertClose(ob[2 * i]!, 1 - p, 1e-6, 0, 'p(class 0)');
    assertClose(ob[2 * i + 1]!, p, 1e-6, 0, 'p(class 1)');
  });
  const line = makeGrid(1, [-1, 1], [0, 0], 5);
  assert.deepEqual(line.points.toArray(), [[-1], [-0.5], [0], [0.5], [1]]);
});

test('the default network learns the offered data sets (what the page trains, in Node)', async () => {
  const cases = [
    { dataset: 'circles' as const, hidden: [4, 2], want: 0.9 },
    { dataset: 'xor' as const, hidden: [4, 2], want: 0.9 },
    { dataset: 'blobs' as const, hidden: [4], want: 0.9 },
  ];
  for (const k of cases) {
    const c = { ...defaultConfig(), dataset: k.dataset, hidden: k.hidden, activations: k.hidden.map(() => 'tanh' as const) };
    const d = makeData(c);
    const { model } = buildModel(c, d);
    await model.fit(d.trainX, encodeY(d.trainY, d), { epochs: 60, batchSize: c.batchSize, verbose: 0 });
    const acc = accuracyOf(model.predictMatrix(d.testX).data, model.outputUnits, d.testY);
    assert.ok(acc >= k.want, `${k.dataset}: test accuracy ${acc}`);
  }
});
