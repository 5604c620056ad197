// Bad input gets the library's own errors naming what and where (RELIABILITY N5, V1–V15, D4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sequential, layers, optimizers, InputError, ShapeError, NotFittedError, DivergenceError, type Sequential,
} from '../../src/index.js';
import { assertThrowsWith, assertRejectsWith } from '../helpers/assert.js';

function binaryModel(): Sequential {
  const m = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}
const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [0, 1, 1, 0];

test('unknown names list the known ones and suggest the nearest (V15)', () => {
  assertThrowsWith(() => layers.dense({ units: 2, activation: 'rleu' as 'relu' }), InputError, /unknown activation "rleu"/, /did you mean "relu"/, /sigmoid/);
  const m = sequential([layers.dense({ units: 1, inputShape: [2] })]);
  assertThrowsWith(() => m.compile({ optimizer: 'adma' as 'adam', loss: 'mse' }), InputError, /unknown optimizer "adma"/, /did you mean "adam"/);
  assertThrowsWith(() => m.compile({ optimizer: 'sgd', loss: 'binaryCrossEntropy' as 'mse' }), InputError, /unknown loss/, /did you mean "binaryCrossentropy"/);
  assertThrowsWith(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] }), InputError, /unknown metric "acuracy"/, /accuracy/);
  assertThrowsWith(() => layers.dense({ units: 2, kernelInitializer: 'glorot' as 'glorotUniform' }), InputError, /unknown initializer "glorot"/);
});

test('bad hyper-parameters fail at construction, quoting the value (V15)', () => {
  assertThrowsWith(() => layers.dense({ units: 0 }), InputError, /units must be an integer ≥ 1, got 0/);
  assertThrowsWith(() => layers.dense({ units: 2.5 }), InputError, /units/, /2\.5/);
  assertThrowsWith(() => optimizers.sgd({ learningRate: -1 }), InputError, /learningRate must be a finite number > 0, got -1/);
  assertThrowsWith(() => optimizers.adam({ learningRate: NaN }), InputError, /learningRate/, /NaN/);
  assertThrowsWith(() => optimizers.sgd({ learningRate: 0 }), InputError, /learningRate/);
  assertThrowsWith(() => optimizers.sgd({ momentum: 1.5 }), InputError, /momentum must be in \[0, 1\)/);
  assertThrowsWith(() => layers.dropout({ rate: 1 }), InputError, /rate must be in \[0, 1\)/);
  assertThrowsWith(() => layers.dense({ units: 2, unitz: 3 } as never), InputError, /unknown option "unitz"/);
  assertThrowsWith(() => sequential([], { seed: NaN }), InputError, /seed/);
});

test('fit options are validated before data is touched (V15)', async () => {
  const m = binaryModel();
  await assertRejectsWith(() => m.fit(X, Y, { epochs: 1.5, verbose: 0 }), InputError, /epochs must be an integer ≥ 1, got 1\.5/);
  await assertRejectsWith(() => m.fit(X, Y, { batchSize: 0, verbose: 0 }), InputError, /batchSize/);
  await assertRejectsWith(() => m.fit(X, Y, { validationSplit: 1, verbose: 0 }), InputError, /validationSplit/);
  await assertRejectsWith(() => m.fit(X, Y, { validationSplit: 0.1, verbose: 0 }), InputError, /leaves 4 training and 0 validation rows/);
  await assertRejectsWith(() => m.fit(X, Y, { epochz: 3 } as never), InputError, /unknown option "epochz"/);
});

test('NaN and ±Infinity in x or y are named by row and column; nothing is trained (V1, V2)', async () => {
  const m = binaryModel();
  const before = m.getWeights();
  await assertRejectsWith(() => m.fit([[0, 0], [0, NaN], [1, 0], [1, 1]], Y, { verbose: 0 }), InputError, /row 1, column 1 is NaN/);
  await assertRejectsWith(() => m.fit([[0, 0], [0, 1], [Infinity, 0], [1, 1]], Y, { verbose: 0 }), InputError, /row 2, column 0 is Infinity/);
  await assertRejectsWith(() => m.fit([[0, 0], [0, 1], [-Infinity, 0], [1, 1]], Y, { verbose: 0 }), InputError, /-Infinity/);
  await assertRejectsWith(() => m.fit(X, [0, NaN, 1, 0], { verbose: 0 }), InputError, /y: row 1 is NaN/);
  assert.deepEqual(m.getWeights(), before);
});

