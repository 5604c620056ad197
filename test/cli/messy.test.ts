// Messy CSV files through the CLI: what the Data and Task lines say, what is trained, what predict does.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, predictRecords } from '../../src/index.js';
import { ROOT, buildCli, runCli, tempDir } from './harness.js';

let bin = '';
const dir = tempDir('messy');
before(async () => {
  bin = await buildCli();
});
const file = (name: string, text: string) => writeFileSync(join(dir, name), text);

/** A cars-like table: an ID-like name, a text category with NA, numbers with ?, blank targets. */
function cars(n: number, seed = 1): string {
  let s = seed;
  const r = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = ['Name,Origin,Cylinders,Horsepower,Weight,MPG'];
  for (let i = 0; i < n; i++) {
    const origin = ['USA', 'Europe', 'Japan'][i % 3]!;
    const cyl = [4, 6, 8][Math.floor(r() * 3)]!;
    const hp = 50 + cyl * 15 + r() * 30;
    const weight = 1500 + cyl * 300 + r() * 400;
    const mpg = 60 - hp * 0.12 - weight * 0.004 + (origin === 'Japan' ? 3 : 0) + r() * 2;
    const hpCell = i % 17 === 5 ? '?' : hp.toFixed(0);
    const originCell = i % 23 === 7 ? 'NA' : origin;
    const mpgCell = i % 41 === 3 ? '' : mpg.toFixed(1);
    lines.push(`car ${i},${originCell},${cyl},${hpCell},${weight.toFixed(0)},${mpgCell}`);
  }
  return `${lines.join('\n')}\n`;
}

