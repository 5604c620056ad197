// The playground's explain adapter: the seed-003 worked example number for number, and the
// chain-rule factors it shows agree with the library's own gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers } from '../../src/index.js';
import { explain, decisionBoundary } from '../../playground/src/inspectAdapter.js';
import { buildModel, encodeY } from '../../playground/src/model.js';
import { defaultConfig } from '../../playground/src/state.js';
import { assertClose } from '../helpers/assert.js';

function seed003Network() {
  // seeds/003: w1..w8 = .15,.20,.25,.30,.40,.45,.50,.55; b1 = .35, b2 = .60; W as [inputs][units].
  const model = sequential([
    layers.dense({ units: 2, activation: 'sigmoid', inputShape: [2] }),
    layers.dense({ units: 2, activation: 'sigmoid' }),
  ], { dtype: 'float64' });
  model.setWeights([[[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35], [[0.4, 0.5], [0.45, 0.55]], [0.6, 0.6]]);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'sse' });
  return model;
}

for (const [name, fn] of [['explain (adapter)', explain]] as const) {
  test(`${name} reproduces the 2-2-2 example of seed 003`, () => {
    const e = fn(seed003Network(), [[0.05, 0.1]], [[0.01, 0.99]], { learningRate: 0.5 });
    assert.equal(e.layers.length, 2);
    assertClose(e.loss, 0.298371109, 1e-9, 0, 'E_total');
    const [hidden, output] = e.layers as [typeof e.layers[0], typeof e.layers[0]];
    assertClose(hidden.a[0]![0]!, 0.593269992, 1e-9, 0, 'out_h1');
    assertClose(output.a[0]![0]!, 0.75136507, 1e-8, 0, 'out_o1');
    assertClose(output.dKernel[0]![0]!, 0.082167041, 1e-9, 0, '∂E/∂w5');
    assertClose(hidden.dKernel[0]![0]!, 0.000438568, 1e-9, 0, '∂E/∂w1');
    assertClose(output.kernelAfter[0]![0]!, 0.35891648, 1e-8, 0, 'w5 after');
    assertClose(hidden.kernelAfter[0]![0]!, 0.149780716, 1e-9, 0, 'w1 after');
    // δ(o1) = −(t − o)·o(1 − o) = 0.138498562 in the notes.
    assertClose(output.delta[0]![0]!, 0.138498562, 1e-9, 0, 'δ o1');
    assert.deepEqual(e.target, [[0.01, 0.99]]);
  });
}

test('adapter: every δ is ∂E/∂a ⊙ g′(z) and every ∂E/∂W is inputᵀ·δ (+ L2), for each task of the playground', () => {
  const tasks = [
    { task: 'binary' as const, classes: 2, y: [1, 0, 1] },
    { task: 'multiclass' as const, classes: 3, y: [2, 0, 1] },
    { task: 'regression' as const, classes: 1, y: [0.3, -0.7, 1.2] },
  ];
  for (const t of tasks) {
    const shape = { task: t.task, inputDim: t.task === 'regression' ? 1 : 2, classes: t.classes };
    const c = { ...defaultConfig(), hidden: [3, 2], activations: ['tanh' as const, 'relu' as const], regularization: 'l2' as const, regularizationRate: 0.01 };
    const { model } = buildModel(c, shape);
    const x = shape.inputDim === 1 ? [[0.2], [-0.5], [0.9]] : [[0.2, -0.4], [-0.5, 0.3], [0.9, 0.1]];
    const y = encodeY(t.y, shape);
    const e = explain(model, x, y, { learningRate: 0.1 });
    const { loss, grads } = model.computeGradients(x, y);
    assertClose(e.loss, loss, 1e-6, 1e-5, `${t.task} loss`);
    e.layers.forEach((l, li) => {
      for (let i = 0; i < l.input[0]!.length; i++) {
        for (let j = 0; j < l.delta[0]!.length; j++) {
          const w = l.kernel[i]![j]!;
          const manual = l.input.reduce((s, row, r) => s + row[i]! * l.delta[r]![j]!, 0) + 2 * 0.01 * w;
          assertClose(l.dKernel[i]![j]!, manual, 1e-12, 1e-9, `${t.task} layer ${li} dW[${i}][${j}]`);
          assertClose(l.dKernel[i]![j]!, (grads[2 * li] as number[][])[i]![j]!, 1e-6, 1e-4, `${t.task} layer ${li} dW vs float32 model`);
          assertClose(l.kernelAfter[i]![j]!, w - 0.1 * l.dKernel[i]![j]!, 1e-15, 0, 'update');
        }
      }
      if (l.gPrime && !(li === e.layers.length - 1 && t.task !== 'regression')) {
        l.delta.forEach((row, r) => row.forEach((d, j) => assertClose(d, l.dA[r]![j]! * l.gPrime![r]![j]!, 1e-12, 1e-9, `${t.task} δ[${li}]`)));
      }
    });
    const out = e.layers[e.layers.length - 1]!;
    if (t.task !== 'regression') {
      // Fused sigmoid+BCE and softmax+CE: δ = (ŷ − y)/m, y one-hot (sparse targets hold the class index).
      const truth = (r: number, j: number) => (t.task === 'multiclass' ? (t.y[r] === j ? 1 : 0) : y[r]![j]!);
      out.delta.forEach((row, r) => row.forEach((d, j) => assertClose(d, (e.output[r]![j]! - truth(r, j)) / 3, 1e-12, 0, `${t.task} fused δ`)));
    }
  }
});

test('the adapter explains networks with dropout and batch norm too (the library handles them)', () => {
  const { model } = buildModel({ ...defaultConfig(), dropout: 0.2 }, { task: 'binary', inputDim: 2, classes: 2 });
  const e = explain(model, [[0.3, -0.2]], [[1]], { learningRate: 0.1 });
  assert.ok(e.layers.some((l) => l.className === 'Dropout'), 'the dropout layer is shown');
  assert.ok(Number.isFinite(e.loss));
});

test('decision boundary grid: corners and orientation', () => {
  const { model } = buildModel({ ...defaultConfig(), hidden: [] }, { task: 'binary', inputDim: 2, classes: 2 });
  model.setWeights([[[5], [0]], [0]]); // p = σ(5·x1): class 1 on the right
  {
    const b = decisionBoundary(model, { xRange: [-1, 1], yRange: [-2, 2], resolution: 5 });
    assert.deepEqual(b.xs, [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(b.ys, [-2, -1, 0, 1, 2]);
    assert.deepEqual(b.classes[0], [0, 0, 0, 1, 1]); // a tie (p = ½ at x1 = 0) goes to the first class
    assertClose(b.probabilities[3]![4]![1]!, 1 / (1 + Math.exp(-5)), 1e-6, 0, 'p at (1, 1)');
    assertClose(b.probabilities[3]![4]![0]! + b.probabilities[3]![4]![1]!, 1, 1e-6);
  }
});
