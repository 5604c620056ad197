// The worked examples of SPEC.md, each built through the public API with the notes' numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, losses, initializers, Matrix, type InitializerSpec } from '../../src/index.js';
import { assertClose, assertAllClose } from '../helpers/assert.js';

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
const logit = (p: number) => Math.log(p / (1 - p));

// The notes write W(l) as [units][inputs]; getWeights/setWeights use Keras' [inputs][units].
const transpose = (w: number[][]) => w[0]!.map((_, j) => w.map((row) => row[j]!));

test('seed 003 forward pass: z(2) = [1.3, 1.5], a(2) = [.7858, .8176], a(3) = [.6982, .6694]', () => {
  // seeds/003_2b4df39e60bc7eb0.txt, "Multilayer Feedforward Neural Network: Forward Pass".
  const W2 = [[0.1, 0.2, 0.6], [0.4, 0.3, 0.1]];
  const b2 = [0.4, 0.2];
  const W3 = [[0.2, 0.1], [0.1, 0.4]];
  const b3 = [0.6, 0.3];
  const x = [[3, 0, 1]];

  const linear = sequential([layers.dense({ units: 2, inputShape: [3] })], { dtype: 'float64' });
  linear.setWeights([transpose(W2), b2]);
  assertAllClose(linear.predict(x)[0]!, [1.3, 1.5], 1e-12, 0, 'z(2)');

  const hidden = sequential([layers.dense({ units: 2, inputShape: [3], activation: 'sigmoid' })], { dtype: 'float64' });
  hidden.setWeights([transpose(W2), b2]);
  assert.deepEqual(hidden.predict(x)[0]!.map(round4), [0.7858, 0.8176]);

  const net = sequential(
    [layers.dense({ units: 2, inputShape: [3], activation: 'sigmoid' }), layers.dense({ units: 2, activation: 'sigmoid' })],
    { dtype: 'float64' },
  );
  net.setWeights([transpose(W2), b2, transpose(W3), b3]);
  assert.deepEqual(net.predict(x)[0]!.map(round4), [0.6982, 0.6694]);
});

test('seed 003 2-2-2 sigmoid network: E_total, ∂E/∂w5, ∂E/∂w1 and one step with η = 0.5', async () => {
  // seeds/003_2b4df39e60bc7eb0.txt, the backpropagation example with w1..w8, E = ½Σ(t − o)².
  const model = sequential(
    [layers.dense({ units: 2, inputShape: [2], activation: 'sigmoid' }), layers.dense({ units: 2, activation: 'sigmoid' })],
    { dtype: 'float64' },
  );
  // w1: i1→h1, w2: i2→h1, w3: i1→h2, w4: i2→h2, w5: h1→o1, w6: h2→o1, w7: h1→o2, w8: h2→o2.
  model.setWeights([[[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35], [[0.4, 0.5], [0.45, 0.55]], [0.6, 0.6]]);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'sse' });
  const x = [[0.05, 0.1]];
  const y = [[0.01, 0.99]];

  const { loss, grads } = model.computeGradients(x, y);
  assertClose(loss, 0.298371109, 1e-9, 0, 'E_total');
  const dW1 = grads[0] as number[][];
  const dW2 = grads[2] as number[][];
  assertClose(dW2[0]![0]!, 0.082167041, 1e-9, 0, '∂E/∂w5');
  assertClose(dW1[0]![0]!, 0.000438568, 1e-9, 0, '∂E/∂w1');

  await model.trainOnBatch(x, y);
  const w = model.getWeights();
  assertClose((w[2] as number[][])[0]![0]!, 0.35891648, 1e-8, 0, 'w5 after one step');
  assertClose((w[0] as number[][])[0]![0]!, 0.149780716, 1e-9, 0, 'w1 after one step');
  // The other weights of the notes' step: w6 = .408666186, w7 = .511301270, w8 = .561370121.
  assertClose((w[2] as number[][])[1]![0]!, 0.408666186, 1e-8, 0, 'w6');
  assertClose((w[2] as number[][])[0]![1]!, 0.51130127, 1e-8, 0, 'w7');
  assertClose((w[2] as number[][])[1]![1]!, 0.561370121, 1e-8, 0, 'w8');
});

test('seed 002 softmax of [7, 5, 2, −1, 3] = [.8615, .1166, .0058, .0003, .0158]', () => {
  // seeds/002_015580c4672c0104.txt (the slide truncates two values; these are rounded).
  const model = sequential([layers.activation({ activation: 'softmax', inputShape: [5] })], { dtype: 'float64' });
  const p = model.predict([[7, 5, 2, -1, 3]])[0]!;
  assert.deepEqual(p.map(round4), [0.8615, 0.1166, 0.0058, 0.0003, 0.0158]);
  assertClose(p.reduce((a, b) => a + b, 0), 1, 1e-12, 0, 'sum');
});

