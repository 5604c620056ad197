// R2: one-hot widths and layer sizes past what memory holds are an InputError before allocating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, MAX_CATEGORIES, layers, sequential, tableFromRecords } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

test('R2: 1e6 distinct categories stop at the cap, naming column, line and cap; the cap is configurable', () => {
  function* records(n: number) {
    yield ['id', 'x', 'y'];
    for (let i = 0; i < n; i++) yield [`user${i}`, String(i % 7), String(i % 2)];
  }
  assert.equal(MAX_CATEGORIES, 1000);
  // An inferred text column of a distinct value per row is left out as ID-like (issue 11); asked for as categories it stops at the cap.
  assert.deepEqual(tableFromRecords(records(5000), { source: 'ids.csv' }).report.leftOut.map((l) => l.column), ['id']);
  assertThrowsWith(() => tableFromRecords(records(1_000_000), { source: 'ids.csv', categorical: ['id'] }), InputError,
    /ids\.csv line 1002, column 1 \("id"\): "user1000" would be category 1001, over the cap of 1000 one-hot columns \(maxCategories\); leave the column out \(--ignore\)/);
  assertThrowsWith(() => tableFromRecords(records(20_000), { source: 'ids.csv', maxCategories: 5000, categorical: ['id'] }), InputError, /line 5002, .*over the cap of 5000/);
  const t = tableFromRecords(records(3000), { source: 'ids.csv', maxCategories: 3000, categorical: ['id'] });
  assert.equal(t.featureNames.length, 3001);
});

test('R2: layers of 100000 × 100000 and units 1e9 fail at build naming the layer, shape and cap', () => {
  const big = sequential([layers.dense({ units: 100_000 })]);
  assertThrowsWith(() => big.build(100_000), InputError, /dense_1\/kernel: shape \[100000, 100000\] has 1\.00e\+10 elements, over the cap of 268435456 per tensor/);
  assertThrowsWith(() => sequential([layers.dense({ units: 1e9, inputShape: [2] })]), InputError, /dense_1\/kernel: shape \[2, 1000000000\] has 2\.00e\+9 elements/);
  assertThrowsWith(() => sequential([layers.dense({ units: 8, inputShape: [2] }), layers.dense({ units: 1e9 })]), InputError, /dense_2\/kernel: shape \[8, 1000000000\]/);
  assertThrowsWith(() => sequential([layers.batchNormalization({ inputShape: [3e8] })]), InputError, /gamma: shape \[300000000\]/);
});
