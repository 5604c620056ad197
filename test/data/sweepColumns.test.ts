// Column decisions on R tables a second new user tried (mlbench::BreastCancer, datasets::Titanic):
// ID columns with repeats, words that end in "id" without being IDs, and the count column of a
// frequency table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, tableFromRecords } from '../../src/index.js';
import { MAX_COUNTED_ROWS } from '../../src/data/table.js';
import { assertThrowsWith } from '../helpers/assert.js';

const read = (rows: string[][], target: string) => tableFromRecords(rows, { source: 't.csv', target: [target] });

/** 100 rows like BreastCancer's: a sample number repeated for a few patients, a 1–10 score, the class. */
function breastCancerLike(idName: string): string[][] {
  const rows = [[idName, 'thickness', 'Class']];
  for (let i = 0; i < 100; i++) {
    // Rows 10, 20, ..., 90 repeat the sample number of the row before them: 91 distinct in 100 rows.
    const id = i % 10 === 0 && i > 0 ? 1_000_025 + 7919 * (i - 1) : 1_000_025 + 7919 * i;
    const thickness = 1 + ((i * 7) % 10);
    rows.push([String(id), String(thickness), thickness > 5 ? 'malignant' : 'benign']);
  }
  return rows;
}

test('an integer column named only as an ID (Id, patientId) with most values distinct is left out, though some repeat', () => {
  const t = read(breastCancerLike('Id'), 'Class');
  assert.deepEqual(t.report.leftOut, [{ column: 'Id', reason: 'ID-like: 91 distinct integers (1000025…1784006) in 100 rows, named like an ID' }]);
  assert.deepEqual(t.featureNames, ['thickness']);
  assert.deepEqual(read(breastCancerLike('patientId'), 'Class').report.leftOut.map((l) => l.column), ['patientId']);
  // --keep keeps it, without a note.
  const kept = tableFromRecords(breastCancerLike('Id'), { source: 't.csv', target: ['Class'], keep: ['Id'] });
  assert.deepEqual(kept.featureNames, ['Id', 'thickness']);
  assert.deepEqual(kept.report.notes.filter((n) => n.column === 'Id'), []);
  // Named like a count as well as a number (num_...): kept as numbers, with a note.
  const num = read(breastCancerLike('num'), 'Class');
  assert.deepEqual(num.featureNames, ['num', 'thickness']);
  assert.deepEqual(num.report.notes.filter((n) => n.column === 'num'), [
    { column: 'num', note: 'num: 91 distinct integers (1000025…1784006) in 100 rows, named like an ID, used as numbers; --ignore num if it is one' },
  ]);
});

test('words ending in "id" (amount_paid, humid, valid) are not ID names: distinct integers there are a quantity', () => {
  const rows = [['amount_paid', 'humid', 'valid', 'y']];
  for (let i = 0; i < 60; i++) rows.push([String(100 + ((i * 7919) % 99991)), String(20 + (i % 30)), String((i * 37) % 200), String(i % 2)]);
  const t = read(rows, 'y');
  assert.deepEqual(t.report.leftOut, []);
  assert.deepEqual(t.featureNames, ['amount_paid', 'humid', 'valid']);
  assert.deepEqual(t.report.notes.filter((n) => /ID|group/.test(n.note)), [], JSON.stringify(t.report.notes));
});

/** datasets::Titanic as R's as.data.frame writes it: every combination of Class, Sex, Age and Survived, with how many people. */
function titanic(countName = 'Freq'): string[][] {
  const freq = [0, 0, 35, 0, 0, 0, 17, 0, 118, 154, 387, 670, 4, 13, 89, 3, 5, 11, 13, 0, 1, 13, 14, 0, 57, 14, 75, 192, 140, 80, 76, 20];
  const rows = [['Class', 'Sex', 'Age', 'Survived', countName]];
  freq.forEach((f, i) => rows.push([['1st', '2nd', '3rd', 'Crew'][i % 4]!, ['Male', 'Female'][(i >> 2) % 2]!, ['Child', 'Adult'][(i >> 3) % 2]!, ['No', 'Yes'][i >> 4]!, String(f)]));
  return rows;
}

test('Titanic as a data frame: the count column of a frequency table is named as such, not taken silently for a feature', () => {
  const t = read(titanic(), 'Survived');
  assert.deepEqual(t.featureNames.filter((f) => !f.includes('=')), ['Freq']);
  assert.deepEqual(t.report.notes, [
    { column: 'Freq', note: 'Freq: counts (0…670) beside categorical columns only, as in a frequency table (R\'s as.data.frame of a table): each row stands for Freq cases, but Freq is read as an input, not a count; --count Freq reads each row as many times, or --ignore Freq' },
  ]);
  assert.deepEqual(read(titanic('n'), 'Survived').report.notes.map((n) => n.column), ['n']);
  // A count beside a numeric input is a count like any other; so is a column of another name, or one below 0.
  const withNumber = titanic().map((r, i) => [...r, i === 0 ? 'fare' : String(10 + i * 1.5)]);
  assert.deepEqual(read(withNumber, 'Survived').report.notes, []);
  assert.deepEqual(read(titanic('passengers'), 'Survived').report.notes, []);
  const negative = titanic().map((r, i) => (i === 5 ? [...r.slice(0, 4), '-1'] : r));
  assert.deepEqual(read(negative, 'Survived').report.notes, []);
});