test('empty data, 0 features and 1-D input (V3, V5)', async () => {
  const m = binaryModel();
  await assertRejectsWith(() => m.fit([], [], { verbose: 0 }), InputError, /0 samples/);
  const free = sequential([layers.dense({ units: 1 })]);
  free.compile({ optimizer: 'sgd', loss: 'mse' });
  await assertRejectsWith(() => free.fit([[], []], [1, 2], { verbose: 0 }), InputError, /0 features \(shape=\(2, 0\)\)/);
  await assertRejectsWith(() => m.fit([1, 2, 3] as never, Y, { verbose: 0 }), InputError, /expected 2-D input \[n, d\]/);
  assertThrowsWith(() => m.predict([0.5, 0.2] as never), InputError, /expected 2-D input/, /wrap a single sample as \[\[\.\.\.\]\]/);
});

test('one sample and one feature train (V4)', async () => {
  const m = sequential([layers.dense({ units: 2, activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })]);
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const h = await m.fit([[0.3]], [1], { epochs: 3, verbose: 0 });
  assert.equal(h.history.loss!.length, 3);
  assert.ok(h.history.loss!.every(Number.isFinite));
});

test('shape mismatches name both shapes (V6, N5)', async () => {
  const m = binaryModel();
  assertThrowsWith(() => m.predict([[1, 2, 3]]), ShapeError, /predict x has 3 features, model expects 2/);
  assertThrowsWith(() => m.predict([[1, 2], [3]]), ShapeError, /row 1 has 1 values, expected 2/);
  await assertRejectsWith(() => m.fit(X, [0, 1, 1], { verbose: 0 }), ShapeError, /x has 4 rows but y has 3/);
  const multi = sequential([layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })]);
  multi.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  await assertRejectsWith(() => multi.fit(X, [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]], { verbose: 0 }), ShapeError, /y has shape \[4, 3\] but the model output is \[4, 2\]/);
  await assertRejectsWith(() => multi.fit(X, [0, 1, 5, 1], { verbose: 0 }), InputError, /label 5 in row 2 is out of range for 2 output units/);
  const sparse = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })]);
  sparse.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  await assertRejectsWith(() => sparse.fit(X, [[0], [1], [-1], [2]], { verbose: 0 }), InputError, /row 2 has class index -1/);
  await assertRejectsWith(() => sparse.fit(X, [[0], [1], [3], [2]], { verbose: 0 }), InputError, /row 2 has class index 3/, /\[0, 2\]/);
});

test('setWeights checks count and shapes: "dense_1 kernel: expected [2, 4], got [4, 2]"', () => {
  const m = sequential([layers.dense({ units: 4, inputShape: [2] }), layers.dense({ units: 1 })]);
  const w = m.getWeights();
  assertThrowsWith(() => m.setWeights(w.slice(0, 3)), ShapeError, /expected 4 arrays/, /dense_1\/kernel/);
  const wrong = [Array.from({ length: 4 }, () => [0, 0]), ...w.slice(1)];
  assertThrowsWith(() => m.setWeights(wrong), ShapeError, /dense_1 kernel: expected \[2, 4\], got \[4, 2\]/);
  assertThrowsWith(() => m.setWeights([w[0]!, [1, 2, 3], w[2]!, w[3]!]), ShapeError, /dense_1 bias: expected \[4\], got \[3\]/);
  assertThrowsWith(() => m.setWeights([w[0]!, [1, 2, 3, NaN], w[2]!, w[3]!]), InputError, /dense_1 bias: element 3 is NaN/);
});

test('using a model before compile or build (V10)', async () => {
  const unbuilt = sequential([layers.dense({ units: 1 })]);
  assertThrowsWith(() => unbuilt.getWeights(), NotFittedError, /not built/);
  assertThrowsWith(() => unbuilt.countParams(), NotFittedError, /not built/);
  const uncompiled = sequential([layers.dense({ units: 1, inputShape: [2] })]);
  await assertRejectsWith(() => uncompiled.fit(X, Y, { verbose: 0 }), NotFittedError, /not compiled/);
  assertThrowsWith(() => uncompiled.evaluate(X, Y), NotFittedError, /not compiled/);
  assertThrowsWith(() => sequential().predict(X), NotFittedError, /no layers/);
});

