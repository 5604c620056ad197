// fit's validationSplit on rows sorted by class: a warning, and stratify: true validates on every class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, sequential, layers } from '../../src/index.js';

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
    callbacks: [{ setParams: (p) => seen.push(p.samples) }],
  });
  assert.deepEqual(strat.warnings, []);
  assert.deepEqual(seen, [120], '10 rows of each class held out');
  assert.ok(strat.history.val_accuracy![0]! > 0 && strat.history.val_accuracy![0]! < 1, 'validated on several classes');
});
