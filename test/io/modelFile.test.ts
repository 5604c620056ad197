import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sequential, layers, losses, optimizers, schedules, regularizers, initializers, modelToBytes, modelFromBytes, datasets,
  ModelFormatError, UnsupportedError, NotFittedError, Matrix,
  type ActivationSpec, type LossName, type Optimizer, type Sequential,
} from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { LOAD_BUDGET_FACTOR, bitsOf, cpuMs, forge, loadBudget, smallModel, split } from './helpers.js';

const ACTIVATIONS: ActivationSpec[] = ['linear', 'step', 'sign', 'piecewiseLinear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', { name: 'leakyRelu', alpha: 0.2 }, 'softmax'];

function optimizerList(): [string, () => Optimizer][] {
  return [
    ['sgd', () => optimizers.sgd({ learningRate: 0.05 })],
    ['sgd+nesterov', () => optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, clipNorm: 1 })],
    ['adam', () => optimizers.adam({ learningRate: 0.01, clipValue: 0.5 })],
    ['rmsprop+momentum', () => optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5 })],
    ['adagrad', () => optimizers.adagrad({ learningRate: 0.05 })],
    ['adam+exponentialDecay', () => optimizers.adam({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.02, decaySteps: 3, decayRate: 0.5, staircase: true }) })],
    ['sgd+piecewiseConstantDecay', () => optimizers.sgd({ learningRate: schedules.piecewiseConstantDecay({ boundaries: [2, 5], values: [0.1, 0.05, 0.01] }), momentum: 0.5 })],
  ];
}

/** Trains a little, saves, loads; asserts bit-equal predictions, equal config and optimiser state, and equal next steps. */
async function roundTrip(model: Sequential, x: number[][], y: number[] | number[][], what: string): Promise<void> {
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const loaded = modelFromBytes(modelToBytes(model)).model;
  const before = model.predictMatrix(x);
  const after = loaded.predictMatrix(x);
  assert.deepEqual(bitsOf(after.data), bitsOf(before.data), `${what}: predictions bit-identical`);
  assert.deepEqual(loaded.getConfig(), model.getConfig(), `${what}: config`);
  assert.deepEqual(loaded.optimizer!.getState(loaded.params()), model.optimizer!.getState(model.params()), `${what}: optimizer state`);
  assert.deepEqual(loaded.optimizer!.getConfig(), model.optimizer!.getConfig(), `${what}: optimizer config`);
  assert.equal(loaded.loss!.name, model.loss!.name);
  assert.deepEqual(loaded.loss!.config, model.loss!.config);
  // The next training step (dropout masks and shuffling included) is the same too.
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  await loaded.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  model.params().forEach((p, i) => assert.deepEqual(bitsOf(loaded.params()[i]!.value), bitsOf(p.value), `${what}: ${p.name} after one more epoch`));
}

test('save → load is bit-identical for every activation, in float32 and float64 (RELIABILITY S1)', async () => {
  const d = datasets.moons({ n: 40, seed: 3 });
  for (const dtype of ['float32', 'float64'] as const) {
    for (const activation of ACTIVATIONS) {
      const out = activation === 'softmax' ? 2 : 1;
      const model = sequential([
        layers.dense({ units: 5, inputShape: [2], activation: activation === 'softmax' ? 'tanh' : activation }),
        layers.dense({ units: out, activation }),
      ], { seed: 2, dtype });
      model.compile({ optimizer: 'adam', loss: activation === 'softmax' ? 'sparseCategoricalCrossentropy' : 'mse' });
      await roundTrip(model, d.x, d.y, `${dtype} ${JSON.stringify(activation)}`);
    }
  }
});

