// R11: a valid model at the loader's caps loads (linearly; the time is measured in
// bench/reliability-load.ts, not here) and round-trips exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFormatError, layers, modelFromBytes, modelToBytes, sequential, type Layer } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

test('R11: a 10,000-layer model with Adam slots round-trips: weights, slots and predictions equal', async () => {
  const list: Layer[] = [layers.dense({ units: 1, inputShape: [1] })];
  for (let i = 1; i < 10_000; i++) list.push(layers.dense({ units: 1 }));
  const m = sequential(list, { seed: 4 });
  m.compile({ loss: 'mse', optimizer: 'adam' });
  await m.trainOnBatch([[0.1]], [[0.2]]);
  const { model } = modelFromBytes(modelToBytes(m));
  assert.equal(model.layers.length, 10_000);
  assert.deepEqual(model.getWeights(), m.getWeights());
  const a = m.optimizer!.getState(m.params());
  const b = model.optimizer!.getState(model.params());
  assert.equal(Object.keys(b.slots).length, 20_000);
  assert.deepEqual(b, a);
  assert.deepEqual(model.predict([[0.3]]), m.predict([[0.3]]));
  // One layer over the cap is refused before anything is built.
  assertThrowsWith(() => modelFromBytes(modelToBytes(m), { maxLayers: 9_999 }), ModelFormatError, /model\.layers: array of 10000 items exceeds the limit of 9999/);
});

test('R11: a 10 MB header of 4.9 M values loads; its structure is still checked', async () => {
  const m = sequential([layers.dense({ units: 1, inputShape: [1] })]);
  const values = Array.from({ length: 4_900_000 }, (_, i) => i % 10);
  const bytes = modelToBytes(m, { metadata: { values } });
  assert.ok(bytes.length > 9.5e6);
  const loaded = modelFromBytes(bytes);
  assert.equal((loaded.metadata.values as number[]).length, 4_900_000);
  assertThrowsWith(() => modelFromBytes(bytes, { limits: { maxHeaderBytes: 1 << 20 } }), ModelFormatError, /header of \d+ bytes exceeds the limit of 1048576/);
});
