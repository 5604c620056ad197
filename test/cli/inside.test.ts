import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, layers, sequential } from '../../src/index.js';
import { InsideRecorder, TRAJECTORY_POINTS } from '../../cli/report/inside.js';

function model() {
  const m = sequential([layers.dense({ units: 6, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return m;
}

test('the trajectory is capped by memory and PCA cost, and left out (with a note) for a model too big to snapshot', () => {
  const small = new InsideRecorder({ parameters: 193, initialEpoch: 0, epochs: 200, batches: 10 });
  assert.equal(small.path?.maxSnapshots, TRAJECTORY_POINTS + 1);
  assert.equal(small.note, undefined);
  assert.equal(small.callbacks.length, 2);
  // 10⁵ parameters: 64 MB / 800 kB = 83 snapshots (the Gram bound, √(8·10⁸/10⁵) = 89, is looser).
  assert.equal(new InsideRecorder({ parameters: 100_000, initialEpoch: 0, epochs: 50, batches: 10 }).path?.maxSnapshots, 84);
  const big = new InsideRecorder({ parameters: 5_000_000, initialEpoch: 0, epochs: 5, batches: 100 });
  assert.equal(big.path, undefined);
  assert.equal(big.callbacks.length, 1);
  assert.match(big.note!, /5,000,000 parameters are too many/);
});

test('a short run records every k steps, ends at the trained weights, and reports epochs from the resume point', async () => {
  const data = datasets.moons({ n: 100, seed: 4 });
  const m = model();
  // 30 epochs × 4 batches = 120 steps < 200: every step; resumed at epoch 10 of 40.
  const rec = new InsideRecorder({ parameters: 25, initialEpoch: 10, epochs: 40, batches: 4 });
  await m.fit(data.x, data.y, { epochs: 40, initialEpoch: 10, batchSize: 25, verbose: 0, callbacks: rec.callbacks });
  const t = rec.trajectory()!;
  assert.equal(t.parameters, 2 * 6 + 6 + 6 + 1);
  assert.equal(t.epoch.length, 121);
  assert.deepEqual([t.epoch[0], t.epoch[1], t.epoch[4], t.epoch[120]], [10, 10.25, 11, 40]);
  const s = rec.statistics(m)!;
  assert.deepEqual(s.epochs, Array.from({ length: 30 }, (_, i) => i + 11));
  assert.deepEqual(s.layers.map((l) => [l.name, l.activation, l.units, l.std.length]), [[m.layers[0]!.name, 'tanh', 6, 30], [m.layers[1]!.name, 'sigmoid', 1, 30]]);
  assert.ok(s.layers.every((l) => l.saturated!.every((v) => v !== null && v >= 0 && v <= 1)));

  // 75 epochs × 3 batches = 225 steps over 200 points: every ⌈225 / 200⌉ = 2 steps, 0..224,
  // then the final weights at step 225 added at the end (final: true).
  const odd = new InsideRecorder({ parameters: 25, initialEpoch: 0, epochs: 75, batches: 3 });
  await model().fit(data.x, data.y, { epochs: 75, batchSize: 34, verbose: 0, callbacks: odd.callbacks });
  const path = odd.trajectory()!;
  assert.equal(path.epoch.length, 114);
  assert.equal(path.epoch.at(-1), 75);
  assert.equal(path.epoch.at(-2), 74.667);
});
