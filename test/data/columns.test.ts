// Column decisions on files made to hold each case of issue 20: a frequent "None" class, IDs with
// gaps, row-number columns, codes and group IDs, stray text and decimal commas among numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, tableFromRecords, timeSplitIndices, type TableArgs } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

const read = (rows: string[][], args: TableArgs = {}) => tableFromRecords(rows, { source: 't.csv', ...args });
/** A seeded stream in [0, 1). */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

test('a frequent "None" class is counted as a missing token of the target; --na-values keeps it as a class', () => {
  // 200 rows: 150 with the class None, 30 "Bird", 20 "Plane"; one text input with a few NA.
  const r = rng(3);
  const rows = [['speed', 'kind', 'damage'], ...Array.from({ length: 200 }, (_, i) => [(r() * 100).toFixed(1), i >= 150 && i % 10 === 5 ? 'NA' : ['a', 'b'][i % 2]!, i < 150 ? 'None' : i < 180 ? 'Bird' : 'Plane'])];
  const t = read(rows);
  assert.equal(t.rows, 50);
  assert.equal(t.report.droppedNoTarget, 150);
  assert.equal(t.report.rowsRead, 200);
  assert.deepEqual(t.report.frequentMissingTokens, [
    { column: 'damage', token: 'None', count: 150, target: true },
    { column: 'kind', token: 'NA', count: 5, target: false },
  ]);
  const kept = read(rows, { naValues: [''] });
  assert.equal(kept.rows, 200);
  assert.ok(kept.y?.kind === 'classes');
  assert.deepEqual(kept.y.classes, ['Bird', 'None', 'Plane']);
  assert.deepEqual(kept.y.counts, [30, 150, 20]);
  assert.deepEqual(kept.report.frequentMissingTokens, [], 'tokens the user set are not second-guessed');
  // "NA" is a category now, not missing.
  const kind = kept.schema.inputs.find((c) => c.name === 'kind');
  assert.ok(kind?.kind === 'categorical');
  assert.deepEqual([...kind.categories].sort(), ['NA', 'a', 'b']);
});

test('--na-values sets exactly the missing tokens: "-" is missing, NA in a numeric column is a stray cell', () => {
  const rows = [['a', 'b', 'y'], ...Array.from({ length: 40 }, (_, i) => [i === 3 ? '-' : i === 7 ? 'NA' : String(i), i === 5 ? '-' : 'x' + (i % 3), String(i % 2)])];
  const t = read(rows, { naValues: ['-'] });
  assert.ok(Number.isNaN(t.x.get(3, 0)));
  assert.ok(Number.isNaN(t.x.get(7, 0)));
  assert.deepEqual(t.report.strays, [{ column: 'a', count: 1, examples: [{ line: 9, text: 'NA' }], decimalCommas: 0, decimalExamples: [] }]);
  assert.deepEqual(t.report.missing, [{ column: 'a', count: 2 }, { column: 'b', count: 1 }]);
  assert.equal(t.schema.inputs[0]!.kind, 'numeric');
  // A token that is a number means that number however it is written, as pandas' na_values does
  // (-999 also takes -999.0 and -9.99e2, a file written by pandas from a float column), in every column.
  const sentinel = read([['a', 'b', 'y'], ...Array.from({ length: 30 }, (_, i) => [i === 2 ? '-999.0' : i === 4 ? '-9.99e2' : i === 6 ? '-999' : String(i), i === 8 ? '-999.00' : 'x' + (i % 3), String(i % 2)])], { naValues: ['', '-999'] });
  assert.deepEqual(sentinel.report.missing, [{ column: 'a', count: 3 }, { column: 'b', count: 1 }]);
  assert.deepEqual(sentinel.report.strays, []);
  assert.ok(Number.isNaN(sentinel.x.get(2, 0)) && Number.isNaN(sentinel.x.get(4, 0)) && Number.isNaN(sentinel.x.get(6, 0)));
  assert.equal(sentinel.x.get(3, 0), 3);
  // Blank is not missing unless listed: a blank target is then a label, and a blank number a stray.
  const blank = read([['a', 'y'], ['1', 'p'], ['', ''], ...Array.from({ length: 20 }, (_, i) => [String(i), 'q'])], { naValues: ['NA'] });
  assert.ok(blank.y?.kind === 'classes');
  assert.deepEqual(blank.y.classes, ['', 'p', 'q']);
  assert.deepEqual(blank.report.strays, [{ column: 'a', count: 1, examples: [{ line: 3, text: '' }], decimalCommas: 0, decimalExamples: [] }]);
});

