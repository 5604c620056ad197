// R6: a finite loss that explodes (adaptive optimisers at a runaway learning rate) is divergence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DivergenceError, callbacks, datasets, layers, optimizers, sequential } from '../../src/index.js';
import { assertRejectsWith } from '../helpers/assert.js';

function model(optimizer: 'adam' | 'rmsprop' | 'adagrad', learningRate: number) {
  const m = sequential([layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 5 });
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: optimizers[optimizer]({ learningRate }) });
  return m;
}

for (const optimizer of ['adam', 'rmsprop', 'adagrad'] as const) {
  test(`R6: ${optimizer} at learning rate 1e6 stops with a DivergenceError naming the growth`, async () => {
    const d = datasets.moons({ n: 200, noise: 0.1, seed: 1 });
    const m = model(optimizer, 1e6);
    await assertRejectsWith(() => m.fit(d.x, d.y, { epochs: 5, batchSize: 20, validationSplit: 0.2, verbose: 0 }), DivergenceError,
      /epoch \d+, batch \d+: (val_)?loss \S+ is \S+× the first batch's loss \S+; training is diverging\. Lower the learning rate \(now 1000000\)/);
  });
}

test('R6: with terminateOnNaN the run ends cleanly, the exploded epoch unlogged, the message in the warnings', async () => {
  const d = datasets.moons({ n: 200, noise: 0.1, seed: 1 });
  const m = model('adam', 1e6);
  const stop = callbacks.terminateOnNaN();
  const h = await m.fit(d.x, d.y, { epochs: 5, batchSize: 20, verbose: 0, callbacks: [stop] });
  assert.equal(stop.event?.kind, 'exploding');
  assert.ok(h.warnings.some((w) => /training is diverging/.test(w)));
  for (const loss of h.history.loss ?? []) assert.ok(loss < 1e4 * 0.8, `a logged epoch has loss ${loss}`);
});

test('R6: an ordinary run at a sane learning rate is not flagged', async () => {
  const d = datasets.moons({ n: 200, noise: 0.1, seed: 1 });
  for (const optimizer of ['adam', 'rmsprop', 'adagrad'] as const) {
    const h = await model(optimizer, 0.05).fit(d.x, d.y, { epochs: 20, batchSize: 20, validationSplit: 0.2, verbose: 0 });
    assert.equal(h.history.loss!.length, 20);
    assert.ok(h.history.loss![19]! < 0.5, `${optimizer} final loss ${h.history.loss![19]}`);
  }
});
