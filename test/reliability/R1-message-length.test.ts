// R1: an error about a value quotes at most ~200 characters of it and lists at most ~10 values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackpropError, InputError, layers, sequential, tableFromRecords } from '../../src/index.js';

function caught(fn: () => unknown): BackpropError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BackpropError, `expected a library error, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('R1: a 5 MB column name is quoted in 200 characters with its length', () => {
  const huge = 'n'.repeat(5_000_000);
  const e2 = caught(() => tableFromRecords([[huge, 'y'], ['1', '1'], ['abc', '0']], { source: 'big.csv', target: 'y' }));
  assert.ok(e2 instanceof InputError);
  assert.match(e2.message, /big\.csv line 1: column 1 name "n{200}"… \(5000000 characters\) is over the limit of 1000 characters/);
  assert.ok(e2.message.length < 600, `message of ${e2.message.length} characters`);
});

test('R1: an unseen category among 14,000 known ones lists 10 and "and N more"', () => {
  const header = ['colour', 'y'];
  const rows = Array.from({ length: 14_000 }, (_, i) => [`c${i}`, String(i % 2)]);
  const trained = tableFromRecords([header, ...rows], { source: 'train.csv', target: 'y', maxCategories: 20_000, categorical: ['colour'] });
  const e = caught(() => tableFromRecords([header, ['purple', '1']], { source: 'new.csv', schema: trained.schema, unknown: 'error' }));
  assert.match(e.message, /new\.csv line 2, column 1 \("colour"\): category "purple" was not seen in training \(known: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, … and 13990 more\)/);
  assert.ok(e.message.length < 400, `message of ${e.message.length} characters`);
});

test('R1: a missing column among 20,000 lists 10 of them', () => {
  const header = Array.from({ length: 20_000 }, (_, i) => `f${i}`);
  const e = caught(() => tableFromRecords([header, header.map(() => '1')], { source: 'wide.csv', target: 'nope' }));
  assert.match(e.message, /wide\.csv: no target column "nope".* Columns are: f0, f1, .*f9, … and 19990 more$/);
  assert.ok(e.message.length < 500);
});

test('R1: a label among many unknown ones, and any library message, stays bounded', () => {
  const m = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [1] })]);
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
  m.classes = Array.from({ length: 3 }, (_, i) => 'x'.repeat(3000) + i);
  const e = caught(() => m.evaluate([[0]], ['y'.repeat(1_000_000)]));
  assert.ok(e.message.length <= 2000, `message of ${e.message.length} characters`);
  assert.match(e.message, /row 0 has label "y{200}"… \(1000000 characters\)/);
  // The net under every message: the middle of an overlong one is cut, head and tail kept.
  const long = new InputError(`start ${'z'.repeat(100_000)} end`);
  assert.ok(long.message.length <= 2100);
  assert.match(long.message, /^start z+ … \(\d+ characters omitted\) … z+ end$/);
});