test('save → load is bit-identical for every layer, optimiser and loss, with regularisers and initialisers', async () => {
  const d = datasets.blobs({ n: 48, seed: 4 });
  const oneHot = d.y.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
  const lossCases: [LossName, number[] | number[][], number, 'softmax' | 'sigmoid' | 'linear'][] = [
    ['sparseCategoricalCrossentropy', d.y, 3, 'softmax'],
    ['categoricalCrossentropy', oneHot, 3, 'softmax'],
    ['binaryCrossentropy', d.y.map((c) => (c === 0 ? 0 : 1)), 1, 'sigmoid'],
    ['mse', oneHot, 3, 'linear'],
    ['mae', oneHot, 3, 'linear'],
    ['sse', oneHot, 3, 'linear'],
  ];
  for (const [name, make] of optimizerList()) {
    for (const [loss, y, units, act] of lossCases) {
      const model = sequential([
        layers.dense({ units: 8, inputShape: [2], activation: 'relu', kernelRegularizer: regularizers.l1l2({ l1: 1e-4, l2: 1e-3 }), kernelInitializer: initializers.heNormal() }),
        layers.batchNormalization({ momentum: 0.9 }),
        layers.dropout({ rate: 0.3 }),
        layers.dense({ units: 4, useBias: false, kernelInitializer: initializers.randomNormal({ stddev: 0.3 }) }),
        layers.activation({ activation: 'tanh' }),
        layers.dense({ units, activation: act, biasInitializer: initializers.constant({ value: 0.1 }) }),
      ], { seed: 7 });
      model.compile({ optimizer: make(), loss: loss === 'categoricalCrossentropy' ? losses.categoricalCrossentropy({ base: 2 }) : loss, metrics: loss === 'mse' || loss === 'mae' || loss === 'sse' ? [] : ['accuracy'] });
      await roundTrip(model, d.x, y, `${name} / ${loss}`);
    }
  }
});

test('class names, preprocessing, training state and metadata come back', async () => {
  const model = await smallModel();
  model.classes = ['a', 'b', 'c'];
  const preprocessing = {
    schema: { inputs: [{ name: 'x1', kind: 'numeric' as const }, { name: 'x2', kind: 'numeric' as const }], target: { kind: 'classes' as const, names: ['y'], classes: ['a', 'b', 'c'] } },
    scaler: { kind: 'standard' as const, offset: [0.5, -1], scale: [2, 3] },
    featureNames: ['x1', 'x2'],
  };
  const training = { epoch: 2, history: { epoch: [0, 1], history: { loss: [1.5, NaN], val_loss: [Infinity, -Infinity] } } };
  const loaded = modelFromBytes(modelToBytes(model, { preprocessing, training, metadata: { command: 'train', n: 3 } }));
  assert.deepEqual(loaded.model.classes, ['a', 'b', 'c']);
  assert.deepEqual(loaded.preprocessing, preprocessing);
  assert.deepEqual(loaded.training, training, 'NaN and ±Infinity in the history survive');
  assert.deepEqual(loaded.metadata, { command: 'train', n: 3 });
  assert.deepEqual(loaded.model.session.shuffleRng.getState(), model.session.shuffleRng.getState());
  assert.equal(loaded.formatVersion, 1);
});

test('NaN and ±Infinity weights survive a round trip bit for bit (RELIABILITY S2)', () => {
  const model = sequential([layers.dense({ units: 3, inputShape: [2] })], { seed: 1 });
  const kernel = model.params()[0]!.value;
  kernel.set([NaN, Infinity, -Infinity, -0, 1e-45, 3.4e38]);
  const loaded = modelFromBytes(modelToBytes(model)).model;
  assert.deepEqual(bitsOf(loaded.params()[0]!.value), bitsOf(kernel));
  assert.ok(Object.is(loaded.params()[0]!.value[3], -0));
});

test('an unbuilt model cannot be saved (NotFittedError)', () => {
  assertThrowsWith(() => modelToBytes(sequential([layers.dense({ units: 2 })])), NotFittedError, /not built/);
});

/** The CPU budget of one rejection: LOAD_BUDGET_FACTOR × an intact small model's load, on this machine. */
const rejectBudgetMs = loadBudget(((bytes) => () => modelFromBytes(bytes))(modelToBytes(await smallModel())));

/**
 * Asserts that loading `bytes` fails with `cls` and a matching message, within `budgets` times the
 * machine-relative budget (more for inputs of megabytes, which are read once before the refusal).
 */
