// R22: predictTable on a table built with another category order, or with the numeric columns in
// another order, encoded by position and answered wrongly. The table's schema is checked against
// the model's (names, order, kinds, categories): SchemaMismatchError naming the column; a table
// read with the model's schema (columns found by name, any order in the file) predicts right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaMismatchError, layers, predictRecords, predictTable, sequential, tableFromRecords } from '../../src/index.js';
import { assertErrorData } from './errorData.js';

const records = [['size', 'weight', 'colour', 'y'], ['1', '10', 'red', 'a'], ['2', '20', 'blue', 'b'], ['3', '30', 'green', 'a'], ['4', '40', 'red', 'b']];
const train = tableFromRecords(records, { source: 'train.csv', categorical: ['colour'], target: 'y' });

function model() {
  const m = sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [train.x.cols] })], { seed: 3 });
  m.session.classes = ['a', 'b'];
  // Weights that make each feature matter differently, so a swap changes the answer.
  m.layers[0]!.weights()[0]!.value.set(Float32Array.from({ length: train.x.cols * 2 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (1 + i)));
  return { network: m, preprocessing: { schema: train.schema } };
}

test('R22: categories in another order are refused naming the column', () => {
  const rows = [['size', 'weight', 'colour'], ['1', '10', 'green'], ['2', '20', 'red'], ['3', '30', 'blue']];
  const other = tableFromRecords(rows, { source: 'new.csv', categorical: ['colour'], target: [] });
  assert.notDeepEqual((other.schema.inputs[2] as unknown as { categories: string[] }).categories, (train.schema.inputs[2] as unknown as { categories: string[] }).categories);
  assertErrorData(() => predictTable(model(), other), SchemaMismatchError, { column: 'colour', problem: 'category order' },
    /new\.csv: column "colour" has its categories in another order than the model \(table: "green", "red", "blue"; model: "red", "blue", "green"\)/);
});

test('R22: numeric columns in another order are refused naming the column', () => {
  const rows = [['weight', 'size', 'colour'], ['10', '1', 'red'], ['20', '2', 'blue'], ['30', '3', 'green']];
  const other = tableFromRecords(rows, { source: 'new.csv', categorical: ['colour'], target: [] });
  assertErrorData(() => predictTable(model(), other), SchemaMismatchError, { column: 'size', problem: 'order' }, /column "size" is column 2 of the table but column 1 of the model/);
});

test('R22: the same rows read with the model\'s schema predict as records do, whatever the file\'s order', () => {
  const m = model();
  const rows = [['colour', 'weight', 'size'], ['green', '10', '1'], ['red', '40', '2'], ['blue', '20', '3']];
  const read = tableFromRecords(rows, { source: 'new.csv', schema: train.schema });
  const want = predictRecords(m, [{ size: 1, weight: 10, colour: 'green' }, { size: 2, weight: 40, colour: 'red' }, { size: 3, weight: 20, colour: 'blue' }]);
  assert.deepEqual(predictTable(m, read).probabilities, want.probabilities);
});
