// backprop explain model.bpm data.csv --importance / --row: the printed numbers are the library's.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, permutationImportance, integratedGradients } from '../../src/index.js';
import { readCsvTableSync } from '../../cli/csv.js';
import { num } from '../../cli/commands/explainColumns.js';
import { colourCsv } from '../helpers/data.js';
import { buildCli, runCli, tempDir } from './harness.js';

let bin = '';
const dir = tempDir('explain-columns');

before(async () => {
  bin = await buildCli();
  writeFileSync(join(dir, 'train.csv'), colourCsv(400, 1));
  writeFileSync(join(dir, 'test.csv'), colourCsv(200, 2));
  const r = runCli(bin, ['train', 'train.csv', '--out', 'm.bpm', '--epochs', '60', '--seed', '1'], dir);
  assert.equal(r.code, 0, r.stderr);
});

const loaded = () => loadModel(join(dir, 'm.bpm'));
const table = () => readCsvTableSync(join(dir, 'test.csv'), { schema: loaded().preprocessing.schema! });

test('--importance prints the baseline and the ranked columns with their spread, the library\'s numbers', () => {
  const r = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--importance'], dir);
  assert.equal(r.code, 0, r.stderr);
  const lib = permutationImportance(loaded(), table(), { repeats: 5, seed: 0 });
  assert.match(r.stdout, /Importance {2}permutation: each column shuffled 5 times \(seed 0\)/);
  assert.match(r.stdout, /Rows {8}200 rows of test\.csv/);
  assert.match(r.stdout, new RegExp(`Baseline {4}accuracy ${lib.baseline.toFixed(4).replace(/0+$/, '')}`));
  assert.ok(lib.baseline > 0.85, `accuracy ${lib.baseline}`);
  const printed = r.stdout.split('\n').filter((l) => /^ +\d+ /.test(l)).map((l) => l.trim().split(/ +/));
  assert.deepEqual(printed.map((p) => p[1]), lib.columns.map((c) => c.column));
  assert.deepEqual(printed.slice(0, 2).map((p) => p[1]).sort(), ['a', 'colour'], 'the two signal columns first');
  printed.forEach((p, i) => {
    assert.equal(Number(p[2]), Number(lib.columns[i]!.mean.toFixed(4)), `${p[1]} mean`);
    assert.equal(Number(p[3]), Number(lib.columns[i]!.std.toFixed(4)), `${p[1]} std`);
  });
  assert.ok(lib.columns[0]!.mean > 0.2);
  const j = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--importance', '--json', '--repeats', '3', '--seed', '7'], dir);
  assert.equal(j.code, 0, j.stderr);
  const parsed = JSON.parse(j.stdout) as typeof lib & { source: string };
  assert.deepEqual(parsed.columns, permutationImportance(loaded(), table(), { repeats: 3, seed: 7 }).columns);
  assert.equal(parsed.source, 'test.csv');
});

test('--row prints the prediction and each column\'s attribution (integrated gradients from the typical row)', () => {
  // An uncertain row (p between 0.2 and 0.8): its attributions are not all close to 0.
  const t = table();
  let row = 0;
  while (Math.abs(integratedGradients(loaded(), { table: t, row }).prediction[1]! - 0.5) > 0.3) row++;
  const lib = integratedGradients(loaded(), { table: t, row });
  const r = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--row', String(row + 1)], dir);
  assert.equal(r.code, 0, r.stderr);
  const k = lib.prediction.indexOf(Math.max(...lib.prediction));
  assert.match(r.stdout, new RegExp(`Predicted {3}${lib.outputs[k]} \\(no ${num(lib.prediction[0]!)}, yes ${num(lib.prediction[1]!)}\\)`));
  assert.match(r.stdout, new RegExp(`Row {9}${row + 1} of test\\.csv`));
  assert.match(r.stdout, /Baseline {4}the typical row: training medians and most frequent categories/);
  for (const c of lib.columns) {
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`${c.column} `))!;
    const token = line.trim().split(/ +/).pop()!.replace('−', '-');
    const printed = Number(token);
    // Equal to the library's number rounded to the printed decimals: within half a unit of the last one.
    const half = 0.5 * 10 ** -(token.split('.')[1]?.length ?? 0);
    assert.ok(Math.abs(printed - c.attributions[k]!) <= half + 1e-12, `${c.column}: printed ${token}, library ${c.attributions[k]}`);
  }
  const sum = lib.columns.reduce((s, c) => s + c.attributions[k]!, 0);
  assert.ok(Math.abs(sum - (lib.prediction[k]! - lib.baselinePrediction[k]!)) < 0.01 * Math.abs(lib.prediction[k]! - lib.baselinePrediction[k]!) + 1e-6, 'completeness');
  const j = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--row', String(row + 1), '--json', '--class', 'no'], dir);
  const parsed = JSON.parse(j.stdout) as typeof lib & { row: number; explained: string };
  assert.equal(parsed.row, row + 1);
  assert.equal(parsed.explained, 'no');
  assert.deepEqual(parsed.columns, lib.columns);
});

test('explain with a model and data: one clear line for a wrong request', () => {
  let r = runCli(bin, ['explain', 'm.bpm', 'test.csv'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /give --importance \(which columns matter\) or --row <n>/);
  r = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--row', '1', '--importance'], dir);
  assert.match(r.stderr, /give either --importance or --row <n>, not both/);
  r = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--row', '201'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--row 201: test\.csv has data rows 1 to 200/);
  r = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--row', '1', '--class', 'maybe'], dir);
  assert.match(r.stderr, /--class "maybe": the model's outputs are no, yes/);
  r = runCli(bin, ['explain', 'm.bpm', 'test.csv', '--importance', '--metric', 'r2'], dir);
  assert.match(r.stderr, /metric "r2" does not fit a classification model; use accuracy, logLoss/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
