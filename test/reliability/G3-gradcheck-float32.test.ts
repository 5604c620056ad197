// G3: gradcheck says that a float32 model is checked on a float64 copy, and what that promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, layers, renderGradcheck, sequential } from '../../src/index.js';

function model(dtype: 'float32' | 'float64') {
  const m = sequential([layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1 })], { seed: 2, dtype });
  m.compile({ loss: 'mse', optimizer: 'sgd' });
  return m;
}

test('G3: a float32 model passes on its float64 copy and the report says what that proves', () => {
  const x = [[0.1, -0.4], [0.7, 0.2], [-0.3, 0.9]];
  const y = [[0.5], [-0.2], [0.1]];
  const r32 = gradcheck(model('float32'), x, y);
  assert.equal(r32.modelDtype, 'float32');
  assert.ok(r32.passed);
  assert.ok(r32.tensors.every((t) => t.maxRelativeError < 1e-6), 'float64 precision on the copy');
  assert.match(renderGradcheck(r32), /The float32 model was checked on a float64 copy: this proves the gradient formulas, not float32 rounding \(a check in float32 itself can only promise about rtol 1e-2 with a step of 1e-3\)\.\n$/);
  const r64 = gradcheck(model('float64'), x, y);
  assert.equal(r64.modelDtype, 'float64');
  assert.doesNotMatch(renderGradcheck(r64), /float64 copy/);
});
