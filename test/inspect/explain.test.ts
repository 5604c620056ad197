import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sequential, layers, optimizers, explain, renderExplanation, regularizers,
  InputError, NotFittedError, ShapeError, type Sequential,
} from '../../src/index.js';
import { assertAllClose, assertClose, assertThrowsWith } from '../helpers/assert.js';

/** Seed 003's 2-2-2 network (Mazur's example): w1..w8 = .15,.20,.25,.30,.40,.45,.50,.55; b1 = .35, b2 = .60. */
function mazur(dtype: 'float32' | 'float64' = 'float64'): Sequential {
  const m = sequential([
    layers.dense({ units: 2, activation: 'sigmoid', inputShape: [2] }),
    layers.dense({ units: 2, activation: 'sigmoid' }),
  ], { dtype });
  // Keras layout W[input][unit]: net_h1 = w1·i1 + w2·i2 + b1, net_h2 = w3·i1 + w4·i2 + b1,
  // net_o1 = w5·h1 + w6·h2 + b2, net_o2 = w7·h1 + w8·h2 + b2.
  m.setWeights([[[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35], [[0.4, 0.5], [0.45, 0.55]], [0.6, 0.6]]);
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'sse' });
  return m;
}

test('seed 003: the 2-2-2 example comes out number for number', () => {
  const e = explain(mazur(), [[0.05, 0.1]], [[0.01, 0.99]], { learningRate: 0.5 });
  const [h, o] = e.layers as [typeof e.layers[0], typeof e.layers[0]];
  assertClose(h.z[0]![0]!, 0.3775, 1e-12, 0, 'net_h1');
  assertClose(h.a[0]![0]!, 0.593269992, 1e-9, 0, 'out_h1');
  assertClose(o.a[0]![0]!, 0.75136507, 1e-8, 0, 'out_o1');
  assertClose(e.loss, 0.298371109, 1e-9, 0, 'E_total');
  // Output layer factors: ∂E/∂out_o1 = 0.74136507, ∂out/∂net = 0.186815602, δ_o1 = 0.138498562.
  assertClose(o.dA[0]![0]!, 0.74136507, 1e-8, 0, '∂E/∂out_o1');
  assertClose(o.gPrime![0]![0]!, 0.186815602, 1e-9, 0, "g'(net_o1)");
  assertClose(o.delta[0]![0]!, 0.138498562, 1e-9, 0, 'δ_o1');
  assert.equal(o.deltaRule, 'chain');
  // ∂E/∂w5: w5 connects h1 → o1, kernel[0][0] of the output layer.
  assertClose(o.dKernel[0]![0]!, 0.082167041, 1e-9, 0, '∂E/∂w5');
  // ∂E/∂out_h1 = 0.036350306 (δ·Wᵀ passed down), ∂out_h1/∂net_h1 = 0.241300709.
  assertClose(o.dInput[0]![0]!, 0.036350306, 1e-9, 0, '∂E/∂out_h1');
  assertClose(h.dA[0]![0]!, 0.036350306, 1e-9, 0, '∂E/∂out_h1 at the hidden layer');
  assertClose(h.gPrime![0]![0]!, 0.241300709, 1e-9, 0, "g'(net_h1)");
  assertClose(h.dKernel[0]![0]!, 0.000438568, 1e-9, 0, '∂E/∂w1');
  assertClose(o.kernelAfter[0]![0]!, 0.35891648, 1e-8, 0, 'w5 after one step');
  assertClose(h.kernelAfter[0]![0]!, 0.149780716, 1e-9, 0, 'w1 after one step');
  // The rest of Mazur's updated weights (w6, w7, w8 and w2, w3, w4).
  assertAllClose(o.kernelAfter.flat(), [0.35891648, 0.511301270, 0.408666186, 0.561370121], 1e-9, 0, 'w5..w8');
  assertAllClose(h.kernelAfter.flat(), [0.149780716, 0.24975114, 0.19956143, 0.29950229], 1e-8, 0, 'w1..w4');
  assert.equal(e.lossName, 'sse');
  assert.equal(e.learningRate, 0.5);
  assert.deepEqual(e.output[0]!.map((v) => Number(v.toFixed(6))), [0.751365, 0.772928]);
});