test('stray text among numbers: the column stays numeric, each stray cell is missing and named with its line', () => {
  const rows = [['x', 'y'], ...Array.from({ length: 100 }, (_, i) => [i === 10 ? 'abc' : i === 60 ? '0x10' : String(i / 4), String(i % 2)])];
  const t = read(rows);
  assert.equal(t.schema.inputs[0]!.kind, 'numeric');
  assert.ok(Number.isNaN(t.x.get(10, 0)) && Number.isNaN(t.x.get(60, 0)));
  assert.equal(t.x.get(11, 0), 11 / 4);
  assert.deepEqual(t.report.strays, [{ column: 'x', count: 2, examples: [{ line: 12, text: 'abc' }, { line: 62, text: '0x10' }], decimalCommas: 0, decimalExamples: [] }]);
  assert.deepEqual(t.report.missing, [{ column: 'x', count: 2 }]);
  // A stray first value does not make the column categorical either.
  const first = read([['x', 'y'], ['n.a.', '0'], ...Array.from({ length: 40 }, (_, i) => [String(i * 1.5), String(i % 2)])]);
  assert.equal(first.schema.inputs[0]!.kind, 'numeric');
  assert.equal(first.x.get(1, 0), 0);
  assert.deepEqual(first.report.strays[0]!.examples, [{ line: 2, text: 'n.a.' }]);
  // ... even past 1,000 distinct values, where a text column would be dropped as ID-like.
  const many = read([['x', 'y'], ['-', '0'], ...Array.from({ length: 1500 }, (_, i) => [String(i * 1.5), String(i % 2)])]);
  assert.equal(many.schema.inputs[0]!.kind, 'numeric');
  assert.equal(many.x.get(1500, 0), 1499 * 1.5);
  assert.equal(many.report.strays[0]!.count, 1);
  // More than 5 % text: categories, numbers as names.
  const mixed = read([['grade', 'y'], ...Array.from({ length: 40 }, (_, i) => [i % 4 === 0 ? 'K' : String(1 + (i % 3)), String(i % 2)])]);
  const grade = mixed.schema.inputs[0]!;
  assert.ok(grade.kind === 'categorical');
  assert.deepEqual([...grade.categories].sort(), ['1', '2', '3', 'K']);
  assert.deepEqual(mixed.report.strays, []);
  assert.deepEqual(mixed.report.missing, []);
});

