// What a new user saw on real R tables (bench/sweep-2026-12.md), as CLI output with its numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir, ROOT } from './harness.js';
import { rowsSeenNote } from '../../cli/baseline.js';
import * as ort from 'onnxruntime-node';

const binPromise = buildCli();

test('evaluate on a file that repeats rows (as carData::WVS does) says the matches outnumber the rows trained on, instead of calling them all training rows', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-dupes');
  // 40 distinct rows, each written 3 times: WVS's 5 columns of few values repeat most rows the same way.
  const distinct = Array.from({ length: 40 }, (_, i) => `${i % 5},${['a', 'b', 'c', 'd'][i % 4]},${(i * 7) % 11},${i % 3 === 0 ? 'yes' : 'no'}`);
  writeFileSync(join(dir, 'dupes.csv'), ['x,g,z,label', ...distinct, ...distinct, ...distinct].join('\n') + '\n');
  const t = runCli(bin, ['train', 'dupes.csv', '--validation-split', '0.25', '--epochs', '2', '--out', 'd.bpm'], dir);
  assert.equal(t.code, 0, t.stderr);
  // Stratified by class: 89 training rows, 31 validation rows.
  assert.match(t.stdout, /Split {3}89 training \/ 31 validation rows/);
  // train says so too: its validation rows are mostly copies of training rows.
  const copies = /\n(\d+) of the 31 validation rows are copies of training rows \(the file repeats rows\): the validation scores are optimistic; remove repeated rows before training to validate on unseen rows\.\n/.exec(t.stdout);
  assert.ok(copies, t.stdout);
  assert.ok(Number(copies[1]) >= 20 && Number(copies[1]) <= 31, copies[1]);
  const e = runCli(bin, ['evaluate', 'd.bpm', 'dupes.csv'], dir);
  assert.equal(e.code, 0, e.stderr);
  const m = /\n(\d+) of the 120 rows are identical to rows the model was trained on, more than the 89 it was trained on: the file repeats rows, so rows held out from training can be copies of training rows; these scores are optimistic; evaluate on rows it has not seen \(another file\)\.\n/.exec(e.stdout);
  assert.ok(m, e.stdout);
  assert.ok(Number(m[1]) > 89 && Number(m[1]) <= 120, m[1]);
  assert.doesNotMatch(e.stdout, /rows are rows the model was trained on/);
});

test('ambientNOxCH: a regression\'s loss row is explained (mse on the standardized target plus the weight penalty), so it squares with RMSE', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-loss');
  const csv = join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'ambient-nox-70.csv');
  const t = runCli(bin, ['train', csv, '--target', 'ad', '--epochs', '3', '--out', 'a.bpm'], dir);
  assert.equal(t.code, 0, t.stderr);
  // 67 rows with a target, all trained on (under 500 rows); the L2 penalty of the tabular preset.
  const loss = Number(/│ loss +│ +([\d.]+) │/.exec(t.stdout)![1]);
  const rmse = Number(/│ RMSE +│ +([\d.]+) │/.exec(t.stdout)![1]);
  const note = /\nLoss {4}mse on the standardized target \(\(y − ([\d.]+)\) \/ ([\d.]+)\), plus the weight penalty: ([\d.]+) \+ ([\d.]+) = ([\d.]+) on the training rows; MAE, RMSE and R² are in the target's units\.\n/.exec(t.stdout);
  assert.ok(note, t.stdout);
  const [mean, scale, data, penalty, total] = note.slice(1).map(Number) as [number, number, number, number, number];
  // The training rows' mean and (population) standard deviation of ad.
  const ad = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]!).filter((v) => v !== 'NA').map(Number);
  assert.equal(ad.length, 67);
  const m = ad.reduce((a, b) => a + b, 0) / ad.length;
  const sd = Math.sqrt(ad.reduce((a, b) => a + (b - m) ** 2, 0) / ad.length);
  assert.ok(Math.abs(mean - m) < 0.01, `${mean} vs ${m}`);
  assert.ok(Math.abs(scale - sd) / sd < 0.01, `${scale} vs ${sd}`);
  assert.ok(Math.abs(total - loss) < 1e-4, `${total} vs ${loss}`);
  assert.ok(Math.abs(data - (rmse / scale) ** 2) < 2e-4, `data part ${data} vs (RMSE/scale)² ${(rmse / scale) ** 2}`);
  assert.ok(penalty > 0 && Math.abs(data + penalty - total) < 2e-4);
  // evaluate explains its loss row the same way, on its rows.
  const e = runCli(bin, ['evaluate', 'a.bpm', csv], dir);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /\nLoss {4}mse on the standardized target \(\(y − [\d.]+\) \/ [\d.]+\), plus the weight penalty: [\d.]+ \+ [\d.]+ = [\d.]+ on the rows of this file; MAE, RMSE and R² are in the target's units\.\n/);
});