test('classifier targets: class names, non-contiguous ints, continuous values, one class (V7–V9)', async () => {
  const m = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })], { seed: 2 });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const xs = [[0, 0], [5, 5], [-5, 5], [0.1, 0], [5, 5.1], [-5, 5.2]];
  await m.fit(xs, ['cat', 'dog', 'eel', 'cat', 'dog', 'eel'], { epochs: 200, verbose: 0, batchSize: 6 });
  assert.deepEqual(m.classes, ['cat', 'dog', 'eel']);
  assert.deepEqual(m.predictClasses(xs), ['cat', 'dog', 'eel', 'cat', 'dog', 'eel']);

  const nc = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })], { seed: 2 });
  nc.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy' });
  await nc.fit(xs, [3, 7, 9, 3, 7, 9], { epochs: 200, verbose: 0, batchSize: 6 });
  assert.deepEqual(nc.classes, [3, 7, 9]);
  assert.deepEqual(nc.predictClasses(xs), [3, 7, 9, 3, 7, 9]);

  const bin = binaryModel();
  await assertRejectsWith(() => bin.fit(X, [0.1, 0.5, 0.25, 0.9], { verbose: 0 }), InputError, /continuous target/, /regressor/);
  const one = binaryModel();
  const h = await one.fit(X, [1, 1, 1, 1], { epochs: 5, verbose: 0 });
  assert.ok(h.history.loss!.every(Number.isFinite), 'one class: finite loss, never NaN');
});

test('inputs are never mutated, and predict returns fresh arrays (V12)', async () => {
  const m = binaryModel();
  const x = X.map((r) => [...r]);
  const y = [...Y];
  await m.fit(x, y, { epochs: 2, verbose: 0, batchSize: 2 });
  assert.deepEqual(x, X);
  assert.deepEqual(y, Y);
  const p1 = m.predict(x);
  p1[0]![0] = 123;
  assert.notEqual(m.predict(x)[0]![0], 123);
  const w = m.getWeights();
  (w[1] as number[])[0] = 99;
  assert.notEqual((m.getWeights()[1] as number[])[0], 99);
});

test('per-row predictions do not depend on batch composition or order (V13, V14)', () => {
  const m = binaryModel();
  const x = Array.from({ length: 23 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
  const full = m.predict(x);
  for (const batchSize of [1, 7, 23]) {
    const p = m.predict(x, { batchSize });
    p.forEach((row, i) => assert.ok(Math.abs(row[0]! - full[i]![0]!) <= 1e-6));
  }
  const reversed = m.predict([...x].reverse());
  reversed.forEach((row, i) => assert.ok(Math.abs(row[0]! - full[22 - i]![0]!) <= 1e-6));
  const typed = m.predict(x.map((r) => Float64Array.from(r)));
  const typed32 = m.predict(x.map((r) => Float32Array.from(r)));
  typed.forEach((row, i) => assert.ok(Math.abs(row[0]! - full[i]![0]!) <= 1e-6));
  typed32.forEach((row, i) => assert.ok(Math.abs(row[0]! - full[i]![0]!) <= 1e-6));
  assert.deepEqual(m.predict([[1, 2]]).length, 1);
  assert.deepEqual(m.predict([[1, 2]]), m.predict([[1.0, 2.0]]));
});

test('a diverging run stops with DivergenceError on the first non-finite loss; weights stay finite (T1)', async () => {
  const m = sequential([layers.dense({ units: 8, inputShape: [2], activation: 'relu' }), layers.dense({ units: 1 })], { seed: 1 });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 1e3 }), loss: 'mse' });
  const x = Array.from({ length: 64 }, (_, i) => [i, i * 2]);
  const y = x.map((r) => r[0]! * 3);
  // Either the first non-finite loss (epoch, batch) or, earlier, an epoch whose finite loss exploded (R6).
  await assertRejectsWith(() => m.fit(x, y, { epochs: 50, verbose: 0 }), DivergenceError, /epoch \d+(, batch \d+)?:/, /not finite|Infinity|NaN|training is diverging/);
  assert.ok(m.getWeights().flat(2).every((v) => Number.isFinite(v as number)), 'no NaN or Infinity left in the weights');
});

test('Math.random is never touched by build, fit or predict (D4)', async () => {
  const original = Math.random;
  Math.random = () => {
    throw new Error('Math.random called');
  };
  try {
    const m = sequential([layers.dense({ units: 4, inputShape: [2], activation: 'relu' }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 1, activation: 'sigmoid' })]);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await m.fit(X, Y, { epochs: 3, verbose: 0, validationSplit: 0.25 });
    m.predict(X);
  } finally {
    Math.random = original;
  }
});