test('decimal commas: a few are named as such; a column of them needs --decimal , (which reads them, and the target)', () => {
  const few = read([['x', 'y'], ...Array.from({ length: 50 }, (_, i) => [i === 20 ? '1,5' : String(i), String(i % 2)])]);
  assert.deepEqual(few.report.strays, [{ column: 'x', count: 1, examples: [], decimalCommas: 1, decimalExamples: [{ line: 22, text: '1,5' }] }]);
  const comma = [['x', 'y'], ...Array.from({ length: 30 }, (_, i) => [`${i},${(i * 7) % 10}`, `${i % 5},25`])];
  assertThrowsWith(() => read(comma.map((r) => [r[0]!, String(comma.indexOf(r))])), InputError, /t\.csv line 2, column 1 \("x"\): "0,0" is a number with a decimal comma, as 30 of the column's 30 values are; read the file with --decimal ,/);
  assertThrowsWith(() => read(comma.map((r, i) => [String(i), r[1]!]).map((r, i) => (i === 0 ? ['x', 'y'] : r))), InputError, /t\.csv line 2, column 2 \("y"\): "0,25" is a number with a decimal comma; read the file with --decimal ,/);
  const t = read(comma, { decimal: ',' });
  assert.equal(t.x.get(3, 0), 3.1);
  assert.ok(t.y?.kind === 'numeric');
  assert.equal(t.y.values.get(3, 0), 3.25);
  assert.deepEqual(t.report.strays, []);
});

test('IDs with gaps and row-number columns are left out; the integers of a quantity are not', () => {
  const r = rng(5);
  const ids = Array.from({ length: 60 }, (_, i) => 1000 + i * 7 + (i % 3));
  const rows = [['', 'OBS', 'id', 'population', 'rate'], ...ids.map((id, i) => [String(i + 1), String(i + 1), String(id), String(5000 + Math.floor(r() * 90000)), (r() * 10).toFixed(2)])];
  const t = read(rows);
  assert.deepEqual(t.report.leftOut, [
    { column: 'Unnamed: 0', reason: 'ID-like: the integers 1…60 each once' },
    { column: 'OBS', reason: 'row number: the integers 1…60 in row order' },
    { column: 'id', reason: 'ID-like: 60 distinct integers (1000…1415), one per row' },
  ]);
  assert.deepEqual(t.featureNames, ['population']);
  // Shuffled IDs with gaps are IDs all the same; a time index under another name is kept with a note.
  const shuffled = [['user_id', 't', 'v', 'y'], ...ids.map((id, i) => [String(ids[(i * 17) % 60]), String(i), (r() * 3).toFixed(3), String(i % 2)])];
  const s = read(shuffled);
  assert.deepEqual(s.report.leftOut.map((l) => l.column), ['user_id']);
  assert.deepEqual(s.featureNames, ['t', 'v']);
  assert.deepEqual(s.report.notes, [{ column: 't', note: 't: the integers 0…59 in row order, like row numbers; --ignore t if they are' }]);
  // statsmodels' spector.csv quotes its header names ('OBS' 'GPA' ...): the quotes do not hide a row-number name.
  const quoted = read([["'OBS'", "'GPA'", "'GRADE'"], ...ids.map((_, i) => [String(i + 1), (2 + r() * 2).toFixed(2), String(i % 2)])]);
  assert.deepEqual(quoted.report.leftOut, [{ column: "'OBS'", reason: 'row number: the integers 1…60 in row order' }]);
  assert.deepEqual(quoted.featureNames, ["'GPA'"]);
  // --keep keeps an ID; with too few rows nothing is decided.
  assert.deepEqual(read(rows, { keep: ['id'] }).featureNames, ['id', 'population']);
  assert.deepEqual(read(rows.slice(0, 6)).report.leftOut, []);
});

test('codes and group IDs of few integer values are used as numbers with a one-line note suggesting --categorical', () => {
  // A modechoice-like file: 50 individuals × 4 modes.
  const r = rng(9);
  const rows = [['individual', 'mode', 'cost', 'choice']];
  for (let p = 1; p <= 50; p++) for (let m = 1; m <= 4; m++) rows.push([String(p), String(m), (r() * 100).toFixed(1), m === 1 + (p % 4) ? 'yes' : 'no']);
  const t = read(rows);
  assert.deepEqual(t.featureNames, ['individual', 'mode', 'cost']);
  assert.deepEqual(t.report.notes, [
    { column: 'individual', note: 'individual: 50 integer values, about 4 rows each, used as numbers; a group ID? --ignore individual leaves it out, --categorical individual encodes it' },
    { column: 'mode', note: 'mode: 4 integer values (1, 2, 3, 4) used as numbers; --categorical mode if they are codes' },
  ]);
  const coded = read(rows, { categorical: ['mode'] });
  assert.deepEqual(coded.featureNames, ['individual', 'mode=1', 'mode=2', 'mode=3', 'mode=4', 'cost']);
  assert.deepEqual(coded.report.notes.map((n) => n.column), ['individual'], 'a column the user typed gets no note');
});

test('a column the file is sorted by, each integer one run of rows, is noted as a group ID whatever its name (ChickWeight\'s Chick); shuffled or time-named, not', () => {
  // ChickWeight as R writes it: 50 chicks × 12 times, sorted by Chick; Time 0…22 every other day.
  const r = rng(4);
  const rows = [['weight', 'Time', 'Chick', 'Diet']];
  for (let c = 1; c <= 50; c++) for (let t = 0; t < 12; t++) rows.push([String(40 + Math.round(r() * 200)), String(2 * t), String(c), String(1 + Math.floor((c - 1) / 13))]);
  const t = read(rows, { target: 'weight' });
  assert.deepEqual(t.report.notes.find((n) => n.column === 'Chick'), { column: 'Chick', note: 'Chick: 50 integer values (1…50) in runs of about 12 rows, the file sorted by them, used as numbers; a group ID? --ignore Chick leaves it out, --categorical Chick encodes it' });
  // The same values shuffled say nothing; nor does a sorted column named like a time (days 0…49, 12 rows each).
  const order = rows.slice(1).map((row) => ({ row, key: r() }));
  order.sort((a, b) => a.key - b.key);
  assert.equal(read([rows[0]!, ...order.map((o) => o.row)], { target: 'weight' }).report.notes.find((n) => n.column === 'Chick'), undefined);
  const days = rows.map((row, i) => (i === 0 ? ['weight', 'Day', 'Diet'] : [row[0]!, row[2]!, row[3]!]));
  assert.equal(read(days, { target: 'weight' }).report.notes.find((n) => n.column === 'Day'), undefined);
});

test('the report names every column of the file with its role and kind', () => {
  const rows = [['id', 'when', 'colour', 'size', 'skip', 'y'], ...Array.from({ length: 30 }, (_, i) => [String(i + 1), `2020-01-${String(1 + (i % 28)).padStart(2, '0')}`, ['red', 'blue', 'green'][i % 3]!, String(i * 0.5), 'z', String(i % 2)])];
  const t = read(rows, { ignore: ['skip'] });
  assert.deepEqual(t.report.columns, [
    { column: 'id', role: 'left out', reason: 'ID-like: the integers 1…30 each once' },
    { column: 'when', role: 'input', kind: 'date' },
    { column: 'colour', role: 'input', kind: 'categorical', categories: 3 },
    { column: 'size', role: 'input', kind: 'numeric' },
    { column: 'skip', role: 'ignored', reason: '--ignore' },
    { column: 'y', role: 'target' },
  ]);
});

test('a time-ordered file: orderBy reads each row time (dates or numbers) and the time split validates on the latest rows', () => {
  // 60 months written out of order; the value trends upwards.
  const months = Array.from({ length: 60 }, (_, i) => (i * 37) % 60);
  const rows = [['month', 'value'], ...months.map((m) => [`${2000 + Math.floor(m / 12)}-${String(1 + (m % 12)).padStart(2, '0')}-01`, String(100 + m)])];
  const t = read(rows, { orderBy: 'month', target: 'value' });
  assert.equal(t.order?.column, 'month');
  assert.equal(t.order?.dates, true);
  assert.equal(t.order!.values[0], 0 + Date.UTC(2000, 0, 1) / 86_400_000);
  const { train, validation } = timeSplitIndices(t.order!.values, 0.2);
  assert.equal(validation.length, 12);
  assert.deepEqual(validation.map((i) => months[i]).sort((a, b) => a! - b!), Array.from({ length: 12 }, (_, i) => 48 + i), 'the last 12 months');
  assert.ok(train.every((i) => months[i]! < 48));
  assert.deepEqual(t.featureNames.slice(0, 1), ['month:year'], 'the time column stays an input');
  // Numbers order too; a row without a time is an error naming its line.
  const years = read([['year', 'y'], ['1999', '1'], ['1990', '2'], ['2005', '3']], { orderBy: 'year' });
  assert.deepEqual(Array.from(years.order!.values), [1999, 1990, 2005]);
  assert.deepEqual(timeSplitIndices(years.order!.values, 1 / 3), { train: [1, 0], validation: [2] });
  assertThrowsWith(() => read([['year', 'y'], ['1999', '1'], ['', '2']], { orderBy: 'year' }), InputError, /t\.csv line 3, column 1 \("year"\): is blank; every row needs a time to order the rows by "year"/);
  assertThrowsWith(() => read([['year', 'y'], ['1999', '1']], { orderBy: 'yaer' }), InputError, /no column to order by "yaer"; did you mean "year"\?/);
});