test('forcats::gss_cat (21,483 rows, a sampled fingerprint): an estimate a row above the rows trained on is not called repeated rows', () => {
  // evaluate on the whole file after training on 17,187 rows: the estimate came out as 17,188.
  assert.equal(rowsSeenNote({ rows: 21_483, seen: 17_188, exact: false }, 17_187), "about 80 % of the 21,483 rows are rows the model was trained on: these scores are optimistic; evaluate on rows it has not seen (train's validation rows, or another file).");
  assert.match(rowsSeenNote({ rows: 21_483, seen: 21_000, exact: false }, 17_187)!, /^about 98 % of the 21,483 rows are identical to rows the model was trained on, more than the 17,187/);
  assert.match(rowsSeenNote({ rows: 120, seen: 91, exact: true }, 89)!, /^91 of the 120 rows are identical to rows the model was trained on, more than the 89/);
  assert.equal(rowsSeenNote({ rows: 120, seen: 0, exact: true }, 89), undefined);
});

test('forcats::gss_cat: a class the model never predicts shows precision "—" with a line saying why, not NaN', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-never');
  // gss_cat's marital has "No answer" in 17 of 21,483 rows; here "no answer" is 3 of 100 rows, with no signal.
  const rows = Array.from({ length: 100 }, (_, i) => `${(i * 37) % 100},${(i * 53) % 17},${i < 3 ? 'no answer' : i % 3 === 0 ? 'married' : 'single'}`);
  writeFileSync(join(dir, 'rare.csv'), ['age,hours,marital', ...rows].join('\n') + '\n');
  const t = runCli(bin, ['train', 'rare.csv', '--epochs', '2', '--out', 'r.bpm', '--report', 'r.html'], dir);
  assert.equal(t.code, 0, t.stderr);
  // The report's confusion matrix too: its precision row has "—" where the class is never predicted.
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  const foot = /<tr><th scope="row">precision<\/th>(.*?)<\/tr>/.exec(html)![1]!;
  assert.equal(foot, '<td class="pr" title="never predicted">—</td><td class="pr" title="never predicted">—</td><td class="pr">0.6400</td><td></td>');
  const e = runCli(bin, ['evaluate', 'r.bpm', 'rare.csv'], dir);
  assert.equal(e.code, 0, e.stderr);
  // Two epochs on noise: the model answers "single" only, as the majority does.
  assert.match(e.stdout, /│ married +│ +33 │ — +│ +0\.0000 │/, e.stdout);
  assert.match(e.stdout, /│ no answer │ +3 │ — +│ +0\.0000 │/);
  assert.match(e.stdout, /│ single +│ +64 │ +0\.6400 │ +1\.0000 │/);
  assert.doesNotMatch(e.stdout, /NaN/);
  assert.match(e.stdout, /┘\nPrecision —: the model predicts "married", "no answer" for no row, so there is no precision to give \(their recall is 0\)\.\n/);
});

test('search on nwtco: with one validation split the table has no "± std" column of zeros; with --cv 2 each trial\'s spread over folds is shown', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-search');
  const csv = join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'nwtco-every-40th.csv');
  const one = runCli(bin, ['search', csv, '--target', 'rel', '--trials', '2', '--epochs', '2', '--jobs', '1', '--journal', 'one.jsonl', '--out', 'one.bpm'], dir);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /│ trial │ loss +│ lr +│ layers/);
  // Trial 0 is what train runs on this file (the tabular preset, every row of 101 trained on): the Search line and the one below say so.
  assert.match(one.stdout, /^Search  tpe, 2 trials of lr, layers, activation, batchSize, dropout \(trial 0: what train trains with these options, layers 256,256, robust scaling, 2 epochs, batch 32\); validation split 0\.2; each trial trains on all the other rows, no early stopping; metric loss \(lower is better\)\n {8}preset tabular for 101 rows: /);
  assert.doesNotMatch(one.stdout, /± std/);
  const cv = runCli(bin, ['search', csv, '--target', 'rel', '--trials', '2', '--epochs', '2', '--jobs', '1', '--cv', '2', '--journal', 'cv.jsonl', '--out', 'cv.bpm'], dir);
  assert.equal(cv.code, 0, cv.stderr);
  const rows = [...cv.stdout.matchAll(/\n│ +(\d) │ +([\d.]+) │ +([\d.]+) │/g)];
  assert.match(cv.stdout, /│ trial │ loss +│ ± std over folds │ lr +│ layers/);
  assert.equal(rows.length, 2, cv.stdout);
  for (const r of rows) assert.ok(Number(r[3]) > 0, `trial ${r[1]}: a spread over 2 folds, ${r[3]}`);
});

test('AER::STAR: "NA" frequent in many text columns is one line naming them with their counts, not a line per column', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-na');
  const csv = join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'star-60.csv');
  const r = runCli(bin, ['train', csv, '--target', 'read3', '--dry-run'], dir);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.includes('read as missing'));
  assert.deepEqual(lines, ['        "NA" read as missing in 8 text columns (stark 18, star1 12, star2 6, lunchk 18, lunch1 14, lunch2 9, schoolk 18, school1 12 cells); --na-values to keep it as a value']);
  assert.match(r.stdout, /\n {8}22 rows without a target left out\n/);
});

