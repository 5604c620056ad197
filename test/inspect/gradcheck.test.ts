import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sequential, layers, regularizers, gradcheck, renderGradcheck, Dense, Matrix,
  InputError, NotFittedError, ShapeError, type LossName,
} from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { randomMatrix } from '../helpers/gradcheck.js';

const X = randomMatrix(6, 3, 17).toArray();

function targetsFor(loss: LossName, k: number): number[][] | number[] {
  if (loss === 'sparseCategoricalCrossentropy') return [0, 1, 2, 1, 0, 2].map((c) => c % k);
  if (loss === 'categoricalCrossentropy') return [0, 1, 2, 1, 0, 2].map((c) => Array.from({ length: k }, (_, j) => (j === c % k ? 1 : 0)));
  if (loss === 'binaryCrossentropy') return [[1, 0], [0, 0], [1, 1], [0, 1], [1, 0], [0, 1]].map((r) => r.slice(0, k));
  return randomMatrix(6, k, 5).toArray();
}

test('passes on correct layers, for every loss and activation (float64, away from kinks)', () => {
  const cases: [LossName, string][] = [
    ['sse', 'sigmoid'], ['mse', 'linear'], ['mae', 'tanh'], ['binaryCrossentropy', 'sigmoid'],
    ['categoricalCrossentropy', 'softmax'], ['sparseCategoricalCrossentropy', 'softmax'],
  ];
  for (const [loss, out] of cases) {
    for (const hidden of ['tanh', 'sigmoid', 'relu', 'leakyRelu'] as const) {
      const k = out === 'softmax' ? 3 : 2;
      const m = sequential([
        layers.dense({ units: 4, activation: hidden, inputShape: [3] }),
        layers.dense({ units: k, activation: out as 'linear' }),
      ], { seed: 4, dtype: 'float64' });
      m.compile({ optimizer: 'sgd', loss });
      const r = gradcheck(m, X, targetsFor(loss, k));
      assert.ok(r.passed, `${hidden} → ${out} with ${loss}:\n${renderGradcheck(r)}`);
      assert.deepEqual(r.tensors.map((t) => t.name), ['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
      assert.deepEqual(r.tensors.map((t) => t.checked), [12, 4, 4 * k, k]);
      // Float64 central differences with h = 1e-6 are good to ~1e-10 absolute (rounding in E).
      for (const t of r.tensors) {
        assert.ok(t.maxAbsoluteError < 1e-8 && t.maxRelativeError < 1e-5, `${hidden} → ${out} with ${loss}, ${t.name}: ${JSON.stringify(t)}`);
      }
    }
  }
});

test('passes with regularisers, batch norm, dropout (mask frozen) and a separate activation layer', () => {
  const m = sequential([
    layers.dense({ units: 5, activation: 'linear', inputShape: [3], kernelRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.02 }) }),
    layers.batchNormalization(),
    layers.activation({ activation: 'tanh' }),
    layers.dropout({ rate: 0.4 }),
    layers.dense({ units: 2, activation: 'sigmoid' }),
  ], { seed: 8, dtype: 'float64' });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const r = gradcheck(m, X, targetsFor('binaryCrossentropy', 2));
  assert.ok(r.passed, renderGradcheck(r));
  assert.deepEqual(r.tensors.map((t) => t.name), [
    'dense_1/kernel', 'dense_1/bias', 'batch_normalization_1/gamma', 'batch_normalization_1/beta', 'dense_2/kernel', 'dense_2/bias',
  ]);
});

/** Dense whose backward adds a wrong term to one kernel entry (position [1, 0]). */
class BrokenKernel extends Dense {
  override backwardFromPreactivation(dZ: Matrix, need: boolean): Matrix {
    const dX = super.backwardFromPreactivation(dZ, need);
    this.kernel.grad[this.units]! += 0.05;
    return dX;
  }
}

/** Dense whose backward forgets ∂E/∂b. */
class NoBiasGradient extends Dense {
  override backwardFromPreactivation(dZ: Matrix, need: boolean): Matrix {
    const saved = this.bias!.grad.slice();
    const dX = super.backwardFromPreactivation(dZ, need);
    this.bias!.grad.set(saved);
    return dX;
  }
}

