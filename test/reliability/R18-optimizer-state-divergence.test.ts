// R18: inputs of 1e30 (unscaled) give gradients whose squares overflow float32: adam's v,
// rmsprop's and adagrad's accumulators became Infinity while the weights stayed finite, and the
// run saved a file its loader refuses. Non-finite optimiser state is divergence: DivergenceError
// naming the epoch, batch, tensor and slot; the weights are those before the step; never saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DivergenceError, layers, modelToBytes, sequential, type DivergenceData } from '../../src/index.js';
import { assertRejectsData, assertErrorData } from './errorData.js';

const slots = { adam: 'v', rmsprop: 's', adagrad: 's' } as const;

for (const optimizer of ['adam', 'rmsprop', 'adagrad'] as const) {
  test(`R18: ${optimizer} with inputs of 1e30 stops on the overflowed state, weights unchanged`, async () => {
    const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2], name: 'out' })], { seed: 2 });
    m.compile({ loss: 'binaryCrossentropy', optimizer });
    const before = Float32Array.from(m.layers[0]!.weights()[0]!.value);
    const x = Array.from({ length: 16 }, (_, i) => [1e30 * ((i % 3) - 1), 1]);
    const e = await assertRejectsData(() => m.fit(x, x.map((_, i) => i % 2), { epochs: 3, batchSize: 8, verbose: 0 }), DivergenceError, {},
      new RegExp(`epoch 1, batch 1: the optimiser state ${slots[optimizer]} of out/kernel \\(layer out\\) overflowed to a non-finite value`));
    const event = e.event as DivergenceData;
    assert.deepEqual({ epoch: event.epoch, batch: event.batch, kind: event.kind, layer: event.layer, param: event.param }, { epoch: 0, batch: 0, kind: 'optimizer state', layer: 'out', param: 'out/kernel' });
    assert.deepEqual(Array.from(m.layers[0]!.weights()[0]!.value), Array.from(before));
    // The state holds the overflow: the writer refuses it rather than save a file the loader refuses.
    assertErrorData(() => modelToBytes(m), DivergenceError, {}, new RegExp(`cannot save: the optimiser state ${slots[optimizer]} of out/kernel holds Infinity at entry 0`));
  });
}

test('R18: the same data at 1e3 trains without a divergence', async () => {
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 2 });
  m.compile({ loss: 'binaryCrossentropy', optimizer: 'adam' });
  const x = Array.from({ length: 16 }, (_, i) => [1e3 * ((i % 3) - 1), 1]);
  const h = await m.fit(x, x.map((_, i) => i % 2), { epochs: 3, batchSize: 8, verbose: 0 });
  assert.equal(h.history.loss!.length, 3);
  assert.ok(modelToBytes(m).length > 0);
});