test('a cars-like file: the ID column is left out, missing cells filled, blank targets dropped, all said in the Data lines', () => {
  file('cars.csv', cars(300));
  // The small preset: this is about reading the file, and its validation R² needs a hold-out (the tabular preset trains on every row of a file this small).
  const r = runCli(bin, ['train', 'cars.csv', '--preset', 'small', '--out', 'cars.bpm', '--epochs', '200'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Data {4}cars\.csv: 292 rows, 6 features \(Origin one-hot encoded\), target "MPG" \(numeric\)/);
  assert.match(r.stdout, /left out: Name \(ID-like: 292 distinct values in 292 rows\); --keep keeps one/);
  assert.match(r.stdout, /missing: \d+ cells \(Origin \d+; Horsepower \d+\) filled in: median for numbers, most frequent for categories/);
  assert.match(r.stdout, /8 rows without a target left out/);
  assert.match(r.stdout, /Task {4}regression: 1 linear output, loss mse/);
  assert.match(r.stdout, /at most 200 epochs \(early stopping: patience 10 on the validation loss, best weights kept\)/);
  const r2 = Number(/R² +│ +([-\d.]+) │ +([-\d.]+)/.exec(r.stdout)![2]);
  assert.ok(r2 > 0.8, `validation R² ${r2}`);
  assert.match(r.stdout, /^(Overfitting since epoch \d+|Still improving|Flat): /m, 'a closing verdict');

  // Every row predicted, missing cells included; --keep carries the name; the library gives the same numbers.
  const p = runCli(bin, ['predict', 'cars.bpm', 'cars.csv', '--keep', 'Name'], dir);
  assert.equal(p.code, 0, p.stderr);
  const lines = p.stdout.trim().split('\n');
  assert.equal(lines[0], 'Name,MPG');
  assert.equal(lines.length, 301, 'a prediction for each of the 300 rows');
  assert.equal(lines[6]!.split(',')[0], 'car 5');
  const loaded = loadModel(join(dir, 'cars.bpm'));
  const records = cars(300).trim().split('\n').slice(1).map((l) => {
    const [Name, Origin, Cylinders, Horsepower, Weight] = l.split(',');
    return { Name, Origin, Cylinders, Horsepower, Weight };
  });
  const lib = predictRecords(loaded, records).values as number[];
  lines.slice(1).forEach((l, i) => {
    const cli = Number(l.split(',')[1]);
    assert.ok(Math.abs(cli - lib[i]!) <= 1e-6 * Math.max(1, Math.abs(cli)) * 10, `row ${i}: CLI ${cli}, library ${lib[i]}`);
  });
});

test('unseen categories at predict time: zeros and a counted warning, or --unknown error naming at most ten', () => {
  file('new-cars.csv', 'Name,Origin,Cylinders,Horsepower,Weight\na,Mars,4,90,2000\nb,Venus,4,95,2100\nc,USA,6,NA,2500\n');
  const p = runCli(bin, ['predict', 'cars.bpm', 'new-cars.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 4);
  assert.match(p.stderr, /Warning: Origin: 2 values not seen in training \("Mars", "Venus"\) encoded as all zeros/);
  const e = runCli(bin, ['predict', 'cars.bpm', 'new-cars.csv', '--unknown', 'error'], dir);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /line 2, column 2 \("Origin"\): category "Mars" was not seen in training \(known: USA, Europe, Japan\)/);
  assert.equal(e.stderr.trim().split('\n').length, 1);
});

test('; and tab separated files are sniffed; --delimiter says it; a 20-row integer target is regression and the Task line says why', () => {
  const rows = Array.from({ length: 20 }, (_, i) => [String(i * 0.3), String((i * 7) % 5), String(i % 9)]);
  file('semi.csv', `a;b;score\n${rows.map((r) => r.join(';')).join('\n')}\n`);
  file('tab.tsv', `a\tb\tscore\n${rows.map((r) => r.join('\t')).join('\n')}\n`);
  file('pipe.txt', `a|b|score\n${rows.map((r) => r.join('|')).join('\n')}\n`);
  for (const [name, extra] of [['semi.csv', []], ['tab.tsv', []], ['pipe.txt', ['--delimiter', '|']]] as const) {
    const r = runCli(bin, ['train', name, '--epochs', '3', '--out', 'small.bpm', ...extra], dir);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Data {4}${name.replace('.', '\\.')}: 20 rows, 2 features, target "score" \\(numeric\\)`));
    assert.match(r.stdout, /Task {4}regression/);
    assert.match(r.stdout, /"score" holds 9 distinct integers in 20 rows \(2\.2 rows per value, under 5\): read as numbers; --task classification makes them classes/);
  }
});

test('--validation-data validates on another file; --no-early-stopping trains every epoch and the verdict names overfitting', () => {
  // Few noisy rows and a large network: the validation loss turns up early.
  let s = 7;
  const r = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const make = (n: number) => ['x1,x2,x3,y', ...Array.from({ length: n }, () => {
    const x = [r(), r(), r()];
    return `${x.map((v) => v.toFixed(3)).join(',')},${x[0]! + x[1]! > 1 !== r() < 0.3 ? 'a' : 'b'}`;
  })].join('\n');
  file('few.csv', make(40));
  file('few-val.csv', make(200));
  const o = runCli(bin, ['train', 'few.csv', '--validation-data', 'few-val.csv', '--layers', '64,64', '--lr', '0.01', '--epochs', '150', '--no-early-stopping', '--out', 'few.bpm'], dir);
  assert.equal(o.code, 0, o.stderr);
  assert.match(o.stdout, /Split {3}40 training rows; 200 validation rows from few-val\.csv/);
  assert.match(o.stdout, /, 150 epochs; /);
  assert.match(o.stdout, /Overfitting since epoch (\d+): the validation loss was lowest there \(([\d.]+)\) and rose to ([\d.]+) by epoch 150\. Try --early-stopping/);
  assert.doesNotMatch(o.stdout, /still falling; training may not have converged/);
  const e = runCli(bin, ['train', 'few.csv', '--validation-data', 'few-val.csv', '--layers', '64,64', '--lr', '0.01', '--epochs', '150', '--early-stopping', '10', '--out', 'few-es.bpm'], dir);
  assert.match(e.stdout, /Early stopping after epoch \d+ \(no improvement for 10 epochs\); weights restored from epoch \d+\./);
  const [, best, last] = /lowest there \(([\d.]+)\) and rose to ([\d.]+)/.exec(o.stdout)!;
  assert.ok(Number(last) > Number(best) * 1.02, `validation loss ${best} → ${last}`);
});

test('bad input gets one clear line: a file of only missing values, a target all missing, mixed date formats', () => {
  file('allna.csv', 'a,b,y\nNA,,x\n?,NA,y\n');
  const a = runCli(bin, ['train', 'allna.csv'], dir);
  assert.equal(a.code, 1);
  assert.match(a.stderr, /^backprop: allna\.csv: no feature columns left: a \(every value is missing\); b \(every value is missing\); keep one with --keep\n$/);
  file('notarget.csv', 'a,y\n1,\n2,NA\n');
  const t = runCli(bin, ['train', 'notarget.csv'], dir);
  assert.match(t.stderr, /^backprop: notarget\.csv: the target is missing in every row \(2 rows\); nothing to train on\n$/);
  file('dates.csv', 'd,y\n2020-01-01,a\n2020-01-02,b\n03.01.2020,a\n');
  const d = runCli(bin, ['train', 'dates.csv'], dir);
  assert.match(d.stderr, /^backprop: dates\.csv line 4, column 1 \("d"\): "03\.01\.2020" is written dd\.mm\.yyyy but the column's dates are yyyy-mm-dd \(mixed date formats\)\n$/);
});

test('backprop cv prints per-fold scores and their mean ± std (stratified folds for classes; R², RMSE, MAE for regression)', () => {
  const c = runCli(bin, ['cv', 'cars.csv', '--folds', '3', '--epochs', '40', '--json'], dir);
  assert.equal(c.code, 0, c.stderr);
  const lines = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const folds = lines.filter((e) => e.event === 'fold') as unknown as { fold: number; rows: number; r2: number }[];
  assert.deepEqual(folds.map((f) => f.fold), [1, 2, 3]);
  assert.equal(folds.reduce((a, f) => a + f.rows, 0), 292, 'every row held out once');
  const cv = lines.find((e) => e.event === 'cv') as { mean: { r2: number }; std: { r2: number } };
  const mean = folds.reduce((a, f) => a + f.r2, 0) / 3;
  assert.ok(Math.abs(cv.mean.r2 - mean) < 1e-12);
  assert.ok(cv.mean.r2 > 0.7, `mean R² ${cv.mean.r2}`);
  const t = runCli(bin, ['cv', 'few-val.csv', '--folds', '4', '--epochs', '5'], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /CV {6}4 folds \(stratified\), seed 1/);
  assert.match(t.stdout, /│ mean ± std +│ +│ +│ [\d.]+ ± [\d.e-]+ │ +│\n│ baseline \(mean\) │ +│ +│ +[\d.]+ │ +│\n/);
});

test('explain model.bpm data.csv --row n --step and gradcheck read the CSV with the model\'s own preprocessing', async () => {
  const e = runCli(bin, ['explain', 'cars.bpm', 'cars.csv', '--row', '6', '--step', '--format', 'json'], dir);
  assert.equal(e.code, 0, e.stderr);
  const step = JSON.parse(e.stdout) as { x: number[][] };
  const loaded = loadModel(join(dir, 'cars.bpm'));
  const { pipelineInputs } = await import('../../src/index.js');
  const { readCsvTableSync } = await import('../../cli/csv.js');
  const table = readCsvTableSync(join(dir, 'cars.csv'), { schema: loaded.preprocessing.schema!, requireTarget: true });
  // --row counts the rows read (those with a target): the 6th is table row 5.
  const expected = Array.from(pipelineInputs(loaded.preprocessing, table, [5]).data);
  step.x[0]!.forEach((v, j) => assert.ok(Math.abs(v - expected[j]!) < 1e-6, `input ${j}: ${v} vs ${expected[j]}`));
  assert.equal(step.x[0]!.length, loaded.network.inputUnits);
  const bad = runCli(bin, ['explain', 'cars.bpm', 'cars.csv', '--row', '999', '--step'], dir);
  assert.match(bad.stderr, /--row 999: cars\.csv has data rows 1 to 292/);
  const g = runCli(bin, ['gradcheck', 'cars.bpm', 'cars.csv', '--rows', '8'], dir);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stdout, /PASSED/);
});

test('--class-weight balanced or a JSON map trains; a bad map or an unknown class is one clear line', () => {
  const ok = runCli(bin, ['train', 'few-val.csv', '--class-weight', 'balanced', '--epochs', '3', '--out', 'cw.bpm'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  const map = runCli(bin, ['train', 'few-val.csv', '--class-weight', '{"a": 3}', '--epochs', '3', '--out', 'cw.bpm'], dir);
  assert.equal(map.code, 0, map.stderr);
  const bad = runCli(bin, ['train', 'few-val.csv', '--class-weight', '{"a": -1}', '--out', 'cw.bpm'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected "balanced" or a JSON map of class to weight/);
  const unknown = runCli(bin, ['train', 'few-val.csv', '--class-weight', '{"zebra": 2}', '--out', 'cw.bpm'], dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^backprop: classWeight: "zebra" is not a class \(classes: a, b\)\n$/);
});

test('wine (178 rows, no validation rows under the tabular preset) fitted perfectly: the verdict does not advise a larger network', () => {
  const r = runCli(bin, ['train', join(ROOT, 'data', 'wine.csv'), '--out', join(dir, 'wine.bpm')], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(Number(/│ accuracy +│ +([\d.]+) │/.exec(r.stdout)?.[1]), 1);
  assert.match(r.stdout, /^Flat: the training loss changed little .*training has converged, fitting the training rows perfectly \(a larger network cannot do better on them\)\./m);
  assert.doesNotMatch(r.stdout, /A larger network or another learning rate may do better/);
});

test('--skip-rows 1 reads a file with a row count before its header (scikit-learn\'s bundled CSVs); evaluate, predict and --stream skip it too', () => {
  // boston_house_prices.csv begins "506,13,,…" (rows, features), then the names.
  const rows = Array.from({ length: 120 }, (_, i) => `${(i % 9) * 0.5},${(i * 7) % 13},${((i * 3) % 11) / 2},${(i % 9) * 2 + ((i * 7) % 13) * 0.5 + 10}`);
  file('counted.csv', `120,3,,\nA,B,C,Y\n${rows.join('\n')}\n`);
  const refused = runCli(bin, ['train', 'counted.csv', '--out', 'counted.bpm'], dir);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /counted\.csv line 1: column 3 has no name; every column needs a header \(line 1 holds only numbers, 120, 3: .*a line before the header, such as a row count, is skipped with --skip-rows 1/);
  const r = runCli(bin, ['train', 'counted.csv', '--skip-rows', '1', '--preset', 'small', '--epochs', '5', '--out', 'counted.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Data {4}counted\.csv: 120 rows, 3 features, target "Y" \(numeric\)\n {8}skipped line 1 before the header \(--skip-rows 1\)/);
  // The model reads its files the same way; a bad cell's line is the file's line.
  const e = runCli(bin, ['evaluate', 'counted.bpm', 'counted.csv'], dir);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /counted\.csv: 120 rows/);
  const p = runCli(bin, ['predict', 'counted.bpm', 'counted.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 121, 'a header and 120 predictions');
  const s = runCli(bin, ['train', 'counted.csv', '--skip-rows', '1', '--stream', '--preset', 'small', '--epochs', '2', '--out', 'streamed.bpm'], dir);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /skipped line 1 before the header \(--skip-rows 1\)/);
  // A file without the count line, read as the model was trained: the message says why its first row became the header.
  file('plain.csv', `A,B,C,Y\n${rows.slice(1).join('\n')}\n`);
  const plain = runCli(bin, ['evaluate', 'counted.bpm', 'plain.csv'], dir);
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /column "A" used to train the model is missing; .*\(line 2 read as the header: line 1 skipped, as in training with --skip-rows 1\)/);
  // Its first row of numbers as the header, with a repeated value.
  file('plain0.csv', `A,B,C,Y\n${rows.join('\n')}\n`);
  assert.match(runCli(bin, ['evaluate', 'counted.bpm', 'plain0.csv'], dir).stderr, /plain0\.csv line 2: duplicate column name "0" \(columns 1 and 2\) \(line 2 holds only numbers, 0, 0, 0, 10, and was read as the header after line 1 skipped \(--skip-rows 1; evaluate and predict skip as the model was trained\): does this file begin with that line\?\)/);
  file('bad.csv', `120,3,,\nA,B,C,Y\n${rows.slice(0, 3).join('\n')}\n1,2\n`);
  const bad = runCli(bin, ['train', 'bad.csv', '--skip-rows', '1', '--out', 'bad.bpm'], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.csv line 6: expected 4 fields \(as the header\), got 2/);
  assert.match(runCli(bin, ['train', 'counted.csv', '--skip-rows', '0'], dir).stderr, /--skip-rows/);
  // search and cv read the file the same way.
  const search = runCli(bin, ['search', 'counted.csv', '--skip-rows', '1', '--trials', '2', '--epochs', '2', '--preset', 'small', '--jobs', '1', '--journal', 'counted.jsonl', '--out', 'searched.bpm'], dir);
  assert.equal(search.code, 0, search.stderr);
  const study = JSON.parse(readFileSync(join(dir, 'counted.jsonl'), 'utf8').split('\n')[0]!) as { fingerprint: { fixed: { preprocessing: { skipRows?: number } } } };
  assert.equal(study.fingerprint.fixed.preprocessing.skipRows, 1);
  const cv = runCli(bin, ['cv', 'counted.csv', '--skip-rows', '1', '--folds', '2', '--epochs', '2', '--preset', 'small'], dir);
  assert.equal(cv.code, 0, cv.stderr);
  assert.match(cv.stdout, /skipped line 1 before the header \(--skip-rows 1\)/);
});
