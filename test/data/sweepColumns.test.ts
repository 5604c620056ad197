// Column decisions on R tables a second new user tried (mlbench::BreastCancer, datasets::Titanic):
// ID columns with repeats, words that end in "id" without being IDs, and the count column of a
// frequency table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromRecords } from '../../src/index.js';

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
