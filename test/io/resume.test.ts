import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, layers, modelFromBytes, modelToBytes, sequential, type Sequential } from '../../src/index.js';
import { bitsOf } from './helpers.js';

function build(): Sequential {
  const model = sequential([
    layers.dense({ units: 16, inputShape: [2], activation: 'relu' }),
    layers.dropout({ rate: 0.3 }),
    layers.batchNormalization(),
    layers.dense({ units: 8, activation: 'tanh' }),
    layers.dropout({ rate: 0.2 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 11 });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

test('5 epochs + save + load + 5 more equals 10 straight: weights, optimiser state and history bit-identical (RELIABILITY T5)', async () => {
  const d = datasets.spirals({ n: 150, seed: 2 });
  const v = datasets.spirals({ n: 60, seed: 3 });
  const fitArgs = { batchSize: 16, verbose: 0 as const, validationData: [v.x, v.y] as const };

  const straight = build();
  const full = await straight.fit(d.x, d.y, { ...fitArgs, epochs: 10 });

  const first = build();
  const part1 = await first.fit(d.x, d.y, { ...fitArgs, epochs: 5 });
  const bytes = modelToBytes(first, { training: { epoch: 5, history: part1 } });
  const loaded = modelFromBytes(bytes);
  const resumed = loaded.model;
  assert.equal(loaded.training?.epoch, 5);
  const part2 = await resumed.fit(d.x, d.y, { ...fitArgs, epochs: 10, initialEpoch: loaded.training!.epoch });

  straight.params().forEach((p, i) => assert.deepEqual(bitsOf(resumed.params()[i]!.value), bitsOf(p.value), `${p.name} differs`));
  assert.deepEqual(resumed.optimizer!.getState(resumed.params()), straight.optimizer!.getState(straight.params()));
  assert.deepEqual([...loaded.training!.history!.epoch, ...part2.epoch], full.epoch);
  for (const [k, series] of Object.entries(full.history)) {
    assert.deepEqual([...loaded.training!.history!.history[k]!, ...part2.history[k]!], series, `history ${k}`);
  }
  assert.deepEqual(resumed.session.shuffleRng.getState(), straight.session.shuffleRng.getState());
});

test('without the saved RNG state a resume would differ: the check above has teeth', async () => {
  const d = datasets.spirals({ n: 150, seed: 2 });
  const straight = build();
  await straight.fit(d.x, d.y, { batchSize: 16, verbose: 0, epochs: 4 });
  const first = build();
  await first.fit(d.x, d.y, { batchSize: 16, verbose: 0, epochs: 2 });
  const resumed = modelFromBytes(modelToBytes(first)).model;
  resumed.session.shuffleRng.setState(build().session.shuffleRng.getState());
  await resumed.fit(d.x, d.y, { batchSize: 16, verbose: 0, epochs: 4, initialEpoch: 2 });
  const same = straight.params().every((p, i) => Buffer.from(bitsOf(p.value)).equals(Buffer.from(bitsOf(resumed.params()[i]!.value))));
  assert.equal(same, false);
});
