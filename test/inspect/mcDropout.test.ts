import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, Dropout, InputError } from '../../src/index.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';

const x = [[0.2, -1], [1.5, 0.3], [-0.7, 0.9]];

test('without dropout the spread is exactly 0 and the mean is the plain prediction', () => {
  const m = sequential([layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), layers.dense({ units: 2 })], { seed: 1 });
  const r = m.predict(x, { mcSamples: 20 });
  assert.equal(r.samples, 20);
  assert.ok(r.std.flat().every((s) => s === 0));
  const plain = m.predict(x);
  r.mean.forEach((row, i) => row.forEach((v, j) => assertClose(v, plain[i]![j]!, 1e-6)));
});

test('with dropout the spread is > 0, the mean approaches the inference prediction, and the mode is restored', () => {
  const m = sequential([
    layers.dense({ units: 64, activation: 'relu', inputShape: [2] }),
    layers.dropout({ rate: 0.5 }),
    layers.dense({ units: 1 }),
  ], { seed: 3 });
  const r = m.predict(x, { mcSamples: 400 });
  assert.ok(r.std.flat().every((s) => s > 0), `std ${r.std}`);
  // Inverted dropout keeps E[output] = the inference output; the MC mean is within 4 standard errors.
  const plain = m.predict(x);
  r.mean.forEach((row, i) => assertClose(row[0]!, plain[i]![0]!, 4 * r.std[i]![0]! / Math.sqrt(400), 0, `row ${i}`));
  const d = m.layers[1] as Dropout;
  assert.equal(d.monteCarlo, false);
  assert.deepEqual(m.predict(x), plain, 'plain predict is deterministic again');
  // A layer built in Monte Carlo mode stays in it.
  const mc = sequential([layers.dense({ units: 4, inputShape: [2] }), layers.dropout({ rate: 0.5, monteCarlo: true })], { seed: 2 });
  mc.predict(x, { mcSamples: 3 });
  assert.equal((mc.layers[1] as Dropout).monteCarlo, true);
});

test('a single sample gives std 0; mcSamples is validated', () => {
  const m = sequential([layers.dense({ units: 4, inputShape: [2] }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 1 })], { seed: 3 });
  assert.ok(m.predict(x, { mcSamples: 1 }).std.flat().every((s) => s === 0));
  assertThrowsWith(() => m.predict(x, { mcSamples: 0 }), InputError, /mcSamples must be an integer ≥ 1, got 0/);
  assertThrowsWith(() => m.predict(x, { mcSamples: 2.5 }), InputError, /mcSamples must be an integer ≥ 1, got 2.5/);
  assertThrowsWith(() => m.predict(x, { samples: 3 } as never), InputError, /unknown option "samples"/);
});
