// The CLI's CSV reader on foreign files: delimiters sniffed (spaces too), and a wrong one named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ColumnNotFoundError, InputError } from '../../src/index.js';
import { WHITESPACE, readCsvTable, readCsvTableSync, sniffDelimiter } from '../../cli/csv.js';
import { assertClose, assertRejectsWith, assertThrowsWith } from '../helpers/assert.js';
import { tempDir } from './harness.js';

const dir = tempDir('csv');
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** A spector-like file: space-separated, aligned with runs of spaces, a row-number column OBS. */
function spector(): string {
  const lines = ['  OBS   GPA  TUCE  PSI  GRADE'];
  for (let i = 1; i <= 32; i++) lines.push(`  ${String(i).padStart(3)}  ${(2 + ((i * 37) % 20) / 10).toFixed(2)}  ${String(18 + (i % 9)).padStart(4)}  ${i % 2}    ${(i * 7) % 3 === 0 ? 1 : 0}`);
  return `${lines.join('\n')}\n`;
}

test('a space-separated file is sniffed as such and read with runs of spaces as one separator', async () => {
  const path = file('spector.csv', spector());
  assert.equal(sniffDelimiter(path), WHITESPACE);
  for (const t of [await readCsvTable(path), readCsvTableSync(path)]) {
    assert.equal(t.rows, 32);
    assert.deepEqual(t.report.columns.map((c) => [c.column, c.role]), [['OBS', 'left out'], ['GPA', 'input'], ['TUCE', 'input'], ['PSI', 'input'], ['GRADE', 'target']]);
    assert.equal(t.report.leftOut[0]!.reason, 'row number: the integers 1…32 in row order');
    assertClose(t.x.get(0, 0), 3.7, 1e-6, 0, 'GPA of OBS 1 (2 + 37 mod 20 / 10)');
  }
  // Quoted names with spaces stay whole; the usual delimiters still win over spaces.
  assert.equal(sniffDelimiter(file('quoted.txt', '"first name" age y\n"Ann Lee"  30 1\nBob 40 0\n')), WHITESPACE);
  const q = readCsvTableSync(file('quoted2.txt', '"first name" age y\n"Ann Lee"  30 1\nBob 40 0\n'));
  assert.deepEqual(q.report.columns.map((c) => c.column), ['first name', 'age', 'y']);
  assert.equal(sniffDelimiter(file('semi.csv', 'a b;c d;y\n1;2;3\n')), ';');
  assert.equal(sniffDelimiter(file('one.csv', 'sepal length\n5.1\n4.9\n')), ',');
});

test('a target not found names the delimiter the header was split on and suggests --delimiter', async () => {
  const path = file('semi.txt', 'a:b:y\n1:2:3\n4:5:6\n');
  await assertRejectsWith(() => readCsvTable(path, { target: 'y' }), InputError, /no target column "y"/, /the header was split on "," into 1 column; --delimiter sets the separator/);
  assertThrowsWith(() => readCsvTableSync(path, { target: 'y' }), InputError, /split on "," into 1 column/);
  // The column and its role travel as data (ColumnNotFoundError), so the hint is chosen by role,
  // not by reading the message: a column to order by whose name reads like the target's message gets none.
  await assert.rejects(readCsvTable(path, { target: 'y' }), (e: unknown) => e instanceof ColumnNotFoundError && e.column === 'y' && e.role === 'target column');
  // Without a header the columns are numbered from the first line: a count on it (scikit-learn's
  // breast_cancer.csv: "569,30,malignant,benign" over rows of 31 values) leaves too few columns.
  const counted = file('counted.csv', '3,2,a,b\n1,2,3,4,5,0\n4,5,6,7,8,1\n7,8,9,1,2,0\n');
  await assertRejectsWith(() => readCsvTable(counted, { header: false, target: '5' }), InputError, /no target column "5"/,
    /there is no header, so the columns are numbered 0 to 3 from the first line, which was split on "," into 4 columns; --skip-rows skips lines before the data/);
  const ordered = file('ordered.csv', 'a,b,y\n1,2,3\n4,5,6\n');
  const odd = 't: no target column y';
  await assert.rejects(readCsvTable(ordered, { orderBy: odd }), (e: unknown) => e instanceof ColumnNotFoundError && e.role === 'column to order by' && e.column === odd && !/--delimiter/.test(e.message));
});
