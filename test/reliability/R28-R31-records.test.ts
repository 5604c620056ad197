// R28–R31: records given to predictRecords / LoadedModel.predict are named as records, never as
// lines of a file. R28: a bad cell of records[5] said "line 7": now RecordError { record: 5, key }.
// R29: [42] was read as 42: a cell that is an array or object is refused. R30: 1e39 in a numeric
// cell was named by its encoded column index: now by record and key. R31: a misspelt option key
// was ignored: UnknownOptionError naming the key and the known ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordError, UnknownOptionError, layers, modelFromBytes, modelToBytes, predictRecords, sequential, tableFromRecords } from '../../src/index.js';
import { assertErrorData } from './errorData.js';

const train = tableFromRecords([['age', 'colour', 'y'], ['1', 'red', 'p'], ['2', 'blue', 'q'], ['3', 'red', 'p']], { categorical: ['colour'], target: 'y' });
const model = () => {
  const m = sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [train.x.cols] })], { seed: 1 });
  m.session.classes = ['p', 'q'];
  return { network: m, preprocessing: { schema: train.schema } };
};
const good = Array.from({ length: 5 }, (_, i) => ({ age: i, colour: 'red' }));

test('R28: a bad cell of records[5] is named as records[5] and its key, not a line', () => {
  assertErrorData(() => predictRecords(model(), [...good, { age: 1, colour: 'mauve' }], { unknown: 'error' }), RecordError, { record: 5, key: 'colour' },
    /^predictRecords: records\[5\]\.colour: category "mauve" was not seen in training \(known: red, blue\)$/);
  assertErrorData(() => predictRecords(model(), [...good, { age: '1e999', colour: 'red' }]), RecordError, { record: 5, key: 'age' }, /^predictRecords: records\[5\]\.age: "1e999" overflows to Infinity$/);
  assertErrorData(() => predictRecords(model(), [...good, { colour: 'red' }]), RecordError, { record: 5, key: 'age' }, /records\[5\] has no "age"/);
  // The same through a loaded model, whose predict is the one path.
  const loaded = modelFromBytes(modelToBytes(model().network, { preprocessing: { schema: train.schema } }));
  assertErrorData(() => loaded.predict([...good, { age: 2, colour: 'teal' }], { unknown: 'error' }), RecordError, { record: 5, key: 'colour' }, /^predict(Records)?: records\[5\]\.colour: category "teal"/);
});

test('R29: an array or object as a cell is refused naming the record and key', () => {
  assertErrorData(() => predictRecords(model(), [...good, { age: [42] as unknown as number, colour: 'red' }]), RecordError, { record: 5, key: 'age' }, /records\[5\]\.age is array of length 1; a cell is a number, a string, a boolean or null/);
  assertErrorData(() => predictRecords(model(), [{ age: 1, colour: { name: 'red' } as unknown as string }]), RecordError, { record: 0, key: 'colour' }, /records\[0\]\.colour is an object; a cell is/);
  // 42 itself and "42" are fine and give the same answer.
  assert.deepEqual(predictRecords(model(), [{ age: 42, colour: 'red' }]).probabilities, predictRecords(model(), [{ age: '42', colour: 'red' }]).probabilities);
});

test('R30: 1e39 in a numeric cell is named by record and column, not an encoded index', () => {
  assertErrorData(() => predictRecords(model(), [...good, { age: -1e39, colour: 'red' }]), RecordError, { record: 5, key: 'age' }, /^predictRecords: records\[5\]\.age is -1e\+39, which overflows float32/);
  assert.equal(predictRecords(model(), [{ age: 3e38, colour: 'red' }]).values.length, 1);
});

test('R31: a misspelt option key is refused naming it and the known ones', () => {
  assertErrorData(() => predictRecords(model(), good, { unknwn: 'error' } as never), UnknownOptionError, { key: 'unknwn', known: ['unknown', 'naValues'] }, /predictRecords: unknown option "unknwn"; known options: unknown, naValues/);
  const loaded = modelFromBytes(modelToBytes(model().network, { preprocessing: { schema: train.schema } }));
  assertErrorData(() => loaded.predict(good, { unknow: 'error' } as never), UnknownOptionError, { key: 'unknow' }, /predict: unknown option "unknow"; known options: unknown/);
});
