// Whole fits on the WebAssembly backend against the TypeScript reference, backend choice and
// switching, and that a training step runs entirely in the backend's memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  Matrix, sequential, layers, optimizers, setKernelBackend, kernelBackend, Rng, InputError, type Sequential, type WeightArray,
} from '../../src/index.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';
import { seededClasses } from '../helpers/data.js';


/** Builds on the named backend, then puts the global choice back. */
function on<T>(backend: 'typescript' | 'wasm', f: () => T): T {
  const before = kernelBackend();
  setKernelBackend(backend);
  try {
    return f();
  } finally {
    setKernelBackend(before);
  }
}

const flat = (w: WeightArray[]) => w.flatMap((t) => (Array.isArray(t[0]) ? (t as number[][]).flat() : (t as number[])));

interface Setup { name: string; make: () => Sequential; loss: 'sparseCategoricalCrossentropy' | 'binaryCrossentropy' | 'mse'; optimizer: () => ReturnType<typeof optimizers.adam>; classes: number }
const setups: Setup[] = [
  {
    name: '20-64-32-4 relu/tanh + softmax, Adam, batch 32',
    make: () => sequential([layers.dense({ units: 64, activation: 'relu', inputShape: [20] }), layers.dense({ units: 32, activation: 'tanh' }), layers.dense({ units: 4, activation: 'softmax' })], { seed: 5 }),
    loss: 'sparseCategoricalCrossentropy', optimizer: () => optimizers.adam({ learningRate: 0.01 }), classes: 4,
  },
  {
    name: '20-24-1 sigmoid + BCE, SGD with Nesterov momentum',
    make: () => sequential([layers.dense({ units: 24, activation: 'sigmoid', inputShape: [20] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 6 }),
    loss: 'binaryCrossentropy', optimizer: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }) as never, classes: 2,
  },
  {
    name: '20-33-dropout-batchnorm-leakyRelu-3 linear + MSE, RMSprop with momentum',
    make: () => sequential([
      layers.dense({ units: 33, activation: { name: 'leakyRelu', alpha: 0.1 }, inputShape: [20] }), layers.dropout({ rate: 0.2 }),
      layers.batchNormalization(), layers.dense({ units: 3 }),
    ], { seed: 7 }),
    loss: 'mse', optimizer: () => optimizers.rmsprop({ learningRate: 0.005, momentum: 0.5 }) as never, classes: 3,
  },
  {
    name: '20-16-softmax layer-2, Adagrad with clipValue',
    make: () => sequential([layers.dense({ units: 16, activation: 'relu', inputShape: [20] }), layers.dense({ units: 2 }), layers.activation({ activation: 'softmax' })], { seed: 8 }),
    loss: 'sparseCategoricalCrossentropy', optimizer: () => optimizers.adagrad({ learningRate: 0.05, clipValue: 0.01 }) as never, classes: 2,
  },
];

for (const s of setups) {
  test(`one epoch on wasm and on typescript (float32) agree within 1e-4 on weights and loss: ${s.name}`, async () => {
    const { x, y } = seededClasses(400, 20, s.classes, 1);
    const targets = s.loss === 'mse' ? y.map((v) => Array.from({ length: s.classes }, (_, c) => (c === v ? 1 : 0))) : y;
    const results = [];
    for (const backend of ['typescript', 'wasm'] as const) {
      const model = on(backend, s.make);
      assert.match(model.backend, backend === 'wasm' ? /^wasm/ : /^typescript$/);
      model.compile({ optimizer: s.optimizer(), loss: s.loss });
      const h = await model.fit(x, targets, { epochs: 1, batchSize: 32, verbose: 0 });
      results.push({ loss: h.history.loss![0]!, weights: flat(model.getWeights()), evalLoss: model.evaluate(x, targets).loss! });
      if (backend === 'wasm') assert.equal((model.kernels as { fallbacks?: number }).fallbacks, 0, 'every kernel call of the fit ran in WebAssembly');
    }
    const [ts, wasm] = results as [typeof results[0], typeof results[0]];
    assertClose(wasm.loss, ts.loss, 1e-4, 0, 'epoch loss');
    assertClose(wasm.evalLoss, ts.evalLoss, 1e-4, 0, 'evaluate loss');
    assert.equal(wasm.weights.length, ts.weights.length);
    let worst = 0;
    for (let i = 0; i < ts.weights.length; i++) worst = Math.max(worst, Math.abs(wasm.weights[i]! - ts.weights[i]!));
    assert.ok(worst <= 1e-4, `largest weight difference ${worst}`);
    assert.ok(worst > 0, 'the two backends really are different code (some rounding differs)');
  });
}