test('"number of" names (num_pending of modeldata::hpc_data, num_votes, no_of_rooms) are counts, not IDs: kept without an ID or group-ID note', () => {
  // hpc_data's num_pending: 303 values in 4,331 rows was "a group ID?"; distinct vote counts were left out as ID-like.
  const rows = [['num_pending', 'num_votes', 'no_of_rooms', 'num', 'y']];
  for (let i = 0; i < 60; i++) rows.push([String((i * 7) % 20), String(1000 + ((i * 7919) % 4001)), String(1 + (i % 6)), String((i * 13) % 20), String(i % 2)]);
  const t = read(rows, 'y');
  assert.deepEqual(t.report.leftOut, []);
  assert.deepEqual(t.featureNames, ['num_pending', 'num_votes', 'no_of_rooms', 'num']);
  assert.deepEqual(t.report.notes, [
    { column: 'no_of_rooms', note: 'no_of_rooms: 6 integer values (1, 2, 3, 4, 5, 6) used as numbers; --categorical no_of_rooms if they are codes' },
    // "num" alone is still a number in the ID sense: 20 values, 3 rows each.
    { column: 'num', note: 'num: 20 integer values, about 3 rows each, used as numbers; a group ID? --ignore num leaves it out, --categorical num encodes it' },
  ]);
});

test('Titanic with count: "Freq": the 32 records are read as the 2,201 passengers, exactly as the expanded table; the target is the last column but the count', () => {
  const rows = titanic();
  const t = tableFromRecords(rows, { source: 't.csv', count: 'Freq' });
  assert.equal(t.rows, 2201);
  assert.deepEqual(t.report.counted, { column: 'Freq', records: 32, rows: 2201 });
  assert.equal(t.report.rowsRead, 32);
  assert.deepEqual(t.featureNames.filter((f) => !f.includes('=')), [], 'Freq is not an input');
  assert.ok(t.y?.kind === 'classes');
  assert.deepEqual(t.y.classes, ['No', 'Yes']);
  assert.deepEqual(Array.from(t.y.counts), [1490, 711]);
  assert.deepEqual(t.report.notes, []);
  // The same table expanded by hand: the same x and y, row for row.
  const expanded = [rows[0]!.slice(0, 4), ...rows.slice(1).flatMap((r) => Array.from({ length: Number(r[4]) }, () => r.slice(0, 4)))];
  const e = tableFromRecords(expanded, { source: 'e.csv' });
  assert.deepEqual(t.featureNames, e.featureNames);
  assert.deepEqual(Array.from(t.x.data), Array.from(e.x.data));
  assert.ok(e.y?.kind === 'classes');
  assert.deepEqual(Array.from(t.y.codes), Array.from(e.y.codes));
});

test('a count that is not a whole number ≥ 0, is missing, or takes the table past MAX_COUNTED_ROWS is an error naming the line and column; all zeros and a count column as input too', () => {
  const header = ['a', 'y', 'n'];
  const with_ = (n: string) => [header, ['1', 'p', '2'], ['2', 'q', n]];
  assertThrowsWith(() => tableFromRecords(with_('2.5'), { source: 'f.csv', count: 'n' }), InputError, /f\.csv line 3, column 3 \("n"\)/, /the count is 2\.5; counts are whole numbers ≥ 0/);
  assertThrowsWith(() => tableFromRecords(with_('-1'), { source: 'f.csv', count: 'n' }), InputError, /line 3, column 3/, /the count is -1/);
  assertThrowsWith(() => tableFromRecords(with_(''), { source: 'f.csv', count: 'n' }), InputError, /line 3, column 3/, /the count is blank; every record needs a count/);
  assertThrowsWith(() => tableFromRecords(with_(String(MAX_COUNTED_ROWS)), { source: 'f.csv', count: 'n' }), InputError, /line 3, column 3/, /the counts add up to more than 10,000,000 rows by this record \(10,000,002\)/);
  assertThrowsWith(() => tableFromRecords([header, ['1', 'p', '0'], ['2', 'q', '0']], { source: 'f.csv', count: 'n' }), InputError, /every count in "n" is 0 \(2 records\)/);
  assertThrowsWith(() => tableFromRecords(with_('1'), { source: 'f.csv', count: 'n', numeric: ['n'] }), InputError, /"n" is the count column; it cannot also be an input/);
  assertThrowsWith(() => tableFromRecords(with_('1'), { source: 'f.csv', count: 'nn' }), InputError, /no count column "nn"; did you mean "n"\?/);
  // A record of count 0 stands for no row.
  assert.equal(tableFromRecords([header, ['1', 'p', '2'], ['2', 'q', '0'], ['3', 'q', '1']], { count: 'n' }).rows, 3);
});
