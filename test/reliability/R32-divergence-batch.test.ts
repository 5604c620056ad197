// R32 (T1): every DivergenceError names the epoch and the batch, as data and in its message; an
// exploding loss (R6) names the first batch of the epoch whose loss passed the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DivergenceError, datasets, layers, optimizers, sequential, type DivergenceData } from '../../src/index.js';
import { assertRejectsData } from './errorData.js';

test('R32: an exploding loss names the epoch and the first batch over the limit', async () => {
  const d = datasets.moons({ n: 200, noise: 0.1, seed: 1 });
  const m = sequential([layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 5 });
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: optimizers.adam({ learningRate: 1e6 }) });
  const batches: number[] = [];
  const e = await assertRejectsData(() => m.fit(d.x, d.y, { epochs: 5, batchSize: 20, verbose: 0, callbacks: [{ onBatchEnd: (b: number, logs: { loss?: number }) => { batches.push(logs.loss!); } } as never] }),
    DivergenceError, {}, /^epoch \d+, batch \d+: loss \S+ is \S+× the first batch's loss/);
  const event = e.event as DivergenceData;
  assert.equal(event.kind, 'exploding');
  assert.match(e.message, new RegExp(`^epoch ${event.epoch + 1}, batch ${event.batch + 1}:`));
  // The batch named is the first whose loss passed 1e4 × the first batch's loss.
  const first = batches.findIndex((l) => l > 1e4 * batches[0]!);
  assert.equal(event.epoch * 10 + event.batch, first, `losses ${batches.map((l) => l.toPrecision(2)).join(', ')}`);
});