test('seed 003: the forward example (W(2), b(2), x = [3, 0, 1]) gives z, a of the notes', () => {
  const m = sequential([
    layers.dense({ units: 2, activation: 'sigmoid', inputShape: [3] }),
    layers.dense({ units: 2, activation: 'sigmoid' }),
  ], { dtype: 'float64' });
  // The notes write W(l) as [units][inputs]; Keras' layout is its transpose.
  m.setWeights([[[0.1, 0.4], [0.2, 0.3], [0.6, 0.1]], [0.4, 0.2], [[0.2, 0.1], [0.1, 0.4]], [0.6, 0.3]]);
  m.compile({ optimizer: 'sgd', loss: 'sse' });
  const e = explain(m, [[3, 0, 1]], [[1, 0]], { learningRate: 0.1 });
  assertAllClose(e.layers[0]!.z[0]!, [1.3, 1.5], 1e-12, 0, 'z(2)');
  assertAllClose(e.layers[0]!.a[0]!.map((v) => Number(v.toFixed(4))), [0.7858, 0.8176], 0, 0, 'a(2)');
  assertAllClose(e.layers[1]!.z[0]!.map((v) => Number(v.toFixed(4))), [0.8389, 0.7056], 0, 0, 'z(3)');
  assertAllClose(e.output[0]!.map((v) => Number(v.toFixed(4))), [0.6982, 0.6694], 0, 0, 'a(3)');
});

test('softmax + categorical cross-entropy: δ = ŷ − y, fused, with ∂E/∂a still shown', () => {
  const m = sequential([
    layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 3, dtype: 'float64' });
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const y = [[0, 1, 0]];
  const e = explain(m, [[0.5, -1.2]], y, { learningRate: 0.1 });
  const out = e.layers[1]!;
  assert.equal(out.deltaRule, 'fused');
  assert.equal(out.gPrime, null);
  assertAllClose(out.delta[0]!, e.output[0]!.map((p, j) => p - y[0]![j]!), 1e-15, 0, 'δ = ŷ − y');
  // ∂E/∂ŷ = −y/ŷ for cross-entropy.
  assertClose(out.dA[0]![1]!, -1 / e.output[0]![1]!, 1e-12, 0, '∂E/∂ŷ');
  assertClose(e.loss, -Math.log(e.output[0]![1]!), 1e-12, 0, 'E = −log ŷ_true');
  // Sparse labels give the same δ.
  m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const s = explain(m, [[0.5, -1.2]], [1], { learningRate: 0.1 });
  assertAllClose(s.layers[1]!.delta[0]!, out.delta[0]!, 1e-15, 0, 'sparse δ');
});

test('sigmoid + binary cross-entropy on a batch: δ = (ŷ − y)/m', () => {
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 1, dtype: 'float64' });
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const e = explain(m, [[1, 2], [-1, 0.5], [0, 0]], [1, 0, 1], { learningRate: 1 });
  const l = e.layers[0]!;
  assert.equal(l.deltaRule, 'fused');
  assert.equal(e.batchSize, 3);
  l.delta.forEach((row, i) => assertClose(row[0]!, (e.output[i]![0]! - [1, 0, 1][i]!) / 3, 1e-15, 0, `δ row ${i}`));
  // ∂E/∂W = a(0)ᵀ·δ, ∂E/∂b = Σ δ.
  for (let r = 0; r < 2; r++) assertClose(l.dKernel[r]![0]!, e.x.reduce((s, xr, i) => s + xr[r]! * l.delta[i]![0]!, 0), 1e-15, 0, `dW[${r}]`);
  assertClose(l.dBias![0]!, l.delta.reduce((s, r) => s + r[0]!, 0), 1e-15, 0, 'db');
});