function rejects(bytes: Uint8Array, cls: typeof ModelFormatError | typeof UnsupportedError, pattern: RegExp, budgets = 1): void {
  const t0 = process.cpuUsage();
  assertThrowsWith(() => modelFromBytes(bytes), cls, pattern);
  const ms = cpuMs(t0);
  const limit = budgets * rejectBudgetMs;
  assert.ok(ms < limit, `rejected in ${ms.toFixed(1)} ms of CPU, over ${budgets * LOAD_BUDGET_FACTOR}× an intact load (${limit.toFixed(1)} ms)`);
}

test('truncated, empty, random, wrong-magic, wrong-version and corrupt files (RELIABILITY L1)', async () => {
  const good = modelToBytes(await smallModel());
  rejects(new Uint8Array(0), ModelFormatError, /is empty/);
  rejects(good.subarray(0, 10), ModelFormatError, /truncated: 10 bytes/);
  rejects(good.subarray(0, 60), ModelFormatError, /truncated: the header needs/);
  rejects(good.subarray(0, good.length - 5), ModelFormatError, /truncated/);
  const random = new Uint8Array(500).map((_, i) => (i * 7919 + 13) & 255);
  rejects(random, ModelFormatError, /not a backprop model file/);
  rejects(new TextEncoder().encode('{"format":"layers-model"}'), ModelFormatError, /looks like JSON/);
  const { header, data } = split(good);
  rejects(forge(header, data, 0), ModelFormatError, /format version 0/);
  rejects(forge({ ...header, formatVersion: 7 }, data, 7), UnsupportedError, /format version 7; this backprop reads version 1/);
  rejects(forge({ ...header, format: 'other' }, data), ModelFormatError, /format: expected "backprop-model"/);
  const flipped = good.slice();
  flipped[good.length - 3]! ^= 0x10;
  rejects(flipped, ModelFormatError, /corrupt: checksum/);
  rejects(forge(undefined, data, 1, '{"format": "backprop-model", '), ModelFormatError, /not valid JSON/);
  rejects(forge(undefined, data, 1, '[1, 2]'), ModelFormatError, /expected an object/);
  const badUtf8 = forge(header, data).slice();
  badUtf8[22] = 0xff;
  rejects(forge(undefined, data, 1, new TextDecoder().decode(badUtf8.subarray(20, 40))), ModelFormatError, /./);
});

function withTensor(bytes: Uint8Array, edit: (t: Record<string, unknown>, all: Record<string, unknown>[]) => void): Uint8Array {
  const { header, data } = split(bytes);
  const tensors = header.tensors as Record<string, unknown>[];
  edit(tensors[0]!, tensors);
  return forge(header, data);
}

test('hostile shapes, offsets and names are rejected before anything is allocated (RELIABILITY L2, L3)', async () => {
  const good = modelToBytes(await smallModel());
  const shapes: [unknown, RegExp][] = [
    [[1e9, 1e9], /expected an integer in \[0, 268435456\], got 1000000000/],
    [[20000, 20000], /shape \[20000, 20000\] has more than 268435456 elements/],
    [[4194305, 4194305, 211106198978564], /expected an integer in \[0, 268435456\]|more than 268435456 elements/],
    [[-2, 6], /expected an integer in \[0, 268435456\], got -2/],
    [[2.5, 6], /got 2\.5/],
    [[1, 1, 1, 1, 1, 1, 1, 1, 1], /array of 9 items exceeds the limit of 8/],
    [[3, 6], /byteLength 48 does not match shape \[3, 6\]/],
    ['2x6', /expected an array/],
  ];
  for (const [shape, pattern] of shapes) rejects(withTensor(good, (t) => (t.shape = shape)), ModelFormatError, pattern);
  rejects(withTensor(good, (t) => (t.offset = 4)), ModelFormatError, /overlaps|gap/);
  rejects(withTensor(good, (t) => (t.offset = 1e12)), ModelFormatError, /needs bytes .* but the file has/);
  rejects(withTensor(good, (t, all) => (t.name = all[1]!.name)), ModelFormatError, /appears twice in the manifest/);
  rejects(withTensor(good, (t) => (t.dtype = 'int8')), ModelFormatError, /expected one of float32, float64/);
  rejects(withTensor(good, (t) => (t.extra = 1)), ModelFormatError, /unexpected field "extra"/);
  const { header, data } = split(good);
  rejects(forge(header, new Uint8Array([...data, 0, 0, 0, 0])), ModelFormatError, /4 bytes after the last tensor/);
  rejects(forge(header, data.subarray(0, data.length - 4)), ModelFormatError, /the file has/);
  // A layer that claims a billion units, with tiny tensors: refused from the config, never built.
  const model = header.model as { layers: { config: { units?: number } }[] };
  model.layers[0]!.config.units = 200_000_000;
  rejects(forge(header, data), ModelFormatError, /kernel \[2, 200000000\] has more than 268435456 elements/);
  model.layers[0]!.config.units = 7;
  rejects(forge(header, data), ModelFormatError, /tensor "weight:dense_1\/kernel" has shape \[2, 6\], the layer expects \[2, 7\]/);
});

