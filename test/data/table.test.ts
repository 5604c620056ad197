import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, tableFromRecords, TableBuilder, featureNames, type TableSchema } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

const csv = (text: string): string[][] => text.trim().split('\n').map((l) => l.split(','));

test('numeric features and class-name target: x as float64, classes sorted, codes and counts', () => {
  const t = tableFromRecords(csv('a,b,species\n1,2,dog\n3,4,cat\n5,6,dog'), { source: 'pets.csv' });
  assert.equal(t.rows, 3);
  assert.deepEqual(t.featureNames, ['a', 'b']);
  assert.deepEqual(Array.from(t.x.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(t.x.dtype, 'float64');
  assert.ok(t.y?.kind === 'classes');
  assert.deepEqual(t.y.classes, ['cat', 'dog']);
  assert.deepEqual(Array.from(t.y.codes), [1, 0, 1]);
  assert.deepEqual(t.y.counts, [1, 2]);
  assert.deepEqual(t.schema.target, { kind: 'classes', names: ['species'], classes: ['cat', 'dog'] });
});

test('the target is chosen by name; integer targets become numeric classes; 1 and 1.0 are one class', () => {
  const t = tableFromRecords(csv('y,x\n1,0.5\n0,0.25\n1.0,1'), { target: 'y' });
  assert.deepEqual(t.featureNames, ['x']);
  assert.ok(t.y?.kind === 'classes');
  assert.deepEqual(t.y.classes, [0, 1]);
  assert.deepEqual(Array.from(t.y.codes), [1, 0, 1]);
});

test('continuous or many-valued integer targets are regression in auto mode; several targets are numeric', () => {
  const t = tableFromRecords(csv('x,y\n1,0.5\n2,1.5\n3,2.25'));
  assert.ok(t.y?.kind === 'numeric');
  assert.deepEqual(Array.from(t.y.values.data), [0.5, 1.5, 2.25]);
  const rows = ['x,y', ...Array.from({ length: 30 }, (_, i) => `${i},${i * 3}`)].join('\n');
  assert.equal(tableFromRecords(csv(rows)).y?.kind, 'numeric', '30 distinct integers read as a regression target');
  const two = tableFromRecords(csv('x,u,v\n1,2,3\n4,5,6'), { target: ['u', 'v'] });
  assert.ok(two.y?.kind === 'numeric');
  assert.deepEqual(two.y.names, ['u', 'v']);
  assert.deepEqual(Array.from(two.y.values.data), [2, 3, 5, 6]);
});

test('text columns are one-hot encoded in order of first appearance; --categorical forces numeric-looking columns', () => {
  const t = tableFromRecords(csv('colour,size,zip,y\nred,1,10,a\nblue,2,20,b\nred,3,10,a'), { categorical: ['zip'] });
  assert.deepEqual(t.featureNames, ['colour=red', 'colour=blue', 'size', 'zip=10', 'zip=20']);
  assert.deepEqual(t.x.toArray(), [
    [1, 0, 1, 1, 0],
    [0, 1, 2, 0, 1],
    [1, 0, 3, 1, 0],
  ]);
  assert.deepEqual(featureNames(t.schema), t.featureNames);
});

test('a category written as another spelling of its integer is that category ("1.0", "+1" → "1"; "007" stays), and the Data note counts them', () => {
  const t = tableFromRecords(csv('code,y\n1,a\n2.0,b\n1.0,a\n+2,b\n3.,a\n007,b\n-0,a\n0,b'), { categorical: ['code'], source: 'c.csv' });
  assert.deepEqual(t.featureNames, ['code=1', 'code=2', 'code=3', 'code=007', 'code=0']);
  assert.deepEqual(t.x.toArray().map((r) => r.indexOf(1)), [0, 1, 0, 1, 2, 3, 4, 4]);
  assert.deepEqual(t.report.notes, [{ column: 'code', note: 'code: 5 cells read as the category of the same integer ("2.0" as "2", "1.0" as "1", "+2" as "2", …): 5 categories' }]);
  // Inferred categories (text among numbers) merge alike; a decimal comma file merges "1,0".
  const mixed = tableFromRecords(csv('code,y\n1,a\nx,b\n1.00,a\ny,b'));
  assert.deepEqual(mixed.featureNames, ['code=1', 'code=x', 'code=y']);
  const comma = tableFromRecords([['code', 'y'], ['1', 'a'], ['1,0', 'b'], ['2', 'a']], { categorical: ['code'], decimal: ',' });
  assert.deepEqual(comma.featureNames, ['code=1', 'code=2']);
  // A saved schema: "2.0" is its category "2"; a schema that holds "1.0" itself (saved before spellings merged) keeps it.
  const later = tableFromRecords(csv('code\n2.0\n1\n2.000\n5.0'), { schema: t.schema, source: 'new.csv' });
  assert.deepEqual(later.x.toArray().map((r) => r.indexOf(1)), [1, 0, 1, -1]);
  assert.deepEqual(later.report.unknown, [{ column: 'code', count: 1, examples: ['5.0'] }]);
  const old: TableSchema = { inputs: [{ name: 'code', kind: 'categorical', categories: ['1', '1.0'] }], target: undefined };
  assert.deepEqual(tableFromRecords(csv('code\n1.0\n1\n1.00'), { schema: old }).x.toArray(), [[0, 1], [1, 0], [1, 0]]);
});

test('a schema from training reads new files by column name, with fixed categories and classes', () => {
  const train = tableFromRecords(csv('colour,size,y\nred,1,a\nblue,2,b'));
  const schema: TableSchema = train.schema;
  const t = tableFromRecords(csv('size,extra,colour\n5,x,blue\n6,y,red'), { schema, source: 'new.csv' });
  assert.deepEqual(t.x.toArray(), [[0, 1, 5], [1, 0, 6]]);
  assert.equal(t.y, undefined, 'no target column: nothing read');
  const unseen = tableFromRecords(csv('size,colour\n5,green\n6,red\n7,mauve'), { schema, source: 'new.csv' });
  assert.deepEqual(unseen.x.toArray(), [[0, 0, 5], [1, 0, 6], [0, 0, 7]], 'unseen categories encode as all zeros');
  assert.deepEqual(unseen.report.unknown, [{ column: 'colour', count: 2, examples: ['green', 'mauve'] }]);
  assertThrowsWith(() => tableFromRecords(csv('size,colour\n5,green'), { schema, source: 'new.csv', unknown: 'error' }), InputError, /new\.csv line 2, column 2 \("colour"\)/, /category "green" was not seen in training \(known: red, blue\)/);
  assertThrowsWith(() => tableFromRecords(csv('colour\nred'), { schema, source: 'new.csv' }), InputError, /column "size" used to train the model is missing/, /the file has colour/);
  assertThrowsWith(() => tableFromRecords(csv('size,colour\n5,red'), { schema, source: 'new.csv', requireTarget: true }), InputError, /no target column "y"/);
  const labelled = tableFromRecords(csv('size,colour,y\n5,red,b'), { schema, requireTarget: true });
  assert.ok(labelled.y?.kind === 'classes');
  assert.deepEqual(Array.from(labelled.y.codes), [1]);
  assertThrowsWith(() => tableFromRecords(csv('size,colour,y\n5,red,c'), { schema, requireTarget: true, source: 'new.csv' }), InputError, /label "c" is not one of the model's classes \(a, b\)/);
});

test('bad cells name the source, line, column number and name (RELIABILITY C3)', () => {
  const cases: [string, RegExp, object][] = [
    ['abc', /"abc" is not a number/, { numeric: ['b'] }],
    ['', /is blank \(a missing value/, { missing: 'error' }],
    ['NaN', /is "NaN" \(a missing value/, { missing: 'error' }],
    ['1e999', /"1e999" overflows to Infinity/, {}],
    ['-inf', /an infinite value/, {}],
  ];
  for (const [cell, reason, args] of cases) {
    assertThrowsWith(
      () => tableFromRecords([['a', 'b', 'y'], ['1', '2', 'x'], ['3', cell, 'z']], { source: 'd.csv', ...args }),
      InputError,
      /^d\.csv line 3, column 2 \("b"\): /,
      reason,
    );
  }
  assertThrowsWith(() => tableFromRecords(csv('a,y\n1,0.5\n2,NaN'), { source: 'd.csv', missing: 'error' }), InputError, /d\.csv line 3, column 2 \("y"\): is "NaN"/);
  assertThrowsWith(() => tableFromRecords([['a', 'y'], ['1', 'x'], ['2', '']], { source: 'd.csv', missing: 'error' }), InputError, /line 3, column 2 \("y"\): is blank; every row needs a target value/);
});

test('structural problems: ragged rows, empty input, header only, duplicate or empty names, missing target (C2, C4)', () => {
  assertThrowsWith(() => tableFromRecords([['a', 'b', 'y'], ['1', '2', 'x'], ['1', '2']], { source: 'd.csv' }), InputError, /^d\.csv line 3: expected 3 fields \(as the header\), got 2$/);
  assertThrowsWith(() => tableFromRecords([['a', 'b', 'y'], ['1', '2', 'x', '9']], { source: 'd.csv' }), InputError, /line 2: expected 3 fields \(as the header\), got 4/);
  assertThrowsWith(() => tableFromRecords([], { source: 'd.csv' }), InputError, /^d\.csv is empty/);
  assertThrowsWith(() => tableFromRecords([['a', 'y']], { source: 'd.csv' }), InputError, /^d\.csv has a header but no data rows$/);
  assertThrowsWith(() => tableFromRecords([['a', 'b', 'a'], ['1', '2', '3']], { source: 'd.csv' }), InputError, /duplicate column name "a" \(columns 1 and 3\)/);
  assertThrowsWith(() => tableFromRecords([['a', '', 'y'], ['1', '2', '3']], { source: 'd.csv' }), InputError, /column 2 has no name/);
  assertThrowsWith(() => tableFromRecords(csv('sepal,petal,species\n1,2,x'), { source: 'd.csv', target: 'specis' }), InputError, /no target column "specis"; did you mean "species"\? Columns are: sepal, petal, species/);
  assertThrowsWith(() => tableFromRecords(csv('y\n1'), { source: 'd.csv' }), InputError, /no feature columns left/);
});

test('classifier targets: one class, or continuous values when classification is forced (V7, V9)', () => {
  assertThrowsWith(() => tableFromRecords(csv('a,y\n1,cat\n2,cat'), { source: 'd.csv' }), InputError, /every row has the class "cat"; a classifier needs at least two classes/);
  assertThrowsWith(() => tableFromRecords(csv('a,y\n1,0.5\n2,1.5'), { source: 'd.csv', task: 'classification' }), InputError, /continuous target \(values like 0\.5, 1\.5\)/, /train a regressor/);
  assertThrowsWith(() => tableFromRecords(csv('a,y\n1,cat\n2,dog'), { source: 'd.csv', task: 'regression' }), InputError, /line 2, column 2 \("y"\): "cat" is not a number; a regression target must be numeric/);
});

test('a header with a UTF-8 BOM loses it; names are trimmed', () => {
  const t = tableFromRecords([['\uFEFFa', ' b ', 'y'], ['1', '2', 'x'], ['2', '3', 'z']]);
  assert.deepEqual(t.featureNames, ['a', 'b']);
});

test('the builder streams: 200,000 rows added one at a time build the same matrix as the rows', () => {
  const b = new TableBuilder(['x1', 'x2', 'label'], { source: 'stream' });
  const n = 200_000;
  for (let i = 0; i < n; i++) b.add([String(i), String(-i / 4), i % 3 === 0 ? 'a' : 'b'], i + 2);
  const t = b.finish();
  assert.equal(t.rows, n);
  assert.equal(t.x.get(n - 1, 0), n - 1);
  assert.equal(t.x.get(123_457, 1), -123_457 / 4);
  assert.ok(t.y?.kind === 'classes');
  assert.deepEqual(t.y.counts, [Math.ceil(n / 3), n - Math.ceil(n / 3)]);
});

test('a target is stored once: past 1,000 distinct values it turns from codes into numbers, same values and messages (C5)', () => {
  // 1,500 distinct integers after 600 rows of repeats: regression, every value exact and in row order.
  const values = [...Array.from({ length: 600 }, (_, i) => i % 3), ...Array.from({ length: 1500 }, (_, i) => 1000 + i * 7)];
  const t = tableFromRecords([['x', 'y'], ...values.map((v, i) => [String(i), ` ${v} `])], { source: 'd.csv' });
  assert.ok(t.y?.kind === 'numeric');
  assert.deepEqual(Array.from(t.y.values.data), values);
  // Continuous values repeated: the sample lists the first three non-integers in row order.
  assertThrowsWith(() => tableFromRecords(csv('a,y\n1,0.5\n2,0.5\n3,2\n4,1.25'), { source: 'd.csv', task: 'classification' }), InputError, /values like 0\.5, 0\.5, 1\.25\)/);
  // Text after the overflow is still found and named by its line.
  const texts = [...Array.from({ length: 1200 }, (_, i) => [String(i), String(i * 0.5)]), ['1200', 'oops']];
  assertThrowsWith(() => tableFromRecords([['x', 'y'], ...texts], { source: 'd.csv', task: 'regression' }), InputError, /d\.csv line 1202, column 2 \("y"\): "oops" is not a number; a regression target must be numeric/);
  // 1,001 distinct texts cannot be labels.
  assertThrowsWith(() => tableFromRecords([['x', 'y'], ...Array.from({ length: 1001 }, (_, i) => [String(i), `c${i}`])], { source: 'd.csv' }), InputError, /more than 1000 distinct values; too many to be class labels/);
});
