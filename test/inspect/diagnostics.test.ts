import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, initializers, optimizers, datasets, diagnostics, InputError, type Layer, type DiagnosisKind } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

const moons = datasets.moons({ n: 128, noise: 0.1, seed: 3 });

async function run(stack: Layer[], opts: { lr?: number; epochs?: number; loss?: 'binaryCrossentropy' | 'mse'; y?: number[][] | number[] } = {}) {
  const model = sequential(stack, { seed: 7 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: opts.lr ?? 0.1 }), loss: opts.loss ?? 'binaryCrossentropy' });
  const diag = diagnostics();
  const history = await model.fit(moons.x, opts.y ?? moons.y, { epochs: opts.epochs ?? 4, batchSize: 32, verbose: 0, callbacks: [diag] });
  const kinds = diag.findings.map((f) => f.kind);
  // Every finding went out through fit's warning channel.
  for (const f of diag.findings) assert.ok(history.warnings.includes(f.message), `History has "${f.message}"`);
  return { kinds, diag, history, model };
}

function has(kinds: DiagnosisKind[], kind: DiagnosisKind): void {
  assert.ok(kinds.includes(kind), `expected a ${kind} warning, got [${kinds}]`);
}

test('a healthy run raises nothing', async () => {
  const { kinds, history } = await run([
    layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
    layers.dense({ units: 8, activation: 'relu' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { lr: 0.3, epochs: 15 });
  assert.deepEqual(kinds, []);
  assert.ok(history.history.loss![14]! < history.history.loss![0]!);
});

test('symmetry: hidden units with identical weights in and out (all zeros, or one constant)', async () => {
  const zero = await run([
    layers.dense({ units: 4, activation: 'tanh', inputShape: [2], kernelInitializer: 'zeros' }),
    layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: 'zeros' }),
  ], { epochs: 1 });
  // The first step's hidden gradient is exactly 0 (W2 = 0), so 'vanishing' may follow; symmetry comes first.
  assert.equal(zero.kinds[0], 'symmetry');
  assert.match(zero.diag.findings[0]!.message, /dense_1: all 4 units start with all-zero weights, and dense_2 weighs them identically.*symmetry problem/);
  assert.equal(zero.diag.findings[0]!.epoch, -1);
  const distinctColumns = (w: number[][]) => new Set(w[0]!.map((_, j) => w.map((r) => r[j]).join(','))).size;
  assert.equal(distinctColumns(zero.model.getWeights()[0] as number[][]), 1, 'the units are still identical after training');
  const constant = await run([
    layers.dense({ units: 3, activation: 'tanh', inputShape: [2], kernelInitializer: initializers.constant({ value: 0.5 }) }),
    layers.dense({ units: 2, activation: 'tanh', kernelInitializer: initializers.constant({ value: 0.1 }) }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { epochs: 1 });
  // dense_2's units are told apart by dense_3's random weights; dense_1's are not (dense_2's rows are equal).
  assert.deepEqual(constant.diag.findings.filter((f) => f.kind === 'symmetry').map((f) => f.layer), ['dense_1']);
  assert.match(constant.diag.findings[0]!.message, /dense_1: all 3 units start with identical weights/);
  // Zero weights into a hidden layer with random weights out of it are not stuck: each unit
  // gets its own δ through its own outgoing weight. Dropout between the layers breaks ties too.
  const brokenByOutput = await run([
    layers.dense({ units: 4, activation: 'tanh', inputShape: [2], kernelInitializer: 'zeros' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { epochs: 1 });
  assert.ok(!brokenByOutput.kinds.includes('symmetry'));
  assert.equal(distinctColumns(brokenByOutput.model.getWeights()[0] as number[][]), 4, 'the units have drifted apart');
  const brokenByDropout = await run([
    layers.dense({ units: 4, activation: 'tanh', inputShape: [2], kernelInitializer: 'ones' }),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: 'ones' }),
  ], { epochs: 1 });
  assert.ok(!brokenByDropout.kinds.includes('symmetry'));
});

test('saturated sigmoid layer for several epochs', async () => {
  const { kinds, diag } = await run([
    layers.dense({ units: 16, activation: 'sigmoid', inputShape: [2], kernelInitializer: initializers.randomNormal({ stddev: 100 }) }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { lr: 1e-4 });
  has(kinds, 'saturated');
  const f = diag.findings.find((x) => x.kind === 'saturated')!;
  assert.equal(f.layer, 'dense_1');
  assert.equal(f.epoch, 2, 'after patience (3) epochs in a row');
  assert.match(f.message, /dense_1: \d+% of its sigmoid outputs have been saturated \(< 0.01 or > 0.99\) for 3 epochs/);
});

test('dead ReLU layer for several epochs', async () => {
  const { kinds, diag } = await run([
    layers.dense({ units: 8, activation: 'relu', inputShape: [2], biasInitializer: initializers.constant({ value: -50 }) }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  has(kinds, 'dead');
  assert.match(diag.findings.find((x) => x.kind === 'dead')!.message, /dense_1: 100% of its ReLU units have output 0 for every sample for 3 epochs/);
});

test('exploding gradients', async () => {
  const big = () => initializers.randomNormal({ stddev: 3 });
  const { kinds, diag } = await run([
    layers.dense({ units: 30, inputShape: [2], kernelInitializer: big() }),
    layers.dense({ units: 30, kernelInitializer: big() }),
    layers.dense({ units: 30, kernelInitializer: big() }),
    layers.dense({ units: 1, kernelInitializer: big() }),
  ], { lr: 1e-12, epochs: 1, loss: 'mse', y: moons.y.map((v) => [v]) });
  has(kinds, 'exploding');
  assert.match(diag.findings.find((x) => x.kind === 'exploding')!.message, /exploding gradients: the gradient norm of dense_\d reached [\d.e+]+ \(> 1000\) in epoch 1/);
});

test('vanishing gradients in a deep tanh stack initialised with randn·0.01', async () => {
  const small = () => initializers.randomNormal({ stddev: 0.01 });
  const stack: Layer[] = [layers.dense({ units: 20, activation: 'tanh', inputShape: [2], kernelInitializer: small() })];
  for (let i = 0; i < 6; i++) stack.push(layers.dense({ units: 20, activation: 'tanh', kernelInitializer: small() }));
  stack.push(layers.dense({ units: 1, activation: 'sigmoid' }));
  const { kinds, diag } = await run(stack, { epochs: 1 });
  has(kinds, 'vanishing');
  assert.match(diag.findings.find((x) => x.kind === 'vanishing')!.message, /vanishing gradients: dense_1's gradient norm \(.*\) is .* × dense_8's/);
});

test('a loss that does not fall for many epochs at the start', async () => {
  const { kinds, diag } = await run([
    layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { lr: 1e-7, epochs: 12 });
  assert.deepEqual(kinds, ['plateau']);
  assert.equal(diag.findings[0]!.epoch, 9);
  assert.match(diag.findings[0]!.message, /the loss has not fallen in the first 10 epochs/);
});

test('each warning is raised once per fit; options are validated', async () => {
  const { kinds } = await run([
    layers.dense({ units: 8, activation: 'relu', inputShape: [2], biasInitializer: initializers.constant({ value: -50 }) }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { epochs: 8 });
  assert.equal(kinds.filter((k) => k === 'dead').length, 1);
  assertThrowsWith(() => diagnostics({ patience: 0 }), InputError, /patience must be an integer ≥ 1, got 0/);
  assertThrowsWith(() => diagnostics({ threshold: 0.5 } as never), InputError, /unknown option "threshold"/);
});
