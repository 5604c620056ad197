// R7: a stop request mid-epoch (Ctrl-C) with discardPartialEpoch undoes that epoch, so resuming
// is bit-for-bit the uninterrupted run (weights, Adam moments, shuffle and dropout generators).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, layers, optimizers, sequential, type Callback, type Model, type Sequential } from '../../src/index.js';

function model() {
  const m = sequential([
    layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 2, activation: 'softmax' }),
  ], { seed: 3 });
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: optimizers.adam({ learningRate: 0.01 }) });
  return m;
}

function maxDiff(a: Sequential, b: Sequential): number {
  const wa = a.getWeights().flat(2);
  const wb = b.getWeights().flat(2);
  assert.equal(wa.length, wb.length);
  return Math.max(...wa.map((v, i) => Math.abs(v - wb[i]!)));
}

/** Sets stopTraining after batch `batch` of epoch `epoch`, as the CLI's Ctrl-C handler does. */
function stopAt(epoch: number, batch: number): Callback {
  let current = -1;
  let model: Model | undefined;
  return {
    setModel: (m) => (model = m),
    onEpochBegin: (e) => void (current = e),
    onBatchEnd: (b) => {
      if (current === epoch && b === batch) model!.stopTraining = true;
    },
  };
}

const d = datasets.moons({ n: 200, noise: 0.1, seed: 1 });
const fitArgs = { batchSize: 16, seed: 9, verbose: 0 } as const;

test('R7: a stop in the middle of epoch 3 discards it; resuming gives weights identical to the uninterrupted run', async () => {
  const straight = model();
  const full = await straight.fit(d.x, d.y, { ...fitArgs, epochs: 5 });

  const cut = model();
  const h = await cut.fit(d.x, d.y, { ...fitArgs, epochs: 5, discardPartialEpoch: true, callbacks: [stopAt(2, 4)] });
  assert.deepEqual(h.epoch, [0, 1], 'the partial epoch is not in the history');
  assert.equal(h.discardedEpoch, 2);
  assert.deepEqual(h.history.loss, full.history.loss!.slice(0, 2));
  assert.equal(h.iterations, 2 * Math.ceil(200 / 16));
  assert.equal(cut.optimizer!.iterations, h.iterations);

  const rest = await cut.fit(d.x, d.y, { batchSize: 16, verbose: 0, epochs: 5, initialEpoch: 2 });
  assert.deepEqual(rest.history.loss, full.history.loss!.slice(2));
  assert.equal(maxDiff(straight, cut), 0);
});

test('R7: without discardPartialEpoch the partial epoch is logged (Keras), and a stop on the last batch loses nothing', async () => {
  const m = model();
  const h = await m.fit(d.x, d.y, { ...fitArgs, epochs: 5, callbacks: [stopAt(2, 4)] });
  assert.deepEqual(h.epoch, [0, 1, 2]);
  assert.equal(h.discardedEpoch, undefined);

  const last = model();
  const h2 = await last.fit(d.x, d.y, { ...fitArgs, epochs: 5, discardPartialEpoch: true, callbacks: [stopAt(2, Math.ceil(200 / 16) - 1)] });
  assert.deepEqual(h2.epoch, [0, 1, 2], 'a complete epoch is kept');
  assert.equal(h2.discardedEpoch, undefined);
});