test('explain agrees with computeGradients, with L2, batch norm and an activation layer in the stack', () => {
  const m = sequential([
    layers.dense({ units: 5, activation: 'relu', inputShape: [3], kernelRegularizer: regularizers.l2({ l2: 0.01 }) }),
    layers.dense({ units: 4, activation: 'linear' }),
    layers.activation({ activation: 'tanh' }),
    layers.batchNormalization(),
    layers.dense({ units: 2, activation: 'sigmoid' }),
  ], { seed: 11, dtype: 'float64' });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = [[0.3, -0.2, 1.1], [1.5, 0.4, -0.7], [-0.9, 0.8, 0.1], [0.2, 0.2, 0.2]];
  const y = [[0.1, 0.9], [0.8, 0.3], [0.5, 0.5], [0, 1]];
  const e = explain(m, x, y, { learningRate: 0.3 });
  const g = m.computeGradients(x, y);
  assertClose(e.loss, g.loss, 1e-12, 0, 'loss with penalty');
  assert.ok(e.penalty > 0);
  const fromExplain = e.layers.flatMap((l) => l.params.map((p) => p.grad));
  assert.equal(fromExplain.length, g.grads.length);
  fromExplain.forEach((t, i) => assertAllClose((t as number[][]).flat(), (g.grads[i] as number[][]).flat(), 1e-12, 0, `tensor ${i}`));
  const act = e.layers[2]!;
  assert.equal(act.className, 'Activation');
  assert.deepEqual(act.kernel, []);
  assert.equal(act.bias, null);
  act.delta.forEach((row, i) => row.forEach((v, j) => assertClose(v, act.dA[i]![j]! * (1 - act.a[i]![j]! ** 2), 1e-15, 0, 'tanh δ')));
  assert.deepEqual(e.layers[1]!.dA, act.dInput, 'what the activation passes down is what the linear dense receives');
  const bn = e.layers[3]!;
  assert.equal(bn.deltaRule, 'layer');
  assert.deepEqual(bn.params.map((p) => [p.name, p.trainable]), [
    ['batch_normalization_1/gamma', true], ['batch_normalization_1/beta', true],
    ['batch_normalization_1/movingMean', false], ['batch_normalization_1/movingVariance', false],
  ]);
  assert.deepEqual(bn.params[2]!.after, bn.params[2]!.value, 'non-trainable tensors are not stepped');
});

test('dropout: the mask is shown as g\' and δ = ∂E/∂a ⊙ mask', () => {
  const m = sequential([
    layers.dense({ units: 6, activation: 'tanh', inputShape: [2] }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 1, activation: 'linear' }),
  ], { seed: 5, dtype: 'float64' });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const e = explain(m, [[1, -1], [0.5, 2]], [[1], [0]], { learningRate: 0.1 });
  const d = e.layers[1]!;
  assert.equal(d.className, 'Dropout');
  const mask = d.gPrime!.flat();
  assert.ok(mask.every((v) => v === 0 || v === 2), `inverted dropout mask is 0 or 1/(1−rate): ${mask}`);
  assert.ok(mask.includes(0) && mask.includes(2));
  d.delta.forEach((row, i) => row.forEach((v, j) => assert.equal(v, d.dA[i]![j]! * d.gPrime![i]![j]!)));
  d.a.forEach((row, i) => row.forEach((v, j) => assertClose(v, d.z[i]![j]! * d.gPrime![i]![j]!, 1e-15)));
});