test('prototype-polluting keys are rejected and pollute nothing (RELIABILITY L5)', async () => {
  const good = modelToBytes(await smallModel());
  const { header, data } = split(good);
  const text = JSON.stringify(header);
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    const hostile = text.replace('"format":', `"${key}":{"polluted":true},"format":`);
    rejects(forge(undefined, data, 1, hostile), ModelFormatError, new RegExp(`forbidden key "${key}"`));
    const nested = text.replace('"units":6', `"units":6,"${key}":{"polluted":1}`);
    rejects(forge(undefined, data, 1, nested), ModelFormatError, /forbidden key/);
  }
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  // Class names that look like keys are just labels.
  const m = await smallModel();
  m.classes = ['__proto__', 'constructor', 'toString'];
  assert.deepEqual(modelFromBytes(modelToBytes(m)).model.classes, ['__proto__', 'constructor', 'toString']);
});

/** The parts of a saved header the hostile-file tests rewrite. */
interface EditableHeader {
  model: { layers: { className: string; config: Record<string, unknown> }[] };
  compile: { loss: { name: string }; optimizer: { name: string; config: Record<string, unknown> }; metrics: string[] };
  rng: { shuffle: { s: number[] }; dropout: Record<string, unknown> };
  classes: unknown[];
  [key: string]: unknown;
}

test('unknown layer classes, activations, initialisers, losses, optimisers are UnsupportedError; nothing is evaluated (RELIABILITY L6)', async () => {
  const good = modelToBytes(await smallModel());
  const edit = (f: (h: EditableHeader) => void): Uint8Array => {
    const { header, data } = split(good);
    f(header as EditableHeader);
    return forge(header, data);
  };
  let evaluated = false;
  (globalThis as { __backpropEvaluated?: () => void }).__backpropEvaluated = () => (evaluated = true);
  rejects(edit((h) => (h.model.layers[0]!.className = 'Lambda')), UnsupportedError, /unknown layer class "Lambda"/);
  rejects(edit((h) => (h.model.layers[0]!.className = 'constructor')), UnsupportedError, /unknown layer class "constructor"/);
  rejects(edit((h) => (h.model.layers[0]!.config.activation = 'eval')), UnsupportedError, /unknown activation "eval"/);
  rejects(edit((h) => (h.model.layers[0]!.config.activation = 'globalThis.__backpropEvaluated()')), UnsupportedError, /unknown activation/);
  rejects(edit((h) => (h.model.layers[0]!.config.kernelInitializer = { name: 'x => x' })), UnsupportedError, /unknown initializer/);
  rejects(edit((h) => (h.compile.loss.name = 'customLoss')), UnsupportedError, /unknown loss "customLoss"/);
  rejects(edit((h) => (h.compile.optimizer.name = 'lbfgs')), UnsupportedError, /unknown optimizer "lbfgs"/);
  rejects(edit((h) => (h.compile.metrics = ['bleu'])), UnsupportedError, /unknown metric "bleu"/);
  rejects(edit((h) => (h.compile.optimizer.config.learningRate = { name: 'cosine', config: {} })), UnsupportedError, /unknown learning-rate schedule "cosine"; known: exponentialDecay/);
  rejects(edit((h) => (h.compile.optimizer.config.learningRate = { name: 'exponentialDecay', config: { initialLearningRate: -1, decaySteps: 10, decayRate: 0.5 } })), ModelFormatError, /initialLearningRate/);
  rejects(edit((h) => (h.model.layers[0]!.config.units = '6')), ModelFormatError, /units: expected an integer/);
  rejects(edit((h) => (h.model.layers[1]!.config.rate = 1.5)), ModelFormatError, /rate: must be in \[0, 1\)/);
  rejects(edit((h) => (h.rng.dropout.dense_1 = h.rng.shuffle)), ModelFormatError, /"dense_1" is not a dropout layer/);
  rejects(edit((h) => (h.rng.shuffle.s = [0, 0, 0, 0])), ModelFormatError, /all-zero state/);
  rejects(edit((h) => (h.classes = ['a', 'a', 'b'])), ModelFormatError, /classes must be distinct/);
  rejects(edit((h) => (h.classes = ['a', 'b', 'c', 'd'])), ModelFormatError, /4 classes do not fit 3 output units/);
  rejects(edit((h) => (h.surprise = true)), ModelFormatError, /unexpected field "surprise"/);
  assert.equal(evaluated, false);
});

