// Central-difference gradient checks in float64 (ARCHITECTURE "How we test" 2; RELIABILITY G1, G2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Matrix, Rng, layers, losses, sequential, optimizers, regularizers, activationNames,
  type ActivationName, type Layer, type Loss, type LossSpec,
} from '../../src/index.js';
import { centralDifference, randomMatrix } from '../helpers/gradcheck.js';

const TOL = 1e-6;

/** f = Σ Y ⊙ R for a random R, so ∂f/∂Y = R and backward(R) is ∂f/∂X. */
function checkLayer(layer: Layer, x: Matrix, training = true): void {
  const rng = new Rng(11);
  if (!layer.isBuilt) layer.build(x.cols, 'float64', rng);
  const y0 = layer.forward(x, training);
  const r = randomMatrix(y0.rows, y0.cols, 5);
  const f = () => {
    const y = layer.forward(x, training);
    let s = 0;
    for (let i = 0; i < y.rows * y.cols; i++) s += y.data[i]! * r.data[i]!;
    return s;
  };
  f();
  for (const p of layer.weights()) if (p.trainable) p.grad.fill(0);
  const dX = layer.backward(r, true);
  const dXcopy = Float64Array.from(dX.data.subarray(0, x.rows * x.cols));
  const grads = layer.weights().filter((p) => p.trainable).map((p) => [p, Float64Array.from(p.grad)] as const);
  const fx = centralDifference(x.data as Float64Array, dXcopy, f);
  assert.ok(fx.maxRelativeError < TOL, `${layer.name || layer.className} ∂/∂X: rel error ${fx.maxRelativeError} at ${JSON.stringify(fx.worst)}`);
  for (const [p, g] of grads) {
    const res = centralDifference(p.value as Float64Array, g, f);
    assert.ok(res.maxRelativeError < TOL, `${p.name}: rel error ${res.maxRelativeError} at ${JSON.stringify(res.worst)}`);
  }
}

/** Inputs kept away from each activation's kinks (0 for ReLU/step/sign, ±½ for piecewise linear). */
function awayFromKinks(rows: number, cols: number, seed: number): Matrix {
  const x = randomMatrix(rows, cols, seed, 1.5);
  for (let i = 0; i < x.data.length; i++) {
    let v = x.data[i]!;
    for (const kink of [0, 0.5, -0.5]) if (Math.abs(v - kink) < 0.05) v = kink + 0.1;
    x.data[i] = v;
  }
  return x;
}

for (const name of activationNames) {
  test(`activation ${name}: backward matches central differences`, () => {
    checkLayer(layers.activation({ activation: name as ActivationName }), awayFromKinks(4, 5, 3));
  });
}

test('leaky ReLU with α = 0.2', () => {
  checkLayer(layers.activation({ activation: { name: 'leakyRelu', alpha: 0.2 } }), awayFromKinks(3, 4, 9));
});

for (const activation of ['linear', 'sigmoid', 'tanh', 'relu', 'softmax'] as const) {
  test(`dense with ${activation}: ∂/∂W, ∂/∂b, ∂/∂X`, () => {
    checkLayer(layers.dense({ units: 3, activation, kernelInitializer: 'glorotNormal', biasInitializer: 'glorotNormal' }), awayFromKinks(5, 4, 2));
  });
}

test('dense without bias and batch of 1', () => {
  checkLayer(layers.dense({ units: 2, useBias: false, activation: 'tanh' }), randomMatrix(1, 3, 8));
});

test('dropout with a fixed mask', () => {
  const d = layers.dropout({ rate: 0.4 });
  d.freezeMask = true;
  checkLayer(d, randomMatrix(6, 5, 4));
});

test('batch normalization in training mode (batch statistics): ∂/∂X, ∂/∂γ, ∂/∂β', () => {
  const bn = layers.batchNormalization({ epsilon: 1e-3 });
  checkLayer(bn, randomMatrix(7, 3, 6));
  // γ ≠ 1, β ≠ 0 as well.
  const bn2 = layers.batchNormalization();
  bn2.build(3, 'float64', new Rng(1));
  bn2.gamma.value.set([0.5, 2, -1]);
  bn2.beta.value.set([0.1, -0.3, 2]);
  checkLayer(bn2, randomMatrix(5, 3, 12));
});

test('batch normalization in inference mode', () => {
  checkLayer(layers.batchNormalization(), randomMatrix(4, 3, 13), false);
});