test('explain changes neither the weights nor the optimiser state (float32 and float64 models)', async () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const m = sequential([
      layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ], { seed: 9, dtype });
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    const x = [[0, 1], [1, 0], [1, 1], [0, 0]];
    const y = ['yes', 'yes', 'no', 'no'];
    await m.trainOnBatch(x, y);
    const weights = JSON.stringify(m.getWeights());
    const state = JSON.stringify(m.optimizer!.getState(m.params()));
    const classes = JSON.stringify(m.classes);
    const grads = m.params().map((p) => Array.from(p.grad));
    const e = explain(m, x, y, { learningRate: 0.5 });
    assert.equal(JSON.stringify(m.getWeights()), weights, `${dtype}: weights unchanged`);
    assert.equal(JSON.stringify(m.optimizer!.getState(m.params())), state, `${dtype}: optimiser state unchanged`);
    assert.equal(JSON.stringify(m.classes), classes);
    m.params().forEach((p, i) => assert.deepEqual(Array.from(p.grad), grads[i]));
    // The shown weights are the model's; the step is plain GD with the given rate.
    const w = m.getWeights()[2] as number[][];
    e.layers[1]!.kernel.forEach((row, r) => assertClose(row[0]!, w[r]![0]!, 0, 0));
    e.layers[1]!.kernelAfter.forEach((row, r) => assertClose(row[0]!, w[r]![0]! - 0.5 * e.layers[1]!.dKernel[r]![0]!, 1e-15));
    // Default learning rate: the optimiser's.
    assert.equal(explain(m, x, y).learningRate, 0.05);
  }
});

test('a float32 model is explained in float64 from its float32 weights', () => {
  const e32 = explain(mazur('float32'), [[0.05, 0.1]], [[0.01, 0.99]], { learningRate: 0.5 });
  const e64 = explain(mazur('float64'), [[0.05, 0.1]], [[0.01, 0.99]], { learningRate: 0.5 });
  // 0.15 in float32 is 0.15000000596…: the results differ only at float32's precision.
  assertClose(e32.loss, e64.loss, 1e-7, 0, 'E');
  assert.notEqual(e32.loss, e64.loss);
  assertClose(e32.layers[1]!.dKernel[0]![0]!, 0.082167041, 1e-7, 0, '∂E/∂w5');
});

test('the explanation is plain JSON', () => {
  const e = explain(mazur(), [[0.05, 0.1]], [[0.01, 0.99]], { learningRate: 0.5 });
  assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
});

test('text and Markdown renderings carry the numbers and the formulas', () => {
  const e = explain(mazur(), [[0.05, 0.1]], [[0.01, 0.99]], { learningRate: 0.5 });
  const text = renderExplanation(e, 'text');
  for (const s of ['0.298371109', '0.0821670406', '0.000438567734', '0.35891648', '0.149780716', "δ = ∂E/∂a ⊙ g'(z)", 'θ ← θ − η·∂E/∂θ']) {
    assert.ok(text.includes(s), `text lacks ${s}`);
  }
  assert.ok(!/ \n/.test(text), 'no trailing blanks');
  const md = renderExplanation(e, 'markdown');
  for (const s of ['**0.298371109**', '\\odot g\'(z^{(2)})', 'a^{(1)\\top} \\delta^{(2)}', '| `dense_2/kernel` |', '0.35891648']) {
    assert.ok(md.includes(s), `markdown lacks ${s}`);
  }
  assertThrowsWith(() => renderExplanation(e, 'html' as 'text'), InputError, /format must be 'text' or 'markdown'/);
  const fused = sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })], { dtype: 'float64' });
  fused.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  assert.ok(renderExplanation(explain(fused, [[1], [2]], [[1, 0], [0, 1]], { learningRate: 1 })).includes('δ = (ŷ − y)/m'));
});

test('bad input: not compiled, wrong width, bad options', () => {
  const m = sequential([layers.dense({ units: 1, inputShape: [2] })]);
  assertThrowsWith(() => explain(m, [[1, 2]], [[1]]), NotFittedError, /not compiled/);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  assertThrowsWith(() => explain(m, [[1, 2, 3]], [[1]]), ShapeError, /3 features, model expects 2/);
  assertThrowsWith(() => explain(m, [[1, 2]], [[1], [2]]), ShapeError, /1 rows but y has 2/);
  assertThrowsWith(() => explain(m, [[1, 2]], [[1]], { learningRate: -1 }), InputError, /learningRate must be a finite number > 0, got -1/);
  assertThrowsWith(() => explain(m, [[1, 2]], [[1]], { lr: 0.1 } as never), InputError, /unknown option "lr"/);
  assertThrowsWith(() => explain(m, [[1, NaN]], [[1]]), InputError, /row 0, column 1 is NaN/);
});
