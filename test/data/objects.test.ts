// Rows as objects read into the Table a CSV with those columns gives: the union of the keys in
// the order first seen, missing values where a key is absent or null, and errors naming the line
// and key of a value that has no cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, MAX_OBJECT_KEYS, tableFromObjects, tableFromRecords } from '../../src/index.js';
import { ROOT } from '../cli/harness.js';

const csv = readFileSync(join(ROOT, 'data', 'wine.csv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
const [header, ...body] = csv as [string[], ...string[][]];
/** The wine rows as a JavaScript program holds them: numbers as numbers. */
const objects = body.map((r) => Object.fromEntries(header.map((h, i) => [h, h === 'cultivar' ? r[i] : Number(r[i])])));

test('wine as objects: the table of its CSV, value for value', () => {
  const a = tableFromObjects(objects);
  const b = tableFromRecords(csv);
  assert.deepEqual(a.schema, b.schema);
  assert.deepEqual(Array.from(a.x.data), Array.from(b.x.data));
  assert.deepEqual(a.y, b.y);
  assert.equal(a.rows, 178);
  assert.deepEqual(a.featureNames, b.featureNames);
});

test('keys: their union in the order first seen; absent, null, undefined, NaN and "" are missing; booleans, bigints and Dates are cells', () => {
  const t = tableFromObjects([
    { x: 1, flag: true, y: 'a' },
    { x: null, flag: false, when: new Date(Date.UTC(2020, 0, 2)), y: 'b' },
    { x: Number.NaN, y: 'a', when: new Date(Date.UTC(2020, 0, 3)) },
    { x: 4, flag: true, y: 'b', when: undefined, n: 10n },
    { x: '', flag: false, y: 'a', n: 12n },
    { x: 6, flag: true, y: 'b', n: 11n, when: new Date(Date.UTC(2020, 0, 5)) },
  ], { target: 'y' });
  assert.deepEqual(t.schema.inputs.map((c) => [c.name, c.kind]), [['x', 'numeric'], ['flag', 'categorical'], ['when', 'date'], ['n', 'numeric']]);
  assert.deepEqual(t.report.missing, [{ column: 'x', count: 3 }, { column: 'flag', count: 1 }, { column: 'when', count: 3 }, { column: 'n', count: 3 }]);
  assert.equal(t.rows, 6);
});

test('a value with no cell, a row that is no object, or rows without keys: an InputError naming the line and key', () => {
  assert.throws(() => tableFromObjects([{ a: 1, y: 0 }, { a: [1, 2], y: 1 }]), (e: unknown) =>
    e instanceof InputError && e.message === 'data line 2: "a" holds an array ([1,2]); a cell is a number, text, true/false or null: flatten nested fields into columns of their own (pandas: pd.json_normalize)');
  assert.throws(() => tableFromObjects([{ a: 1, y: 0 }, { a: { deep: 'x'.repeat(60) }, y: 1 }], { source: 'api' }), (e: unknown) =>
    e instanceof InputError && /^api line 2: "a" holds an object \(\{"deep":"x+…\); /.test(e.message));
  assert.throws(() => tableFromObjects({ rows: [{ a: 1 }, 'text'], line: (i) => 10 + 3 * i }), (e: unknown) =>
    e instanceof InputError && e.message === 'data line 13: the row is a string ("text"), not an object of named values');
  assert.throws(() => tableFromObjects([]), InputError);
  assert.throws(() => tableFromObjects([{}, {}]), InputError);
  assert.throws(() => tableFromObjects([{ a: 1, y: 0 }], { header: false }), (e: unknown) => e instanceof InputError && /header: false and skipRows apply to text records/.test(e.message));
  // Past MAX_OBJECT_KEYS distinct keys the rows are no table.
  const wide = Object.fromEntries(Array.from({ length: MAX_OBJECT_KEYS + 1 }, (_, i) => [`id${i}`, 1]));
  assert.throws(() => tableFromObjects([wide]), (e: unknown) => e instanceof InputError && /over 100,000 distinct keys/.test(e.message));
});

test('a cell error inside the table names the line the caller gave', () => {
  const rows = [{ a: 1, y: 0 }, { a: 2, y: 1 }, { a: 3, y: 0 }, { a: 'Infinity', y: 1 }];
  assert.throws(() => tableFromObjects({ rows, line: (i) => 2 * i + 2 }, { source: 'f.json' }), (e: unknown) => e instanceof InputError && /^f\.json line 8, column 1 \("a"\)/.test(e.message));
});

test('a target key that most rows lack (the last one first seen): the error counts the rows left out and names --target', () => {
  const rows = Array.from({ length: 12 }, (_, i) => ({ name: `m${i}`, start: 1500 + 10 * i, ...(i === 3 ? { commonwealth: true } : {}) }));
  assert.throws(() => tableFromObjects(rows), (e: unknown) => e instanceof InputError &&
    e.message === 'data, target column "commonwealth": every row has the class "true"; a classifier needs at least two classes (11 of the 12 rows have no target value and were left out; the target is the last column unless --target (target) names another)');
  assert.throws(() => tableFromObjects(rows, { target: 'commonwealth' }), (e: unknown) => e instanceof InputError && /\(11 of the 12 rows have no target value and were left out\)$/.test(e.message));
});
