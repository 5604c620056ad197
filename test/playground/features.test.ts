// The input features: their values, labels, and the network and grids built on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandFeatures, expandFeaturesFlat, featureLabel, featureNames } from '../../playground/src/features.js';
import { buildModel } from '../../playground/src/model.js';
import { makeGrid, unitGrids, boundaryGrid } from '../../playground/src/snapshot.js';
import { defaultConfig } from '../../playground/src/state.js';

test('each feature of a point, in the order asked', () => {
  const [row] = expandFeatures([[0.5, -2]], [...featureNames]);
  const want = [0.5, -2, 0.25, 4, -1, Math.sin(Math.PI * 0.5), Math.sin(-2 * Math.PI)];
  row!.forEach((v, j) => assert.ok(Math.abs(v - want[j]!) < 1e-15, `${featureNames[j]}: ${v} vs ${want[j]}`));
  assert.deepEqual(expandFeatures([[3]], ['x1sq']), [[3]], '1-D data keep x');
  assert.deepEqual(Array.from(expandFeaturesFlat([1, 2, 3, 4], 2, ['x1x2', 'x2'])), [2, 2, 12, 4]);
  assert.deepEqual(featureNames.map((f) => featureLabel(f)), ['x₁', 'x₂', 'x₁²', 'x₂²', 'x₁·x₂', 'sin πx₁', 'sin πx₂']);
  assert.deepEqual(featureNames.map((f) => featureLabel(f, ['weight', 'age'])), ['weight', 'age', '(weight)²', '(age)²', 'weight·age', 'sin πweight', 'sin πage']);
});

test('the network takes one input per feature; grids and boundary go through the features', () => {
  const c = { ...defaultConfig(), hidden: [], features: ['x1sq' as const, 'x2sq' as const, 'x1x2' as const] };
  const { model, blocks } = buildModel(c, { task: 'binary', inputDim: 2, classes: 2 });
  assert.equal(model.inputUnits, 3);
  const grid = makeGrid(2, [-1, 1], [-1, 1], 3, c.features);
  assert.equal(grid.identity, false);
  assert.deepEqual(grid.inputs.toArray()[0], [1, 1, -1], 'top-left point (−1, 1)');
  const out = unitGrids(model, blocks, grid)[0]!;
  const p = model.predict(grid.inputs) as number[][];
  out.forEach((v, i) => assert.ok(Math.abs(v - p[i]![0]!) < 1e-6));
  const b = boundaryGrid(model, grid);
  assert.equal(b.length, 18);
  for (let i = 0; i < 9; i++) {
    assert.ok(Math.abs(b[2 * i + 1]! - p[i]![0]!) < 1e-6);
    assert.ok(Math.abs(b[2 * i]! + b[2 * i + 1]! - 1) < 1e-6);
  }
  // Symmetric in x₁ ↔ −x₁ (only squares and the product's sign differ): the squares make the picture even.
  const even = buildModel({ ...c, features: ['x1sq', 'x2sq'] }, { task: 'binary', inputDim: 2, classes: 2 });
  const g2 = makeGrid(2, [-1, 1], [-1, 1], 3, ['x1sq', 'x2sq']);
  const o2 = unitGrids(even.model, even.blocks, g2)[0]!;
  assert.equal(o2[0], o2[2]);
  assert.equal(o2[0], o2[8]);
});

test('initial weight scale multiplies the kernels', () => {
  const shape = { task: 'binary' as const, inputDim: 2, classes: 2 };
  const one = buildModel({ ...defaultConfig(), hidden: [3] }, shape);
  const ten = buildModel({ ...defaultConfig(), hidden: [3], initScale: 10 }, shape);
  one.blocks.forEach((b, k) => b.dense.kernel.value.forEach((w, i) => assert.ok(Math.abs(ten.blocks[k]!.dense.kernel.value[i]! - 10 * w) < 1e-5)));
});
