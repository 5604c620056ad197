// V7, V8, N5: a prediction is always a known label; labels of one kind; a bad label names its row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, labelEncoder, layers, sequential } from '../../src/index.js';
import { assertRejectsWith, assertThrowsWith } from '../helpers/assert.js';

test('V7: two classes on a three-unit softmax predict only those two labels', async () => {
  const m = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [1] })], { seed: 3 });
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
  await m.fit([[0], [1]], ['cat', 'dog'], { epochs: 1, verbose: 0 });
  assert.deepEqual(m.classes, ['cat', 'dog']);
  // The third unit has no class; its bias makes it the largest output for every row.
  m.setWeights([[[0, 0, 0]], [1, 2, 9]]);
  assert.deepEqual(m.predictClasses([[0], [5]]), ['dog', 'dog']);
  m.setWeights([[[0, 1, 0]], [1, 0, 9]]);
  assert.deepEqual(m.predictClasses([[0], [5]]), ['cat', 'dog']);
});

test('V7: one class on a sigmoid output always predicts that class', async () => {
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [1] })], { seed: 1 });
  m.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
  await m.fit([[0], [1], [2]], ['only', 'only', 'only'], { epochs: 1, verbose: 0 });
  m.setWeights([[[5]], [5]]);
  assert.deepEqual(m.predictClasses([[0], [3], [-3]]), ['only', 'only', 'only']);
});

test('V8: labels 1 and "1" mixed are an InputError naming both rows and the rule', async () => {
  const m = sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })]);
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
  await assertRejectsWith(() => m.fit([[0], [1], [2]], [0, 1, '1'], { epochs: 1, verbose: 0 }), InputError,
    /y: labels mix numbers and strings \(row 0 is 0, row 2 is "1"\); give every label as a number or every label as a string/);
  assertThrowsWith(() => labelEncoder().fit([1, '1']), InputError, /labelEncoder: labels mix numbers and strings \(row 0 is 1, row 1 is "1"\)/);
});

test('N5: an out-of-range integer label names its row', async () => {
  const m = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [1] })]);
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd' });
  await assertRejectsWith(() => m.fit([[0], [1], [2], [3]], [0, 1, 2, 7], { epochs: 1, verbose: 0 }), InputError,
    /y: label 7 in row 3 is out of range for 3 output units \(4 distinct labels\)/);
});
