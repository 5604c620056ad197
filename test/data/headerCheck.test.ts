// A file without a header row has its first record read as the column names (as pandas reads
// it): one row fewer and names like "5.1", silently. The table says so in one line when every
// column's name is one of its own values; errors about line 1 say when it holds numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, tableFromRecords } from '../../src/index.js';
import { readCsvTable } from '../../cli/csv.js';
import { ROOT } from '../cli/harness.js';

const bundled = readdirSync(join(ROOT, 'data')).filter((f) => f.endsWith('.csv'));
const dir = mkdtempSync(join(tmpdir(), 'headerless-'));

test('every bundled table read with its header: no note', async () => {
  for (const f of bundled) {
    const t = await readCsvTable(join(ROOT, 'data', f));
    assert.equal(t.report.headerNote, undefined, f);
  }
});

test('the bundled tables without their header row: the note names the first row, and one row is missing', async () => {
  for (const f of bundled.filter((b) => b !== 'digits.csv')) {
    const lines = readFileSync(join(ROOT, 'data', f), 'utf8').split('\n');
    const path = join(dir, f);
    writeFileSync(path, lines.slice(1).join('\n'));
    const whole = await readCsvTable(join(ROOT, 'data', f));
    const t = await readCsvTable(path);
    assert.equal(t.rows, whole.rows - 1, `${f}: the first row became the names`);
    const first = lines[1]!.split(',').map((c) => c.replace(/^"|"$/g, '').trim());
    assert.match(t.report.headerNote ?? '', /^line 1 reads like a row of data, not column names: each of the \d+ columns' names is one of its own values/, f);
    assert.ok(t.report.headerNote!.includes(first.slice(0, 3).join(', ')), `${f}: quotes the first names`);
  }
});

test('iris without its header: the target "setosa" is one of its classes, each measurement inside its range', () => {
  const t = tableFromRecords([['5.1', '3.5', '1.4', '0.2', 'setosa'], ['4.9', '3.0', '1.4', '0.2', 'setosa'], ['7.0', '3.2', '4.7', '1.4', 'versicolor'], ['6.3', '3.6', '6.0', '2.5', 'virginica']]);
  assert.equal(t.report.headerNote, "line 1 reads like a row of data, not column names: each of the 5 columns' names is one of its own values (5.1, 3.5, 1.4, 0.2, setosa); if the file has no header row, its first row was read as the names and is not in the data: read it with --no-header (header: false), or add a line of column names");
});

test('names that are numbers outside their columns (years over amounts), or one name a word: no note', () => {
  const years = tableFromRecords([['2019', '2020', '2021'], ['15.5', '16.1', '17.0'], ['3.2', '3.3', '3.9'], ['80', '81', '90']]);
  assert.equal(years.report.headerNote, undefined);
  const word = tableFromRecords([['5.1', '3.5', 'species'], ['4.9', '3.0', 'setosa'], ['7.0', '3.2', 'versicolor'], ['6.3', '3.3', 'virginica']]);
  assert.equal(word.report.headerNote, undefined);
  // A target name that is no class, though every input's is a value.
  const target = tableFromRecords([['1', '2', 'label'], ['1', '2', 'a'], ['0', '3', 'b'], ['2', '1', 'a']]);
  assert.equal(target.report.headerNote, undefined);
});

test('errors about line 1 say when it holds numbers: no header row, or a count line before it', () => {
  assert.throws(() => tableFromRecords([['0', '0', '5', '13'], ['0', '0', '5', '13']]), (e: unknown) =>
    e instanceof InputError && /line 1: duplicate column name "0" \(columns 1 and 2\) \(line 1 holds only numbers, 0, 0, 5, 13: the header must name the columns: a file without a header row reads with --no-header \(header: false\); a line before the header, such as a row count, is skipped with --skip-rows 1/.test(e.message));
  // scikit-learn's bundled CSVs: "506,13,,…" then the names, or "178,13,class_0,class_1,class_2" and no names.
  assert.throws(() => tableFromRecords([['506', '13', '', ''], ['CRIM', 'ZN', 'INDUS', 'MEDV']]), (e: unknown) =>
    e instanceof InputError && /line 1: column 3 has no name; every column needs a header \(line 1 holds only numbers, 506, 13:/.test(e.message));
  assert.throws(() => tableFromRecords([['178', '13', 'class_0', 'class_1', 'class_2'], ['14.23', '1.71', '2.43', '15.6', '127', '0']]), (e: unknown) =>
    e instanceof InputError && /line 2: expected 5 fields \(as the header\), got 6 \(line 1 holds 2 numbers among its 5 names, 178, 13, class_0, class_1, …/.test(e.message));
  // skipRows: 1 skips the count line; the lines in messages stay the file's.
  const counted = tableFromRecords([['506', '13', '', ''], ['CRIM', 'ZN', 'INDUS', 'MEDV'], ['0.1', '18', '2.3', '24'], ['0.2', '0', '7.1', '21.6'], ['0.3', '0', '7.1', '34.7']], { skipRows: 1 });
  assert.equal(counted.rows, 3);
  assert.deepEqual(counted.schema.inputs.map((c) => c.name), ['CRIM', 'ZN', 'INDUS']);
  assert.equal(counted.report.skippedLines, 1);
  assert.throws(() => tableFromRecords([['506', '13', '', ''], ['CRIM', 'ZN', 'INDUS', 'MEDV'], ['0.1', '18', '2.3', '24'], ['0.2', '0', '7.1']], { skipRows: 1 }), (e: unknown) =>
    e instanceof InputError && /^data line 4: expected 4 fields \(as the header\), got 3$/.test(e.message));
  // Without a header row, the first record after the lines skipped is that line's row.
  assert.throws(() => tableFromRecords([['a title'], ['1', '2', 'x'], ['3', '4']], { skipRows: 1, header: false }), (e: unknown) =>
    e instanceof InputError && /line 3: expected 3 fields \(as line 2\), got 2/.test(e.message));
  assert.throws(() => tableFromRecords([['a', 'b'], ['1', '2']], { skipRows: -1 }), (e: unknown) => e instanceof InputError && /skipRows must be a whole number of lines ≥ 0, got -1/.test(e.message));
  // Words: the errors as they were.
  assert.throws(() => tableFromRecords([['a', 'a'], ['1', '2']]), (e: unknown) => e instanceof InputError && /duplicate column name "a" \(columns 1 and 2\)$/.test(e.message));
});

test("a count line that fits the rows (scikit-learn's iris.csv: 150,4,setosa,…) reads without an error: the note says what it counts and how to skip it", () => {
  const rows = [['5.1', '3.5', '1.4', '0.2', '0'], ['4.9', '3.0', '1.4', '0.2', '0'], ['7.0', '3.2', '4.7', '1.4', '1'], ['6.3', '3.3', '6.0', '2.5', '2'], ['5.9', '3.0', '5.1', '1.8', '2']];
  const t = tableFromRecords([['5', '4', 'setosa', 'versicolor', 'virginica'], ...rows]);
  assert.equal(t.rows, 5);
  assert.equal(t.report.headerNote, 'line 1 begins with numbers (5, 4, setosa, versicolor, virginica), as a count line does (5 is the number of rows after it, 4 the number of columns but one); its fields were read as the column names: if the header is on line 2, read with --skip-rows 1 (skipRows: 1); if there is none, with --skip-rows 1 --no-header (header: false)');
  // What the note says to do reads every row, the columns numbered.
  const fixed = tableFromRecords([['5', '4', 'setosa', 'versicolor', 'virginica'], ...rows], { skipRows: 1, header: false });
  assert.equal(fixed.rows, 5);
  assert.equal(fixed.report.headerNote, undefined);
  assert.deepEqual(fixed.schema.target?.names, ['4']);
  // The rows counted, or more rows (a file cut short) and the columns; else a header.
  assert.match(tableFromRecords([['5', '9', 'a', 'b', 'c'], ...rows]).report.headerNote ?? '', /\(5 is the number of rows after it\)/);
  assert.match(tableFromRecords([['150', '4', 'a', 'b', 'c'], ...rows]).report.headerNote ?? '', /\(150 is more than the 5 rows after it, 4 the number of columns but one\)/);
  assert.equal(tableFromRecords([['150', '3', 'a', 'b', 'c'], ...rows]).report.headerNote, undefined);
  assert.equal(tableFromRecords([['1', '4', 'a', 'b', 'c'], ...rows]).report.headerNote, undefined);
  assert.equal(tableFromRecords([['2019', '2020', 'a', 'b', 'region'], ...rows]).report.headerNote, undefined);
  assert.equal(tableFromRecords([['150', '4', 'setosa', 'versicolor', 'virginica'], ...rows], { skipRows: 0, target: 'virginica' }).report.headerNote?.slice(0, 30), 'line 1 begins with numbers (15');
});

test('header: false reads the first record as a row, names the columns 0, 1, … and checks nothing about them', () => {
  const records = [['5.1', '3.5', 'setosa'], ['4.9', '3.0', 'setosa'], ['7.0', '3.2', 'versicolor']];
  const t = tableFromRecords(records, { header: false });
  assert.equal(t.rows, 3);
  assert.deepEqual(t.schema.inputs.map((c) => c.name), ['0', '1']);
  assert.deepEqual(t.schema.target, { kind: 'classes', names: ['2'], classes: ['setosa', 'versicolor'] });
  assert.deepEqual(Array.from(t.x.data), [5.1, 3.5, 4.9, 3, 7, 3.2]);
  assert.equal(t.report.headerNote, undefined);
  assert.equal(t.report.numberedColumns, 3);
  assert.equal(tableFromRecords(records).report.numberedColumns, undefined);
  // One record: still a row. A bad record on line 1 is named as line 1.
  assert.equal(tableFromRecords([['1', '2', 'a'], ['2', '3', 'b'], ['3', '4', 'a']], { header: false, target: '2' }).rows, 3);
  assert.throws(() => tableFromRecords([['1', '2'], ['1', '2', '3']], { header: false }), (e: unknown) => e instanceof InputError && /line 2: expected 2 fields \(as line 1\), got 3$/.test(e.message));
  assert.throws(() => tableFromRecords(records, { header: 'no' as unknown as boolean }), (e: unknown) => e instanceof InputError && /header must be true or false/.test(e.message));
});
