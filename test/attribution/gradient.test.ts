import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, inputGradient, Matrix, Rng, ShapeError, ExplanationInputError, type Sequential } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

/** A float64 network with every kind of layer on the path from the inputs to a softmax output. */
function network(): Sequential {
  const m = sequential([
    layers.dense({ units: 6, activation: 'tanh', inputShape: [4] }),
    layers.batchNormalization(),
    layers.dense({ units: 5, activation: 'sigmoid' }),
    layers.dropout({ rate: 0.3 }),
    layers.dense({ units: 4, activation: 'leakyRelu' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { dtype: 'float64', seed: 11 });
  // Batch norm on moving statistics that are not 0 and 1, so inference mode is what is checked.
  const w = m.getWeights();
  const bn = m.layers[1]!.weights();
  const at = m.layers[0]!.weights().length;
  assert.ok(bn.some((p) => p.name.endsWith('movingMean')) && bn.some((p) => p.name.endsWith('movingVariance')));
  w[at + bn.findIndex((p) => p.name.includes('movingMean'))] = [0.1, -0.2, 0.3, 0, 0.05, -0.1];
  w[at + bn.findIndex((p) => p.name.includes('movingVariance'))] = [0.5, 2, 1.5, 0.8, 1.2, 0.9];
  m.setWeights(w);
  return m;
}

test('inputGradient equals central differences of predict in float64 (every output unit, several rows)', () => {
  const m = network();
  const rng = new Rng(4);
  const x = Matrix.zeros(5, 4, 'float64');
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  const h = 1e-6;
  for (let unit = 0; unit < 3; unit++) {
    const { output, gradient } = inputGradient(m, x, unit);
    const p = m.predict(x);
    for (let i = 0; i < 5; i++) {
      assert.equal(output[i], p[i]![unit], 'the output is predict\'s');
      for (let j = 0; j < 4; j++) {
        const plus = x.clone();
        const minus = x.clone();
        plus.data[i * 4 + j]! += h;
        minus.data[i * 4 + j]! -= h;
        const numeric = (m.predict(plus)[i]![unit]! - m.predict(minus)[i]![unit]!) / (2 * h);
        const exact = gradient.data[i * 4 + j]!;
        const rel = Math.abs(exact - numeric) / Math.max(Math.abs(exact) + Math.abs(numeric), 1e-8);
        assert.ok(rel < 1e-6, `unit ${unit}, row ${i}, input ${j}: exact ${exact}, central difference ${numeric} (relative error ${rel})`);
      }
    }
  }
});

test('inputGradient of a softmax output sums to zero over the units (the probabilities sum to 1)', () => {
  const m = network();
  const x = new Matrix(2, 4, Float64Array.from([0.3, -1, 2, 0.5, -0.7, 0.1, 0.4, -2]));
  const g = [0, 1, 2].map((u) => inputGradient(m, x, u).gradient.data);
  for (let k = 0; k < 8; k++) assert.ok(Math.abs(g[0]![k]! + g[1]![k]! + g[2]![k]!) < 1e-12, `input ${k}`);
  assert.ok(Math.abs(g[0]![0]!) > 1e-4, 'and is not zero itself');
});

test('inputGradient: a wrong width or unit is a clear error', () => {
  const m = network();
  assertThrowsWith(() => inputGradient(m, Matrix.zeros(1, 3, 'float64'), 0), ShapeError, /x has 3 features, the model expects 4/);
  assertThrowsWith(() => inputGradient(m, Matrix.zeros(1, 4, 'float64'), 3), ExplanationInputError, /output unit 3 does not exist; the model has units 0 to 2/);
});