test('seed 001 sigmoid output with BCE: ∂L/∂ŷ = −4, ∂L/∂z = −.75, ∂L/∂w(2) = −.2775, ∂L/∂w(1) = −125.874', async () => {
  // seeds/001_02fcf71c1d6f42f0.txt: ŷ = .25, y = 1, a = .37, w(2) = 12, x = 60, w(1) = 0.1, η = .01.
  const bce = losses.binaryCrossentropy();
  const dYhat = Matrix.zeros(1, 1, 'float64');
  bce.gradient(new Matrix(1, 1, Float64Array.of(0.25)), new Matrix(1, 1, Float64Array.of(1)), dYhat);
  assertClose(dYhat.data[0]!, -4, 1e-9, 0, '∂L/∂ŷ');

  const model = sequential(
    [layers.dense({ units: 1, inputShape: [1], activation: 'sigmoid' }), layers.dense({ units: 1, activation: 'sigmoid' })],
    { dtype: 'float64' },
  );
  // Biases chosen so that a = σ(0.1·60 + b1) = .37 and ŷ = σ(12·.37 + b2) = .25, as the slide states.
  model.setWeights([[[0.1]], [logit(0.37) - 6], [[12]], [logit(0.25) - 12 * 0.37]]);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
  const { grads } = model.computeGradients([[60]], [1]);
  assertClose((grads[3] as number[])[0]!, -0.75, 1e-9, 0, '∂L/∂z(2) = ŷ − y');
  assertClose((grads[2] as number[][])[0]![0]!, -0.2775, 1e-9, 0, '∂L/∂w(2)');
  assertClose((grads[0] as number[][])[0]![0]!, -125.874, 1e-6, 0, '∂L/∂w(1)');

  await model.trainOnBatch([[60]], [1]);
  const w = model.getWeights();
  assert.equal(round4((w[2] as number[][])[0]![0]!), 12.0028, 'w(2) → 12.0028');
  // 0.1 + 0.01·125.874 = 1.35874; the slide prints it truncated as 1.35.
  assertClose((w[0] as number[][])[0]![0]!, 1.35874, 1e-9, 0, 'w(1)');
  assert.equal(Math.floor((w[0] as number[][])[0]![0]! * 100) / 100, 1.35);
});

test('seed 004: 2 → 1024 → 512 → 3 has 529,411 parameters', () => {
  // seeds/004_16fd6f2dbc117eb1.txt: 1024·2 + 1024 + 512·1024 + 512 + 512·3 + 3 = 529411.
  const model = sequential([
    layers.dense({ units: 1024, inputShape: [2], activation: 'sigmoid' }),
    layers.dense({ units: 512, activation: 'sigmoid' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  assert.equal(model.countParams(), 529411);
  assert.match(model.summary(null), /Total params: 529,411/);
});

test('seed 000: ten tanh layers of 500, W = randn/√fan_in: std falls from ≈0.63 to ≈0.23; randn·0.01 collapses', () => {
  // seeds/000_1dffa8df0e29065e.txt, "Weight Initialization". The seed's transcription of the
  // table has two slips against its source slide: layer 6 reads 0.222116 for 0.292116, and the
  // line of layer 9 (0.239266) is missing, so its "layer 9" carries layer 10's 0.228008.
  const stdsFor = (kernelInitializer: InitializerSpec) => {
    const model = sequential(
      Array.from({ length: 10 }, (_, i) => layers.dense({ units: 500, activation: 'tanh', kernelInitializer, ...(i === 0 ? { inputShape: [500] } : {}) })),
      { seed: 3 },
    );
    const x = Matrix.zeros(400, 500);
    const rng = new (class { s = 12345; next() { this.s = (Math.imul(this.s, 1103515245) + 12345) >>> 0; return this.s / 4294967296; } })();
    for (let i = 0; i < x.data.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(rng.next() || 1e-12));
      const t = 2 * Math.PI * rng.next();
      x.data[i] = r * Math.cos(t);
      x.data[i + 1] = r * Math.sin(t);
    }
    let a = x;
    const stds: number[] = [];
    for (const layer of model.layers) {
      a = layer.forward(a, false);
      let s = 0, s2 = 0;
      for (let i = 0; i < a.data.length; i++) { s += a.data[i]!; s2 += a.data[i]! ** 2; }
      const mean = s / a.data.length;
      stds.push(Math.sqrt(s2 / a.data.length - mean * mean));
    }
    return stds;
  };
  const xavier = stdsFor('lecunNormal');
  assertClose(xavier[0]!, 0.63, 0.03, 0, 'layer 1 std');
  assertClose(xavier[9]!, 0.23, 0.03, 0, 'layer 10 std');
  const table = [0.627953, 0.486051, 0.407723, 0.357108, 0.320917, 0.292116, 0.273387, 0.254935, 0.239266, 0.228008];
  table.forEach((t, i) => assertClose(xavier[i]!, t, 0.03, 0, `layer ${i + 1} std`));
  for (let i = 1; i < xavier.length; i++) assert.ok(xavier[i]! < xavier[i - 1]!, 'stds decrease layer by layer');
  const small = stdsFor(initializers.randomNormal({ stddev: 0.01 }));
  assert.ok(small[9]! < 1e-5, `randn·0.01: last layer std ${small[9]} should collapse to ~0`);
});