/** Loss value vs its gradient ∂J/∂ŷ. */
function checkLoss(loss: Loss, p: Matrix, y: Matrix): void {
  const analytic = Matrix.zeros(p.rows, p.cols, 'float64');
  loss.gradient(p, y, analytic);
  const res = centralDifference(p.data as Float64Array, analytic.data, () => loss.value(p, y));
  assert.ok(res.maxRelativeError < TOL, `${loss.name}: rel error ${res.maxRelativeError} at ${JSON.stringify(res.worst)}`);
}

function probabilities(rows: number, cols: number, seed: number, normalise: boolean): Matrix {
  const m = randomMatrix(rows, cols, seed);
  for (let i = 0; i < m.data.length; i++) m.data[i] = 0.1 + 0.8 / (1 + Math.exp(-m.data[i]!));
  if (normalise) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += m.data[i * cols + j]!;
      for (let j = 0; j < cols; j++) m.data[i * cols + j]! /= s;
    }
  }
  return m;
}

function oneHot(rows: number, cols: number, seed: number): Matrix {
  const m = Matrix.zeros(rows, cols, 'float64');
  const r = new Rng(seed);
  for (let i = 0; i < rows; i++) m.data[i * cols + r.int(cols)] = 1;
  return m;
}

test('losses: mse, sse, mae (away from zero residual)', () => {
  const p = randomMatrix(4, 3, 1);
  const y = randomMatrix(4, 3, 2);
  checkLoss(losses.meanSquaredError(), p, y);
  checkLoss(losses.sumSquaredError(), p, y);
  checkLoss(losses.meanAbsoluteError(), p, y);
});

test('losses: binary cross-entropy on probabilities and from logits, base e and 2', () => {
  const y = new Matrix(4, 2, Float64Array.from([1, 0, 0, 1, 1, 1, 0, 0]));
  checkLoss(losses.binaryCrossentropy(), probabilities(4, 2, 3, false), y);
  checkLoss(losses.binaryCrossentropy({ base: 2 }), probabilities(4, 2, 3, false), y);
  checkLoss(losses.binaryCrossentropy({ fromLogits: true }), randomMatrix(4, 2, 4, 3), y);
});

test('losses: categorical and sparse categorical cross-entropy, probabilities and logits', () => {
  const y = oneHot(5, 4, 7);
  const labels = new Matrix(5, 1, Float64Array.from({ length: 5 }, (_, i) => [...y.data.subarray(i * 4, i * 4 + 4)].indexOf(1)));
  checkLoss(losses.categoricalCrossentropy(), probabilities(5, 4, 5, true), y);
  checkLoss(losses.categoricalCrossentropy({ base: 2 }), probabilities(5, 4, 5, true), y);
  checkLoss(losses.categoricalCrossentropy({ fromLogits: true }), randomMatrix(5, 4, 6, 2), y);
  checkLoss(losses.sparseCategoricalCrossentropy(), probabilities(5, 4, 5, true), labels);
  checkLoss(losses.sparseCategoricalCrossentropy({ fromLogits: true }), randomMatrix(5, 4, 6, 2), labels);
});

/** Whole network: computeGradients against central differences of evaluate's loss. */
async function checkNetwork(hidden: Layer[], output: Layer, loss: LossSpec, x: number[][], y: unknown): Promise<void> {
  const model = sequential([...hidden, output], { dtype: 'float64', seed: 4 });
  model.compile({ optimizer: optimizers.sgd(), loss });
  const { grads } = model.computeGradients(x, y as number[]);
  const params = model.params();
  params.forEach((p, k) => {
    const g = (grads[k] as (number | number[])[]).flat();
    const res = centralDifference(p.value as Float64Array, g, () => model.evaluate(x, y as number[]).loss!);
    assert.ok(res.maxRelativeError < TOL, `${p.name} with ${String(typeof loss === 'string' ? loss : loss.name)}: rel error ${res.maxRelativeError} at ${JSON.stringify(res.worst)}`);
  });
}

const X = Array.from({ length: 6 }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i), (i % 3) - 1]);

test('3-layer network: sigmoid output + binary cross-entropy (fused)', async () => {
  await checkNetwork([layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units: 3, activation: 'sigmoid' })], layers.dense({ units: 1, activation: 'sigmoid' }), 'binaryCrossentropy', X, [0, 1, 1, 0, 1, 0]);
});

test('3-layer network: softmax output + categorical cross-entropy (fused), one-hot targets', async () => {
  const y = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
  await checkNetwork([layers.dense({ units: 5, activation: 'relu', biasInitializer: 'ones' }), layers.dense({ units: 4, activation: 'tanh' })], layers.dense({ units: 3, activation: 'softmax' }), 'categoricalCrossentropy', X, y);
});