test('an empty column name (--target "" from an unset shell variable) is refused at once, naming the option, instead of training with no target or cv crashing', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-empty');
  const csv = join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'nwtco-every-40th.csv');
  for (const args of [['train', csv, '--target', '', '--dry-run'], ['cv', csv, '--target', ''], ['train', csv, '--target', 'rel', '--ignore', 'age,', '--dry-run'], ['search', csv, '--target', ' , ', '--trials', '1']]) {
    const r = runCli(bin, args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^backprop: option '--(target|ignore) <columns>' argument '[ ,age]*' is invalid\. expected column names separated by commas, got an empty name in "[ ,age]*" \(a column with an empty header is called "Unnamed: 0"\)/, r.stderr);
    assert.doesNotMatch(r.stderr, /TypeError|at /);
  }
  const model = runCli(bin, ['train', csv, '--target', 'rel', '--epochs', '1', '--out', 'm.bpm'], dir);
  assert.equal(model.code, 0, model.stderr);
  const p = runCli(bin, ['predict', 'm.bpm', csv, '--keep', ''], dir);
  assert.equal(p.code, 2, p.stdout);
  assert.match(p.stderr, /option '--keep <columns>' argument '' is invalid\. expected column names separated by commas, got an empty name/);
});

test('nwtco with --categorical stage: export names the string inputs, and ONNX Runtime fed so on the raw CSV columns gives predict\'s probabilities', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-onnx');
  const csv = join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'nwtco-every-40th.csv');
  assert.equal(runCli(bin, ['train', csv, '--target', 'rel', '--categorical', 'stage', '--epochs', '3', '--out', 'n.bpm'], dir).code, 0);
  const x = runCli(bin, ['export', 'n.bpm', '--out', 'n.onnx'], dir);
  assert.equal(x.code, 0, x.stderr);
  assert.match(x.stdout, /\ntypes: {2}float32 \[N, 1\] for the 5 numeric columns \(NaN = missing\); string \[N, 1\] for stage, in\.subcohort \(categories and dates as the CSV writes them, '' = missing\)\n/);
  const p = runCli(bin, ['predict', 'n.bpm', csv, '--probabilities'], dir);
  assert.equal(p.code, 0, p.stderr);
  const predicted = p.stdout.trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
  const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n').map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '')));
  const strings = new Set(['stage', 'in.subcohort']);
  const session = await ort.InferenceSession.create(join(dir, 'n.onnx'));
  const feeds = Object.fromEntries(session.inputNames.map((name) => {
    const j = header!.indexOf(name);
    return [name, strings.has(name) ? new ort.Tensor('string', rows.map((r) => r[j]!), [rows.length, 1]) : new ort.Tensor('float32', Float32Array.from(rows, (r) => Number(r[j])), [rows.length, 1])];
  }));
  assert.deepEqual(session.inputNames, ['instit', 'histol', 'stage', 'study', 'edrel', 'age', 'in.subcohort']);
  const out = (await session.run(feeds)).output!.data as Float32Array;
  assert.equal(out.length, 101);
  let worst = 0;
  predicted.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - out[i]!))));
  assert.ok(worst <= 1e-5, `largest difference ${worst}`);
});

test('evaluate on rows some of which have no target (seen on pscl::iraqVote with an NA vote; here two NA in nwtco\'s rel) says how many it left out, in memory and streamed', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-eval-na');
  const csv = join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'nwtco-every-40th.csv');
  assert.equal(runCli(bin, ['train', csv, '--target', 'rel', '--epochs', '1', '--out', 'n.bpm'], dir).code, 0);
  // Two rows' target (rel, the 6th column) written as R's NA.
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const edited = lines.map((l, i) => (i === 3 || i === 50 ? l.split(',').map((c, j) => (j === 5 ? 'NA' : c)).join(',') : l));
  writeFileSync(join(dir, 'na.csv'), edited.join('\n') + '\n');
  for (const stream of ['--no-stream', '--stream']) {
    const e = runCli(bin, ['evaluate', 'n.bpm', 'na.csv', stream], dir);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /^na\.csv: 99 rows(?: \(streamed [^)]*\))?; 2 rows without a target left out \(nothing to score them against\)\n/, `${stream}: ${e.stdout}`);
  }
});

test('ambientNOxCH: explain --row 8 explains the file\'s 8th data row even when an earlier row has no target; --importance says how many rows it left out', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-row');
  // The fixture's data row 7 has ad = NA: rows after it moved up by one in the table explain read.
  const csv = join(ROOT, 'test', 'data', 'fixtures', 'sweep', 'ambient-nox-70.csv');
  assert.equal(runCli(bin, ['train', csv, '--target', 'ad', '--epochs', '2', '--out', 'a.bpm'], dir).code, 0);
  const dates = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
  for (const row of [6, 7, 8, 70]) {
    const r = runCli(bin, ['explain', 'a.bpm', csv, '--row', String(row)], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\n {2}date +${dates[row - 1]} `), `row ${row}: ${r.stdout}`);
  }
  const imp = runCli(bin, ['explain', 'a.bpm', csv, '--importance', '--repeats', '2'], dir);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, /\nRows {8}67 rows of .*ambient-nox-70\.csv; 3 rows without a target left out \(nothing to score them against\)\n/);
});
