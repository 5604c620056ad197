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
