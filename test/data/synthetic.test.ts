import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, syntheticSet, syntheticSets, InputError } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

test('truth tables: AND, OR, XOR, NAND, NOR on the four corners, NOT on two points', () => {
  assert.deepEqual(datasets.truthTable('and'), { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 0, 0, 1] });
  assert.deepEqual(datasets.truthTable('or').y, [0, 1, 1, 1]);
  assert.deepEqual(datasets.truthTable('xor').y, [0, 1, 1, 0]);
  assert.deepEqual(datasets.truthTable('nand').y, [1, 1, 1, 0]);
  assert.deepEqual(datasets.truthTable('nor').y, [1, 0, 0, 0]);
  assert.deepEqual(datasets.truthTable('not'), { x: [[0], [1]], y: [1, 0] });
  assert.equal(datasets.truthTable('xor', { repeat: 3 }).y.length, 12);
  assertThrowsWith(() => datasets.truthTable('xnor' as 'xor'), InputError, /unknown gate "xnor"/);
});

test('gaussian quadrants: 2 classes follow the sign of x·y, 4 classes the quadrant; seeded', () => {
  const d = datasets.gaussianQuadrants({ n: 400, noise: 0.2, seed: 3 });
  let agree = 0;
  d.x.forEach(([a, b], i) => {
    if ((a! * b! < 0 ? 1 : 0) === d.y[i]) agree++;
  });
  assert.ok(agree / 400 > 0.97, `sign rule holds for ${agree}/400`);
  const four = datasets.gaussianQuadrants({ n: 400, noise: 0.2, seed: 3, classes: 4 });
  assert.deepEqual([...new Set(four.y)].sort(), [0, 1, 2, 3]);
  assert.deepEqual(datasets.gaussianQuadrants({ n: 50, seed: 9 }), datasets.gaussianQuadrants({ n: 50, seed: 9 }));
});

test('1-D regression functions: y = f(x) exactly without noise, x within [min, max]', () => {
  const d = datasets.regression1d({ fn: 'quadratic', n: 50, noise: 0, seed: 1, min: -2, max: 2 });
  d.x.forEach(([x], i) => {
    assert.ok(x! >= -2 && x! < 2);
    assert.equal(d.y[i], x! * x!);
  });
  const s = datasets.regression1d({ fn: 'sine', n: 20, noise: 0 });
  s.x.forEach(([x], i) => assert.equal(s.y[i], Math.sin(Math.PI * x!)));
  assertThrowsWith(() => datasets.regression1d({ fn: 'tan' as 'sine' }), InputError, /unknown function "tan"; known: linear, quadratic/);
});

test('catalogue: every synthetic set generates rows matching its feature names; unknown names suggest', () => {
  for (const set of syntheticSets) {
    const { x, y } = set.generate({ n: 40, seed: 2 });
    assert.ok(x.length >= 2, set.name);
    assert.equal(x.length, y.length);
    assert.equal(x[0]!.length, set.featureNames.length, set.name);
    if (set.task !== 'regression') assert.ok(y.every((v) => Number.isInteger(v)), set.name);
  }
  assertThrowsWith(() => syntheticSet('moon'), InputError, /did you mean "moons"/);
});