test('same seed on the wasm backend: bit-identical weights; the model names its backend in summary()', async () => {
  const { x, y } = seededClasses(200, 20, 4, 2);
  const runs: number[][] = [];
  for (let r = 0; r < 2; r++) {
    const model = on('wasm', setups[0]!.make);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    runs.push(flat(model.getWeights()));
    assert.match(model.summary(null), /Backend: wasm \((relaxed )?SIMD\), float32/);
  }
  assert.deepEqual(runs[0], runs[1]);
});

test('a float64 model runs on a backend that computes in float64 (TypeScript) even when wasm is the default', () => {
  const model = on('wasm', () => sequential([layers.dense({ units: 3, inputShape: [2] })], { dtype: 'float64' }));
  assert.equal(model.backend, 'typescript');
  assert.ok(model.params()[0]!.value instanceof Float64Array);
});

test('switching the backend after build: built models keep theirs and keep training; new models take the new one', async () => {
  const { x, y } = seededClasses(100, 20, 4, 3);
  const model = on('wasm', setups[0]!.make);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 1, verbose: 0 });
  const before = model.evaluate(x, y).loss!;
  on('typescript', () => {
    assert.match(model.backend, /^wasm/);
    assert.equal(sequential([layers.dense({ units: 2, inputShape: [3] })]).backend, 'typescript');
  });
  await on('typescript', () => model.fit(x, y, { epochs: 5, verbose: 0 }));
  assert.ok(model.evaluate(x, y).loss! < before, 'still training on its own backend');
  assert.equal(model.predict(x.slice(0, 3)).length, 3);
});

test('setKernelBackend refuses unknown names, listing the known ones', () => {
  assertThrowsWith(() => setKernelBackend('gpu' as never), InputError, /unknown kernel backend "gpu"/, /wasm, typescript/);
});

test('BACKPROP_BACKEND chooses the default backend; a bad value is a clear error', () => {
  const script = "import('./src/index.ts').then((m) => console.log(m.sequential([m.layers.dense({ units: 1, inputShape: [1] })]).backend))";
  const run = (value: string) => spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, BACKPROP_BACKEND: value }, encoding: 'utf8' });
  assert.equal(run('typescript').stdout.trim(), 'typescript');
  assert.match(run('wasm').stdout.trim(), /^wasm/);
  const bad = run('cuda');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /BACKPROP_BACKEND: unknown kernel backend "cuda"; known: wasm, typescript/);
});

test('predict checks each batch for non-finite values as it stages it, on either backend and thread count: the error names the row of the whole input and its column; float64 input that overflows float32 is named as before', async () => {
  for (const backend of ['wasm', 'typescript'] as const) {
    const model = on(backend, () => sequential([layers.dense({ units: 64, activation: 'relu', inputShape: [16] }), layers.dense({ units: 2 })], { seed: 3 }));
    const x = new Matrix(3000, 16, new Float32Array(3000 * 16).map((_, i) => Math.sin(i)));
    const clean = model.predictMatrix(x, { batchSize: 1000 });
    for (const [row, col, value] of [[2500, 7, NaN], [0, 0, Infinity], [2999, 15, -Infinity], [999, 3, NaN]] as const) {
      const bad = x.clone();
      bad.data[row * 16 + col] = value;
      for (const threads of backend === 'wasm' ? [1, 2] : [1]) {
        assertThrowsWith(() => model.predictMatrix(bad, { batchSize: 1000, threads }), InputError, new RegExp(`^predict x: row ${row}, column ${col} is ${String(value)}; remove or impute it before training$`));
      }
    }
    // Finite input predicts as before, whatever the batch size.
    assert.deepEqual(Array.from(model.predictMatrix(x, { batchSize: 7 }).data), Array.from(clean.data));
    const wide = new Matrix(2, 16, new Float64Array(32).fill(1));
    wide.data[16 + 2] = 1e39;
    if (model.dtype === 'float32') assertThrowsWith(() => model.predictMatrix(wide), InputError, /^predict x: row 1, column 2 is 1e\+39, which overflows float32/);
  }
});
