// fit's validationSplit on rows sorted by class: a warning, and stratify: true validates on every class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, sequential, layers, optimizers } from '../../src/index.js';

function model() {
  const m = sequential([layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), layers.dense({ units: 3, activation: 'softmax' })], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

test('a validation split of rows sorted by class warns that it holds one class; stratify: true takes the tail of every class', async () => {
  const iris = datasets.load('iris'); // sorted by species
  const plain = await model().fit(iris.x, iris.y, { epochs: 1, validationSplit: 0.2, verbose: 0 });
  assert.equal(plain.warnings.length, 1);
  assert.match(plain.warnings[0]!, /the validation split \(the last 30 rows\) holds only the class "virginica"; the rows may be sorted by class\. Shuffle them, or pass stratify: true\./);
  const m = model();
  const seen: number[] = [];
  const strat = await m.fit(iris.x, iris.y, {
    epochs: 1, validationSplit: 0.2, stratify: true, verbose: 0,
    callbacks: [{ setParams: (p) => seen.push(p.samples!) }],
  });
  assert.deepEqual(strat.warnings, []);
  assert.deepEqual(seen, [120], '10 rows of each class held out');
  assert.ok(strat.history.val_accuracy![0]! > 0 && strat.history.val_accuracy![0]! < 1, 'validated on several classes');
});

test('classWeight and sampleWeight scale each row\'s share of the gradient (Keras\' weighted loss)', async () => {
  const x = [[0.5, -1], [1, 0.2], [-0.3, 0.8], [0.9, 0.9]];
  const y = [0, 1, 1, 0];
  const make = (lr: number) => {
    const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 4, dtype: 'float64' });
    m.compile({ optimizer: optimizers.sgd({ learningRate: lr }), loss: 'binaryCrossentropy' });
    return m;
  };
  const step = async (lr: number, rows: number[], args: object) => {
    const m = make(lr);
    await m.fit(rows.map((i) => x[i]!), rows.map((i) => y[i]!), { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, ...args });
    return m.getWeights().flat(2) as number[];
  };
  const close = (a: number[], b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-12, `${v} vs ${b[i]}`));
  // Every weight 2 is the same step as twice the learning rate.
  close(await step(0.1, [0, 1, 2, 3], { sampleWeight: [2, 2, 2, 2] }), await step(0.2, [0, 1, 2, 3], {}));
  // Class 0 weighted 0: only class-1 rows move the weights, each by 1/4 of the batch (so lr × 2/4 on those two rows alone).
  close(await step(0.1, [0, 1, 2, 3], { classWeight: { 0: 0, 1: 1 } }), await step(0.05, [1, 2], {}));
  await assert.rejects(step(0.1, [0, 1, 2, 3], { sampleWeight: [1, 2] }), /sampleWeight must have one weight per row of x \(4\)/);
  await assert.rejects(step(0.1, [0, 1, 2, 3], { classWeight: { 7: 1 } }), /classWeight key "7" is not a class index/);
});