test('oversized and deeply nested headers, and too many layers, fail fast (RELIABILITY L4)', async () => {
  const good = modelToBytes(await smallModel());
  const { header, data } = split(good);
  const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
  rejects(forge(undefined, data, 1, deep), ModelFormatError, /nested deeper than 64 levels/, 10);
  const declared = good.slice();
  new DataView(declared.buffer).setUint32(12, 200 * 2 ** 20, true);
  rejects(declared, ModelFormatError, /header of 209715200 bytes exceeds the limit/);
  const many = { ...header, model: { ...(header.model as object), layers: Array.from({ length: 100_001 }, (_, i) => ({ className: 'Activation', config: { name: `a${i}`, activation: 'relu' } })) } };
  rejects(forge(many, data), ModelFormatError, /array of 100001 items exceeds the limit of 10000/, 10);
  assertThrowsWith(() => modelFromBytes(good, { limits: { maxBytes: 100 } }), ModelFormatError, /over the limit of 100/);
});

test('the loader never throws a raw TypeError or RangeError on structural nonsense', async () => {
  const good = modelToBytes(await smallModel());
  const { header, data } = split(good);
  const variants: unknown[] = [null, 1, 'x', [], { ...header, tensors: null }, { ...header, model: null }, { ...header, model: { ...(header.model as object), layers: [null] } }, { ...header, compile: [] }, { ...header, training: { epoch: -1 } }, { ...header, preprocessing: { scaler: { kind: 'standard', offset: [1], scale: [1] } } }];
  for (const v of variants) {
    assert.throws(() => modelFromBytes(forge(v, data)), (e: unknown) => e instanceof ModelFormatError || e instanceof UnsupportedError, JSON.stringify(v)?.slice(0, 80));
  }
  assert.ok(Matrix.zeros(1, 1));
});

test('the saved row order must be a permutation: it indexes the training rows', async () => {
  const model = await smallModel();
  assert.equal(model.session.shuffleOrder?.length, 60);
  assert.deepEqual(modelFromBytes(modelToBytes(model)).model.session.shuffleOrder, model.session.shuffleOrder);
  model.session.shuffleOrder = Int32Array.from([0, 2, 2, 1]);
  rejects(modelToBytes(model), ModelFormatError, /"state:shuffleOrder" is not a permutation of 0\.\.3 \(entry 2 is 2\)/);
  model.session.shuffleOrder = Int32Array.from([0, 7]);
  rejects(modelToBytes(model), ModelFormatError, /entry 1 is 7/);
});