test('fails, pointing at the parameter, on a layer whose backward is broken', () => {
  const m = sequential([
    layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }),
    new BrokenKernel({ units: 3, activation: 'tanh', name: 'broken' }),
    layers.dense({ units: 2, activation: 'linear' }),
  ], { seed: 2, dtype: 'float64' });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const before = JSON.stringify(m.getWeights());
  const r = gradcheck(m, X, targetsFor('mse', 2));
  assert.equal(r.passed, false);
  assert.deepEqual(r.tensors.filter((t) => !t.passed).map((t) => t.name), ['broken/kernel']);
  const t = r.tensors.find((x) => x.name === 'broken/kernel')!;
  assert.deepEqual(t.worst!.position, [1, 0]);
  assert.equal(t.worst!.index, 3);
  assert.ok(Math.abs(t.worst!.analytic - t.worst!.numeric - 0.05) < 1e-6, `the wrong term shows: ${JSON.stringify(t.worst)}`);
  assert.match(renderGradcheck(r), /FAILED: broken\/kernel disagree/);
  assert.match(renderGradcheck(r), /broken\/kernel .*\[1, 0\] analytic .* FAIL/);
  assert.equal(JSON.stringify(m.getWeights()), before, 'weights restored after perturbation');

  const m2 = sequential([
    layers.dense({ units: 4, activation: 'sigmoid', inputShape: [3] }),
    new NoBiasGradient({ units: 2, activation: 'sigmoid', name: 'nobias' }),
  ], { seed: 2, dtype: 'float64' });
  m2.compile({ optimizer: 'sgd', loss: 'sse' });
  const r2 = gradcheck(m2, X, targetsFor('sse', 2));
  assert.deepEqual(r2.tensors.filter((t2) => !t2.passed).map((t2) => t2.name), ['nobias/bias']);
  assert.equal(r2.tensors.find((t2) => t2.name === 'nobias/bias')!.worst!.analytic, 0);
});

test('a float32 model is checked on a float64 copy and left untouched', () => {
  const m = sequential([
    layers.dense({ units: 3, activation: 'tanh', inputShape: [3] }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const before = m.params().map((p) => Array.from(p.value));
  const r = gradcheck(m, X, [1, 0, 1, 1, 0, 0]);
  assert.ok(r.passed, renderGradcheck(r));
  assert.ok(r.tensors.every((t) => t.maxAbsoluteError < 1e-8), 'float64 precision, not float32');
  m.params().forEach((p, i) => assert.deepEqual(Array.from(p.value), before[i]));
});

test('maxEntriesPerTensor samples entries (seeded) and options are validated', () => {
  const m = sequential([layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1 })], { dtype: 'float64' });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const r = gradcheck(m, X, targetsFor('mse', 1), { maxEntriesPerTensor: 5, epsilon: 1e-5 });
  assert.deepEqual(r.tensors.map((t) => t.checked), [5, 5, 5, 1]);
  assert.equal(r.epsilon, 1e-5);
  assertThrowsWith(() => gradcheck(m, X, targetsFor('mse', 1), { epsilon: 0 }), InputError, /epsilon must be a finite number > 0, got 0/);
  assertThrowsWith(() => gradcheck(m, X, targetsFor('mse', 1), { eps: 1 } as never), InputError, /unknown option "eps"/);
});

test('bad input: step activation, not compiled, wrong width', () => {
  const step = sequential([layers.dense({ units: 2, activation: 'step', inputShape: [3] }), layers.dense({ units: 1 })], { dtype: 'float64' });
  step.compile({ optimizer: 'sgd', loss: 'mse' });
  assertThrowsWith(() => gradcheck(step, X, targetsFor('mse', 1)), InputError, /dense_1 uses the 'step' activation/, /derivative is zero almost everywhere/);
  const sign = sequential([layers.dense({ units: 2, inputShape: [3] }), layers.activation({ activation: 'sign' })], { dtype: 'float64' });
  sign.compile({ optimizer: 'sgd', loss: 'mse' });
  assertThrowsWith(() => gradcheck(sign, X, targetsFor('mse', 2)), InputError, /activation_1 uses the 'sign' activation/);
  const m = sequential([layers.dense({ units: 1, inputShape: [2] })]);
  assertThrowsWith(() => gradcheck(m, [[1, 2]], [[1]]), NotFittedError, /gradcheck: the model is not compiled/);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  assertThrowsWith(() => gradcheck(m, X, targetsFor('mse', 1)), ShapeError, /gradcheck x has 3 features, model expects 2/);
});
