// fit on a Dataset of { x, y } batches (Keras' fit(dataset)) goes through the same session as
// arrays: the same batches in the same order give the same weights; an endless generator with
// stepsPerEpoch; a validation dataset; a loaded model continues training with its optimiser state
// kept or reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, datasets, modelToBytes, modelFromBytes, InputError, Matrix, type Batch, type Sequential } from '../../src/index.js';

const data = datasets.moons({ n: 96, noise: 0.2, seed: 3 });
const val = datasets.moons({ n: 40, noise: 0.2, seed: 4 });

function net(seed = 7): Sequential {
  const m = sequential([layers.dense({ units: 8, inputShape: [2], activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

const flat = (m: Sequential) => m.params().map((p) => Array.from(p.value));

/** The rows in order, `size` at a time, as a re-iterable async dataset. */
function batchesOf(x: number[][], y: number[], size: number): AsyncIterable<Batch> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < x.length; i += size) yield { x: x.slice(i, i + size), y: y.slice(i, i + size) };
    },
  };
}

test('a dataset of the rows in order trains bit for bit as fit on arrays without shuffling; a validation dataset gives the same val_ logs', async () => {
  const a = net();
  const ha = await a.fit(data.x, data.y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0, validationData: [val.x, val.y] });
  const b = net();
  const hb = await b.fit(batchesOf(data.x, data.y, 16), { epochs: 3, verbose: 0, validationData: batchesOf(val.x, val.y, 7) });
  assert.deepEqual(flat(b), flat(a));
  assert.deepEqual(hb.history.loss, ha.history.loss);
  assert.deepEqual(hb.history.accuracy, ha.history.accuracy);
  for (let e = 0; e < 3; e++) {
    assert.ok(Math.abs(hb.history.val_loss![e]! - ha.history.val_loss![e]!) < 1e-6, `val_loss epoch ${e}`);
    assert.equal(hb.history.val_accuracy![e], ha.history.val_accuracy![e]);
  }
  assert.equal(hb.iterations, 3 * 6);
});

test('an endless generator with stepsPerEpoch: each epoch takes that many batches and the next continues the same iterator', async () => {
  let served = 0;
  function* endless() {
    for (;;) {
      const i = (served * 8) % 96;
      served++;
      yield { x: new Matrix(8, 2, Float32Array.from(data.x.slice(i, i + 8).flat())), y: data.y.slice(i, i + 8) };
    }
  }
  const m = net();
  const sizes: (number | undefined)[] = [];
  const h = await m.fit(endless(), { epochs: 4, stepsPerEpoch: 5, verbose: 0, callbacks: [{ setParams: (p) => sizes.push(p.steps) }] });
  assert.equal(h.epoch.length, 4);
  assert.equal(h.iterations, 20);
  assert.equal(served, 20);
  assert.deepEqual(sizes, [5]);
  assert.ok(h.history.loss![3]! < h.history.loss![0]!, 'the loss falls');
});

test('a function of the epoch gives each epoch its batches; a one-shot generator fails in epoch 2 naming the fix', async () => {
  const seen: number[] = [];
  const m = net();
  await m.fit((epoch) => {
    seen.push(epoch);
    return batchesOf(data.x, data.y, 32);
  }, { epochs: 3, verbose: 0 });
  assert.deepEqual(seen, [0, 1, 2]);

  function* once() {
    yield { x: data.x.slice(0, 10), y: data.y.slice(0, 10) };
  }
  await assert.rejects(net().fit(once(), { epochs: 2, verbose: 0 }), (e: unknown) => e instanceof InputError && /no batches in epoch 2 \(a generator can be read once/.test(e.message));
});

test('a dataset refuses a separate y, validationSplit and class names without the model knowing its classes', async () => {
  const m = net();
  assert.throws(() => m.session.start(batchesOf(data.x, data.y, 8), data.y, {}), (e: unknown) => e instanceof InputError && /pass no separate y \(model\.fit\(dataset, options\)\)/.test(e.message));
  assert.throws(() => m.session.start(batchesOf(data.x, data.y, 8), undefined, { validationSplit: 0.2 }), /validationSplit needs the rows in memory/);
  const c = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })]);
  c.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const named = { *[Symbol.iterator]() { yield { x: [[0, 1]], y: ['a'] }; } };
  await assert.rejects(c.fit(named, { verbose: 0 }), (e: unknown) => e instanceof InputError && /y holds class names but the model has no classes yet/.test(e.message));
  assert.throws(() => m.session.start(data.x, data.y, { stepsPerEpoch: 3 }), /stepsPerEpoch is for a dataset/);
});

test('a loaded model keeps training with fit: optimizerState keep continues exactly as one longer fit; reset starts the optimiser afresh', async () => {
  const straight = net();
  await straight.fit(data.x, data.y, { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });

  const first = net();
  const h1 = await first.fit(data.x, data.y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
  const bytes = modelToBytes(first);
  const kept = modelFromBytes(bytes).network;
  assert.equal(kept.session.optimizer.iterations, 12, 'the saved optimiser state came back');
  const h2 = await kept.fit(data.x, data.y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
  assert.deepEqual(flat(kept), flat(straight), 'keep: 2 + 2 epochs equal 4 straight, bit for bit');
  assert.ok(h2.history.loss![1]! < h1.history.loss![0]!, 'warm start: the loss keeps falling from where it was');

  const reset = modelFromBytes(bytes).network;
  await reset.fit(data.x, data.y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, optimizerState: 'reset' });
  assert.equal(reset.session.optimizer.iterations, 12, 'reset: the step count starts at 0 again');
  assert.notDeepEqual(flat(reset), flat(straight));
  assert.throws(() => reset.session.start(data.x, data.y, { optimizerState: 'fresh' as 'keep' }), /optimizerState must be 'keep' or 'reset', got "fresh"/);
});
