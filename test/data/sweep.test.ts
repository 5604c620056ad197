// Column decisions on real R tables a new user tried (bench/sweep-2026-12.md): samples of them are in
// test/data/fixtures/sweep/ with their provenance and licence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromRecords } from '../../src/index.js';
import { readCsvTable } from '../../cli/csv.js';
import { ROOT } from '../cli/harness.js';

const fixture = (name: string) => join(ROOT, 'test', 'data', 'fixtures', 'sweep', name);
/** The fixture's records (no quoted commas in these files). */
const records = (name: string) => readFileSync(fixture(name), 'utf8').trim().split('\n').map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));

test('nwtco: a sequence number with gaps (seqno 1, 41, 81, ...) is left out as ID-like, not used as a number', async () => {
  const t = await readCsvTable(fixture('nwtco-every-40th.csv'), { target: ['rel'], source: 'nwtco' });
  assert.equal(t.rows, 101);
  assert.deepEqual(t.report.leftOut, [{ column: 'seqno', reason: 'ID-like: 101 distinct integers (1…4059), one per row' }]);
  assert.deepEqual(t.featureNames.slice(0, 2), ['instit', 'histol']);
});

test('increasing integers, one per row with gaps, under a name that says nothing: kept, with a note that they look like an ID', () => {
  const [header, ...rows] = records('nwtco-every-40th.csv');
  const t = tableFromRecords([header!.map((h) => (h === 'seqno' ? 'entry' : h)), ...rows], { target: ['rel'], source: 'nwtco' });
  assert.equal(t.featureNames[0], 'entry');
  assert.deepEqual(t.report.notes.filter((n) => n.column === 'entry'), [
    { column: 'entry', note: 'entry: 101 distinct integers (1…4059) increasing row by row, like a sequence number or ID; --ignore entry if it is' },
  ]);
  // The same values out of order are a plain numeric column: no note.
  const shuffled = rows.map((r, i) => [rows[(i * 37) % rows.length]![0]!, ...r.slice(1)]);
  const s = tableFromRecords([header!.map((h) => (h === 'seqno' ? 'entry' : h)), ...shuffled], { target: ['rel'], source: 'nwtco' });
  assert.deepEqual(s.report.notes.filter((n) => n.column === 'entry'), []);
});

test('ambientNOxCH: "NA" in a numeric target is missing and said so, without suggesting --na-values to keep it as a value', async () => {
  const t = await readCsvTable(fixture('ambient-nox-70.csv'), { target: ['ad'], source: 'ambient' });
  assert.equal(t.report.rowsRead, 70);
  assert.equal(t.report.droppedNoTarget, 3);
  assert.equal(t.rows, 67);
  assert.equal(t.y?.kind, 'numeric');
  assert.deepEqual(t.report.frequentMissingTokens, [], 'a numeric target has no class "NA" to keep');
  // A class target keeps the warning: "NA" may be a class there.
  const [header, ...rows] = records('ambient-nox-70.csv');
  const classes = tableFromRecords([header!, ...rows.map((r) => [r[0]!, r[1] === 'NA' ? 'NA' : Number(r[1]) > 30 ? 'high' : 'low', r[2]!, r[3]!])], { target: ['ad'], source: 'ambient' });
  assert.equal(classes.y?.kind, 'classes');
  assert.deepEqual(classes.report.frequentMissingTokens, [{ column: 'ad', token: 'NA', count: 3, target: true }]);
});

test('lubridate::lakers: dates written as integers (20081028) are used as numbers with a note saying so and how to read them as dates', async () => {
  const t = await readCsvTable(fixture('lakers-every-600th.csv'), { target: ['etype'], source: 'lakers' });
  assert.equal(t.rows, 58);
  assert.equal(t.schema.inputs.find((c) => c.name === 'date')?.kind, 'numeric');
  assert.deepEqual(t.report.notes.filter((n) => n.column === 'date'), [
    { column: 'date', note: 'date: integers 20081028…20090414 look like dates written yyyymmdd, used as plain numbers (Dec 31 to Jan 1 is a step of 8870); write them yyyy-mm-dd to read them as dates' },
  ]);
  // Eight-digit integers that are not dates (day 51 and above) get no such note.
  const [header, ...rows] = records('lakers-every-600th.csv');
  const notDates = tableFromRecords([header!, ...rows.map((r) => [String(Number(r[0]) + 50), ...r.slice(1)])], { target: ['etype'], source: 'lakers' });
  assert.ok(!notDates.report.notes.some((n) => n.note.includes('yyyymmdd')));
});

test('integers past 2^24 in a float32 table: consecutive customer IDs 30000001… are still one per row (left out), and their names as categories are the file\'s', () => {
  // float32 holds only even integers there: 30000001 and 30000002 would both read 30000002.
  const ids = Array.from({ length: 200 }, (_, k) => 30_000_001 + k);
  const rows = ids.map((id, k) => [String(id), ((k * 0.37) % 1).toFixed(3), 'ab'[k % 2]!]);
  const t = tableFromRecords([['customer_id', 'x', 'y'], ...rows], { target: ['y'], source: 'ids.csv', dtype: 'float32' });
  assert.deepEqual(t.report.leftOut, [{ column: 'customer_id', reason: 'ID-like: the integers 30000001…30000200 each once' }]);
  assert.deepEqual(t.featureNames, ['x']);
  // A numeric column with many strays turns categorical: its categories are named from the numbers as read.
  const mixed = tableFromRecords([['code', 'y'], ...Array.from({ length: 40 }, (_, k) => [k % 2 === 0 ? String(30_000_001 + k) : `c${k % 4}`, 'ab'[k % 2]!])], { target: ['y'], source: 'codes.csv', keep: ['code'], dtype: 'float32' });
  const code = mixed.schema.inputs.find((c) => c.name === 'code');
  assert.ok(code?.kind === 'categorical');
  assert.ok(code.categories.includes('30000001') && code.categories.includes('30000005'), code.categories.join(' '));
});