test('3-layer network: softmax + sparse categorical cross-entropy, with L2 and L1 kernel penalties', async () => {
  await checkNetwork(
    [layers.dense({ units: 4, activation: 'tanh', kernelRegularizer: regularizers.l2({ l2: 0.05 }) }), layers.dense({ units: 4, activation: 'sigmoid', kernelRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.02 }) })],
    layers.dense({ units: 3, activation: 'softmax' }), 'sparseCategoricalCrossentropy', X, [0, 1, 2, 2, 1, 0]);
});

test('3-layer network: linear output + mse and mae; tanh output + sse; sigmoid + mse (unfused)', async () => {
  const y = X.map((r) => [r[0]! * 2 - r[1]!, r[2]! + 0.3]);
  await checkNetwork([layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units: 3, activation: 'leakyRelu' })], layers.dense({ units: 2 }), 'mse', X, y);
  await checkNetwork([layers.dense({ units: 4, activation: 'sigmoid' }), layers.dense({ units: 3, activation: 'tanh' })], layers.dense({ units: 2 }), 'mae', X, y.map((r) => [r[0]! + 5, r[1]! - 5]));
  await checkNetwork([layers.dense({ units: 4, activation: 'sigmoid' }), layers.dense({ units: 3, activation: 'tanh' })], layers.dense({ units: 2, activation: 'tanh' }), 'sse', X, y.map((r) => r.map((v) => Math.tanh(v) * 0.9)));
  await checkNetwork([layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units: 3, activation: 'tanh' })], layers.dense({ units: 2, activation: 'sigmoid' }), 'mse', X, y.map((r) => r.map((v) => (v > 0 ? 1 : 0))));
});

test('3-layer network: multi-label sigmoid outputs + BCE; logits + BCE fromLogits; CCE in bits', async () => {
  const multi = X.map((r) => r.map((v) => (v > 0 ? 1 : 0)));
  await checkNetwork([layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units: 4, activation: 'tanh' })], layers.dense({ units: 3, activation: 'sigmoid' }), 'binaryCrossentropy', X, multi);
  await checkNetwork([layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units: 4, activation: 'tanh' })], layers.dense({ units: 3 }), losses.binaryCrossentropy({ fromLogits: true }), X, multi);
  await checkNetwork([layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units: 4, activation: 'tanh' })], layers.dense({ units: 3, activation: 'softmax' }), losses.categoricalCrossentropy({ base: 2 }), X, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]);
});

test('network with a separate softmax activation layer and batch norm (training-mode gradients)', async () => {
  const model = sequential([layers.dense({ units: 4, activation: 'tanh' }), layers.batchNormalization(), layers.dense({ units: 3 }), layers.activation({ activation: 'softmax' })], { dtype: 'float64', seed: 2 });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const y = [0, 1, 2, 2, 1, 0];
  const { grads } = model.computeGradients(X, y);
  // Numeric: the training-mode loss (batch statistics), via the engine's forward.
  const engine = model.backprop();
  const Y = new Matrix(6, 1, Float64Array.from(y));
  const Xm = Matrix.fromArray(X, 'float64');
  model.params().forEach((p, k) => {
    if (!p.trainable) return;
    const g = (grads[k] as (number | number[])[]).flat();
    const res = centralDifference(p.value as Float64Array, g, () => {
      engine.forward(Xm, true);
      return engine.lossValue(Y);
    });
    assert.ok(res.maxRelativeError < TOL, `${p.name}: rel error ${res.maxRelativeError} at ${JSON.stringify(res.worst)}`);
  });
});

test('gradients accumulate: two backward passes without zeroing add up', () => {
  const model = sequential([layers.dense({ units: 3, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1, activation: 'sigmoid' })], { dtype: 'float64' });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const engine = model.backprop();
  const Xm = Matrix.fromArray(X, 'float64');
  const Y = new Matrix(6, 1, Float64Array.from([0, 1, 1, 0, 1, 0]));
  engine.zeroGrads();
  engine.forward(Xm, true);
  engine.backward(Y);
  const once = model.params().map((p) => Float64Array.from(p.grad));
  engine.forward(Xm, true);
  engine.backward(Y);
  model.params().forEach((p, k) => {
    for (let i = 0; i < p.size; i++) assert.ok(Math.abs(p.grad[i]! - 2 * once[k]![i]!) < 1e-12, `${p.name}[${i}] accumulates`);
  });
});
