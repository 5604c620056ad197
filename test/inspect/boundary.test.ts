import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, decisionBoundary, boundaryRanges, losses, InputError, ShapeError, NotFittedError } from '../../src/index.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';

test('a single sigmoid output: the grid holds [1 − p, p] and the boundary is the line z = 0', () => {
  // p = σ(x − y): class 1 below the diagonal y < x.
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { dtype: 'float64' });
  m.setWeights([[[1], [-1]], [0]]);
  const g = decisionBoundary(m, { xRange: [-1, 1], yRange: [-2, 2], resolution: 5 });
  assert.deepEqual(g.xs, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(g.ys, [-2, -1, 0, 1, 2]);
  assert.equal(g.probabilities.length, 5);
  assert.equal(g.probabilities[0]!.length, 5);
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) {
      const p = 1 / (1 + Math.exp(-(g.xs[j]! - g.ys[i]!)));
      assertClose(g.probabilities[i]![j]![1]!, p, 1e-12, 0, `p at row ${i}, col ${j}`);
      assertClose(g.probabilities[i]![j]![0]!, 1 - p, 1e-12);
      assert.equal(g.classes[i]![j], g.xs[j]! > g.ys[i]! ? 1 : 0, `class at (${g.xs[j]}, ${g.ys[i]})`);
    }
  }
});

test('softmax outputs: probabilities per class, argmax per cell; logits are converted', () => {
  const m = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })], { dtype: 'float64' });
  // z = (x, y, 0): class 0 where x is largest, 1 where y is, 2 where both are negative; exact
  // ties (e.g. at the origin) go to the lower class index.
  m.setWeights([[[1, 0, 0], [0, 1, 0]], [0, 0, 0]]);
  const g = decisionBoundary(m, { xRange: [-1, 1], yRange: [-1, 1], resolution: 3 });
  assert.deepEqual(g.classes, [[2, 0, 0], [1, 0, 0], [1, 1, 0]]);
  for (const row of g.probabilities) for (const cell of row) assertClose(cell.reduce((s, v) => s + v, 0), 1, 1e-12);
  const logits = sequential([layers.dense({ units: 3, inputShape: [2] })], { dtype: 'float64' });
  logits.setWeights([[[1, 0, 0], [0, 1, 0]], [0, 0, 0]]);
  logits.compile({ optimizer: 'sgd', loss: losses.categoricalCrossentropy({ fromLogits: true }) });
  const h = decisionBoundary(logits, { xRange: [-1, 1], yRange: [-1, 1], resolution: 3 });
  assert.deepEqual(h, g);
});

test('boundaryRanges widens the data range by a margin', () => {
  const r = boundaryRanges([[0, 10], [2, 20], [1, 15]], { margin: 0.25 });
  assert.deepEqual(r, { xRange: [-0.5, 2.5], yRange: [7.5, 22.5] });
  assert.deepEqual(boundaryRanges([[1, 1], [1, 1]]), { xRange: [0.5, 1.5], yRange: [0.5, 1.5] });
  assertThrowsWith(() => boundaryRanges([[1, 2, 3]]), ShapeError, /3 features; a decision boundary needs exactly 2/);
});

test('bad input: ranges, resolution, input width, unbuilt model', () => {
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
  assertThrowsWith(() => decisionBoundary(m, { xRange: [1, 0], yRange: [0, 1] }), InputError, /xRange must have min < max, got \[1, 0\]/);
  assertThrowsWith(() => decisionBoundary(m, { xRange: [0, 1], yRange: [0, NaN] as [number, number] }), InputError, /yRange must be \[min, max\] of finite numbers/);
  assertThrowsWith(() => decisionBoundary(m, { xRange: [0, 1], yRange: [0, 1], resolution: 1 }), InputError, /resolution must be an integer ≥ 2, got 1/);
  assertThrowsWith(() => decisionBoundary(m, { xRange: [0, 1], yRange: [0, 1], resolution: 5000 }), InputError, /resolution must be ≤ 2000/);
  const three = sequential([layers.dense({ units: 1, inputShape: [3] })]);
  assertThrowsWith(() => decisionBoundary(three, { xRange: [0, 1], yRange: [0, 1] }), ShapeError, /3 input features; a decision boundary grid needs exactly 2/);
  assertThrowsWith(() => decisionBoundary(sequential([layers.dense({ units: 1 })]), { xRange: [0, 1], yRange: [0, 1] }), NotFittedError, /not built/);
  assert.equal(decisionBoundary(m, { xRange: [0, 1], yRange: [0, 1] }).xs.length, 50, 'default resolution');
});
