import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, datasets, pca, parameterTrajectory, InputError } from '../../src/index.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';

test('pca: points on a line are one component; a known 2-D cloud gives its eigen-decomposition', () => {
  const line = [0, 1, 2, 3, 4].map((t) => [1 + 2 * t, -t, 3 + 0.5 * t]);
  const p = pca(line, 2);
  assertClose(p.explainedRatio[0]!, 1, 1e-12);
  assertClose(p.explainedRatio[1]!, 0, 1e-12);
  // Coordinates are the distances along the line from the mean, |(2, −1, 0.5)| = 2.291…
  const step = Math.hypot(2, -1, 0.5);
  p.coordinates.forEach((c, i) => assertClose(Math.abs(c[0]!), Math.abs((i - 2) * step), 1e-9, 0, `point ${i}`));
  assert.deepEqual(p.mean, [5, -2, 4]);

  // Four points (±3, 0), (0, ±1): variances 9·2/3 = 6 and 2/3 along x then y.
  const q = pca([[3, 0], [-3, 0], [0, 1], [0, -1]], 2);
  assertClose(q.variances[0]!, 6, 1e-10);
  assertClose(q.variances[1]!, 2 / 3, 1e-10);
  assertClose(q.explainedRatio[0]!, 0.9, 1e-10);
  q.coordinates.forEach((c, i) => assertClose(Math.abs(c[0]!), [3, 3, 0, 0][i]!, 1e-9, 0, `x coordinate ${i}`));
  q.coordinates.forEach((c, i) => assertClose(Math.abs(c[1]!), [0, 0, 1, 1][i]!, 1e-9, 0, `y coordinate ${i}`));
  assertThrowsWith(() => pca([]), InputError, /0 points/);
  assertThrowsWith(() => pca([[1, 2], [1]]), InputError, /point 1 has 1 values, point 0 has 2/);
});

test('pca of random high-dimensional points matches the covariance route on the projections', () => {
  // 6 points in 40-D: coordinates must reproduce the centred Gram matrix's top-2 part, and
  // squared norms of the coordinates add up to the explained share of the total variance.
  const pts = Array.from({ length: 6 }, (_, i) => Array.from({ length: 40 }, (_, j) => Math.sin(i * 1.7 + j * 0.31) * (j % 3 === 0 ? 3 : 1) + i * 0.1));
  const p = pca(pts, 2);
  const mean = p.mean;
  const total = pts.reduce((s, r) => s + r.reduce((t, v, j) => t + (v - mean[j]!) ** 2, 0), 0);
  const along = [0, 1].map((c) => p.coordinates.reduce((s, r) => s + r[c]! ** 2, 0));
  assertClose(along[0]! / total, p.explainedRatio[0]!, 1e-9);
  assertClose(along[1]! / total, p.explainedRatio[1]!, 1e-9);
  assert.ok(p.explainedRatio[0]! >= p.explainedRatio[1]!);
  // The two axes are uncorrelated over the points.
  assertClose(p.coordinates.reduce((s, r) => s + r[0]! * r[1]!, 0), 0, 1e-8);
});

test('the trajectory callback records the initial weights and each epoch, then projects them', async () => {
  const data = datasets.moons({ n: 64, seed: 1 });
  const m = sequential([layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 5 });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'binaryCrossentropy' });
  const path = parameterTrajectory();
  const history = await m.fit(data.x, data.y, { epochs: 12, batchSize: 16, verbose: 0, callbacks: [path] });
  const t = path.result();
  assert.equal(t.parameters, 4 * 2 + 4 + 4 + 1);
  assert.equal(t.points.length, 13);
  assert.deepEqual(t.points.map((p) => p.epoch), [-1, ...Array.from({ length: 12 }, (_, i) => i)]);
  assert.deepEqual(t.points.map((p) => p.step), Array.from({ length: 13 }, (_, i) => 4 * i));
  assert.equal(t.points[0]!.loss, undefined);
  assert.deepEqual(t.points.slice(1).map((p) => p.loss), history.history.loss);
  assert.ok(t.explainedRatio[0]! > 0.5 && t.explainedRatio[0]! + t.explainedRatio[1]! <= 1 + 1e-12);
  // Training moves the weights away from the start: the last point is far from the first.
  const d = Math.hypot(t.points[12]!.x - t.points[0]!.x, t.points[12]!.y - t.points[0]!.y);
  assert.ok(d > 0.1, `moved ${d}`);
  assert.deepEqual(JSON.parse(JSON.stringify(t)).points.length, 13);
});

test('everySteps records every k optimiser steps and thinning keeps at most maxSnapshots', async () => {
  const data = datasets.moons({ n: 40, seed: 2 });
  const m = sequential([layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const path = parameterTrajectory({ everySteps: 2 });
  await m.fit(data.x, data.y, { epochs: 3, batchSize: 10, verbose: 0, callbacks: [path] });
  assert.deepEqual(path.result().points.map((p) => p.step), [0, 2, 4, 6, 8, 10, 12]);
  const small = parameterTrajectory({ everySteps: 1, maxSnapshots: 5 });
  await m.fit(data.x, data.y, { epochs: 5, batchSize: 10, verbose: 0, callbacks: [small] });
  const steps = small.result().points.map((p) => p.step);
  assert.ok(steps.length <= 5 && steps[0] === 0, `${steps}`);
  for (let i = 2; i < steps.length; i++) assert.equal(steps[i]! - steps[i - 1]!, steps[1]! - steps[0]!, `evenly spaced: ${steps}`);
  assertThrowsWith(() => parameterTrajectory({ everySteps: 0 }), InputError, /everySteps must be an integer ≥ 1, got 0/);
});

test('final: true ends the path at the trained weights even when the steps or the thinning miss them', async () => {
  const data = datasets.moons({ n: 40, seed: 2 });
  const m = sequential([layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  // 3 epochs × 4 batches = 12 steps: every 5 steps records 0, 5, 10, and the final weights at 12.
  const path = parameterTrajectory({ everySteps: 5, final: true });
  await m.fit(data.x, data.y, { epochs: 3, batchSize: 10, verbose: 0, callbacks: [path] });
  assert.deepEqual(path.result().points.map((p) => p.step), [0, 5, 10, 12]);
  // Per epoch with thinning: 9 epochs (10 candidates) into at most 4 keeps steps 0, 16, 32 and adds 36.
  const thin = parameterTrajectory({ maxSnapshots: 4, final: true });
  await m.fit(data.x, data.y, { epochs: 9, batchSize: 10, verbose: 0, callbacks: [thin] });
  const t = thin.result();
  assert.deepEqual(t.points.map((p) => p.step), [0, 16, 32, 36]);
  assert.equal(t.points[3]!.epoch, 8);
  // Not added twice when the last snapshot already is the final one.
  const exact = parameterTrajectory({ everySteps: 4, final: true });
  await m.fit(data.x, data.y, { epochs: 3, batchSize: 10, verbose: 0, callbacks: [exact] });
  assert.deepEqual(exact.result().points.map((p) => p.step), [0, 4, 8, 12]);
  assertThrowsWith(() => parameterTrajectory({ final: 1 as unknown as boolean }), InputError, /final must be true or false, got 1/);
});
