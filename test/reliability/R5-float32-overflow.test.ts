// R5: inputs finite as float64 but not as float32 (1e39) are an InputError naming row and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, Matrix, layers, sequential, tableFromRecords } from '../../src/index.js';
import { assertRejectsWith, assertThrowsWith } from '../helpers/assert.js';

function model(dtype: 'float32' | 'float64') {
  const m = sequential([layers.dense({ units: 1, inputShape: [2] })], { dtype });
  m.compile({ loss: 'mse', optimizer: 'sgd' });
  return m;
}

test('R5: predict and fit of a float32 model refuse 1e39 with row and column', async () => {
  const m = model('float32');
  assertThrowsWith(() => m.predict([[0, 0], [1e39, 0]]), InputError, /predict x: row 1, column 0 is 1e\+39, which overflows float32 \(largest 3\.40e\+38\)/);
  assertThrowsWith(() => m.predict(Matrix.fromArray([[0, -1e39]], 'float64')), InputError, /row 0, column 1 is -1e\+39, which overflows float32/);
  assertThrowsWith(() => m.predict([new Float64Array([0, 5e38])]), InputError, /row 0, column 1 is 5e\+38/);
  await assertRejectsWith(() => m.fit([[1, 2], [3, 1e39]], [0, 1], { epochs: 1, verbose: 0 }), InputError, /row 1, column 1 is 1e\+39, which overflows float32/);
  await assertRejectsWith(() => m.fit([[1, 2], [3, 4]], [0, 1e39], { epochs: 1, verbose: 0 }), InputError, /y: row 1, column 0 is 1e\+39/);
});

test('R5: the largest float32 passes, and a float64 model takes 1e39', () => {
  assert.equal(model('float32').predict([[3.4028234663852886e38, 0]]).length, 1);
  assert.equal(model('float64').predict([[1e39, 0]]).length, 1);
});

test('R5: a float32 table names the file, line and column of 1e39', () => {
  const records = [['a', 'b', 'y'], ['1', '2', '0'], ['1e39', '3', '1']];
  assertThrowsWith(() => tableFromRecords(records, { source: 'big.csv', dtype: 'float32' }), InputError,
    /big\.csv line 3, column 1 \("a"\): is 1e\+39, which overflows float32/);
  assert.ok(Array.from(tableFromRecords(records, { source: 'big.csv', dtype: 'float64' }).x.data).includes(1e39));
});
