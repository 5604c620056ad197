// Foreign files through the CLI (issue 20): every column decision in the Data block, stray cells
// named, a space-separated file, a frequent "None" class, and a baseline in every verdict.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, events, runCli, tempDir } from './harness.js';

let bin = '';
const dir = tempDir('columns');
before(async () => {
  bin = await buildCli();
});
const file = (name: string, text: string) => writeFileSync(join(dir, name), text);
/** A seeded stream in [0, 1). */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** An unemployment-like file: numeric IDs with gaps, a rate that follows two inputs, a code column, stray text. */
function ids(n: number): string {
  const r = rng(11);
  const lines = ['id,region,density,income,rate'];
  for (let i = 0; i < n; i++) {
    const density = r() * 10;
    const income = 20 + r() * 60;
    const region = 1 + (i % 4);
    const densityCell = i === 17 ? 'abc' : i === 90 ? '0x10' : i === 140 ? '"1,5"' : density.toFixed(3);
    lines.push(`${1001 + i * 3 + (i % 2)},${region},${densityCell},${income.toFixed(1)},${(density * 0.5 + income * 0.05 + region * 0.1 + r() * 0.2).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

test('the Data block names every column with its treatment; IDs with gaps are left out; stray cells are one counted warning with lines', () => {
  file('ids.csv', ids(300));
  // Under 500 rows the tabular preset trains on every row: the validation R² below needs a typed split.
  const r = runCli(bin, ['train', 'ids.csv', '--out', 'ids.bpm', '--epochs', '60', '--validation-split', '0.2'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Data {4}ids\.csv: 300 rows, 3 features, target "rate" \(numeric\)/);
  assert.match(r.stdout, /\n {8}numeric \(robustly scaled\): region, density, income\n/);
  assert.match(r.stdout, /\n {8}left out: id \(ID-like: 300 distinct integers \(1001…1899\), one per row\); --keep keeps one\n/);
  assert.match(r.stdout, /\n {8}note: region: 4 integer values \(1, 2, 3, 4\) used as numbers; --categorical region if they are codes\n/);
  assert.match(r.stdout, /\n {8}missing: 3 cells \(density 3\) filled in/);
  assert.match(r.stdout, /\nWarning 2 cells in numeric columns \(density 2\) neither a number nor a missing token, read as missing: line 19 density "abc"; line 92 density "0x10"\n/);
  assert.match(r.stdout, /\nWarning 1 number written with a decimal comma read as missing: line 142 density "1,5"; --decimal , reads them as numbers\n/);
  // What is trained: three inputs, and the rate is learnt (R² well above the mean's).
  const r2 = Number(/R² +│ +([-\d.]+) │ +([-\d.]+) │/.exec(r.stdout)![2]);
  assert.ok(r2 > 0.8, `validation R² ${r2}`);
  assert.match(r.stdout, /\nBaseline: always answering the training mean scores RMSE [\d.]+ \(R² -?0\.0\d+\) on the validation rows; the model's RMSE is [\d.]+\.\n/);

  // --json carries the plan of every column.
  const j = runCli(bin, ['train', 'ids.csv', '--out', 'ids2.bpm', '--epochs', '2', '--json'], dir);
  assert.equal(j.code, 0, j.stderr);
  const start = events(j.stdout).find((e) => e.event === 'start') as { columns: Record<string, unknown>[]; warnings: string[] };
  assert.deepEqual(start.columns, [
    { column: 'id', role: 'left out', reason: 'ID-like: 300 distinct integers (1001…1899), one per row' },
    { column: 'region', role: 'input', kind: 'numeric', scaled: 'robust', note: 'region: 4 integer values (1, 2, 3, 4) used as numbers; --categorical region if they are codes' },
    { column: 'density', role: 'input', kind: 'numeric', scaled: 'robust', missing: 3 },
    { column: 'income', role: 'input', kind: 'numeric', scaled: 'robust' },
    { column: 'rate', role: 'target' },
  ]);
  assert.equal(start.warnings.length, 2);
});

/** A spector-like file: space-separated and aligned, a row-number column OBS, a binary GRADE. */
function spector(n: number): string {
  const r = rng(5);
  const lines = ['  OBS    GPA   TUCE   PSI   GRADE'];
  for (let i = 1; i <= n; i++) {
    const gpa = 2 + r() * 2;
    const psi = r() < 0.5 ? 1 : 0;
    const grade = gpa + psi * 0.8 + r() * 0.6 > 3.6 ? 1 : 0;
    lines.push(`  ${String(i).padStart(3)}   ${gpa.toFixed(2)}   ${String(15 + Math.floor(r() * 15)).padStart(3)}   ${psi}     ${grade}`);
  }
  return `${lines.join('\n')}\n`;
}

test('a space-separated file is read as such; its OBS row numbers are left out; a wrong --delimiter is named when the target is not found', () => {
  file('spector.csv', spector(200));
  const r = runCli(bin, ['train', 'spector.csv', '--target', 'GRADE', '--out', 'sp.bpm', '--epochs', '80'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Data {4}spector\.csv: 200 rows, 3 features, target "GRADE": 2 classes/);
  assert.match(r.stdout, /left out: OBS \(row number: the integers 1…200 in row order\); --keep keeps one/);
  const w = runCli(bin, ['train', 'spector.csv', '--target', 'GRADE', '--delimiter', ';'], dir);
  assert.equal(w.code, 1);
  assert.match(w.stderr, /no target column "GRADE"/);
  assert.match(w.stderr, /the header was split on ";" into 1 column; --delimiter sets the separator/);
});

/** A birdstrikes-like file: the target's real class "None" is 80 % of the rows. */
function strikes(n: number): string {
  const r = rng(3);
  const lines = ['speed,height,phase,damage'];
  for (let i = 0; i < n; i++) {
    const speed = 80 + r() * 200;
    const height = r() * 3000;
    const damage = speed > 230 ? (height < 800 ? 'Substantial' : 'Minor') : 'None';
    lines.push(`${speed.toFixed(0)},${height.toFixed(0)},${['Climb', 'Approach', 'Landing'][i % 3]},${damage}`);
  }
  return `${lines.join('\n')}\n`;
}

test('a frequent "None" class read as missing is counted and said, and more than half the target missing is a warning', () => {
  file('strikes.csv', strikes(1000));
  const r = runCli(bin, ['train', 'strikes.csv', '--out', 'st.bpm', '--epochs', '5'], dir);
  assert.equal(r.code, 0, r.stderr);
  const none = Number(/target: ([\d,]+) cells "None" read as missing; --na-values to keep it as a value/.exec(r.stdout)![1]!.replace(/,/g, ''));
  assert.ok(none > 500, `${none} None cells`);
  assert.match(r.stdout, new RegExp(`\\nWarning the target "damage" is missing in ${none.toLocaleString('en-US')} of 1,000 rows \\(\\d+ %\\): those rows are left out of training\\n`));
  assert.match(r.stdout, new RegExp(`\\n {8}${none} rows without a target left out\\n`));
});

test('a model no better than its baseline is told so by train and by evaluate, which also names the training rows it scores', () => {
  // The label is noise: nothing to learn; 85 % of the rows are "stay".
  const r = rng(21);
  const lines = ['a,b,c,label'];
  for (let i = 0; i < 400; i++) lines.push(`${r().toFixed(3)},${r().toFixed(3)},${r().toFixed(3)},${r() < 0.85 ? 'stay' : 'leave'}`);
  file('noise.csv', `${lines.join('\n')}\n`);
  // The tabular preset trains on every row under 500 rows: a typed --validation-split holds some out.
  const t = runCli(bin, ['train', 'noise.csv', '--out', 'noise.bpm', '--epochs', '30', '--validation-split', '0.2'], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /│ metric +│ training \(320\) │ validation \(80\) │ baseline \(validation\) │/);
  const [, val, base] = /│ accuracy +│ +[\d.]+ │ +([\d.]+) │ +([\d.]+) │/.exec(t.stdout)!;
  assert.ok(Number(val) <= Number(base) + 1e-9, `validation accuracy ${val} against the baseline's ${base}`);
  assert.match(t.stdout, /\nNo better than the baseline: always answering "stay" scores accuracy [\d.]+ on the validation rows; the model scores [\d.]+\./);
  // The verdict does not follow that with advice to grow the network.
  assert.doesNotMatch(t.stdout, /larger network/);
  assert.match(t.stdout, /│ balanced accuracy +│ +[\d.]+ │ +[\d.]+ │ +0\.5000 │/);
  assert.match(t.stdout, /│ macro F1 +│/);
  assert.match(t.stdout, /Imbalanced classes \(the smallest, "leave", is 1\d\.\d % of the rows\): balanced accuracy and macro F1 say more than accuracy; --class-weight balanced weighs the rare classes up\./);

  const cv = runCli(bin, ['cv', 'noise.csv', '--folds', '3', '--epochs', '20'], dir);
  assert.equal(cv.code, 0, cv.stderr);
  const cvMean = /│ mean ± std +│ +│ +│ ([\d.]+) ± /.exec(cv.stdout)![1]!;
  const cvBase = /│ baseline \(mean\) +│ +│ +│ +([\d.]+) │/.exec(cv.stdout)![1]!;
  assert.ok(Number(cvBase) > 0.8 && Number(cvBase) < 0.9, `baseline accuracy ${cvBase}: the share of "stay" in the held-out folds`);
  // Seeded: the network answers "stay" everywhere, as the baseline does.
  assert.ok(Number(cvMean) <= Number(cvBase) + 1e-9, `cv accuracy ${cvMean} against ${cvBase}`);
  assert.match(cv.stdout, /\nNo better than the baseline: always answering "stay" scores accuracy [\d.]+ on the held-out folds/);
  assert.match(cv.stdout, /\nImbalanced classes \(the smallest, "leave", is 1\d\.\d % of the rows\): balanced accuracy and macro F1 say more than accuracy; --class-weight balanced weighs the rare classes up\./);

  assert.match(cv.stdout, /│ fold +│ rows │ epochs │ accuracy +│ balanced accuracy │ macro F1 +│ seconds │/);
  // Each fold's seconds (fit_time + score_time on the thread that ran it), to the hundredth (a fast machine may print 0.00).
  const seconds = [...cv.stdout.matchAll(/│ +\d │ +\d+ │ +20 │.*│ +([\d.]+) │\n/g)].map((m) => Number(m[1]));
  assert.equal(seconds.length, 3, cv.stdout);
  for (const v of seconds) assert.ok(v >= 0 && v < 600, `fold seconds ${v}`);
  assert.match(cv.stdout, /│ baseline \(mean\) │ +│ +│ +[\d.]+ │ +0\.5000 │ +0\.4\d+ │/, 'a constant answer: balanced accuracy 1/2, macro F1 p/(1 + p)');

  // search: the same held-out rows for the baseline; with accuracy, a network answering "stay" ties it.
  const s = runCli(bin, ['search', 'noise.csv', '--trials', '2', '--epochs', '3', '--metric', 'accuracy', '--jobs', '1', '--journal', 'noise-j.jsonl', '--out', 'noise-s.bpm'], dir);
  assert.equal(s.code, 0, s.stderr);
  const best = Number(/\nBest {4}trial \d+: accuracy ([\d.]+)/.exec(s.stdout)![1]);
  const sb = Number(/\nBaseline always answering "stay" scores accuracy ([\d.]+) on the same held-out rows/.exec(s.stdout)![1]);
  assert.ok(Math.abs(sb - 0.825) < 0.05, `baseline ${sb}`);
  if (best <= sb) assert.match(s.stdout, /: the best trial \([\d.]+\) does not beat it/);
  else assert.doesNotMatch(s.stdout, /does not beat it/);

  const e = runCli(bin, ['evaluate', 'noise.bpm', 'noise.csv'], dir);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /│ metric +│ value +│ baseline │/);
  // Its verdict says so plainly too (the network answers "stay" everywhere), with the balanced scores' pointer.
  assert.match(e.stdout, /\nNo better than the baseline: always answering "stay" scores accuracy [\d.]+ on the rows of this file; the model scores [\d.]+\./);
  assert.match(e.stdout, /│ balanced accuracy +│ +[\d.]+ │ +0\.5000 │/);
  assert.match(e.stdout, /\nImbalanced classes \(the smallest, "leave", is 1\d\.\d % of the rows\): balanced accuracy and macro F1 say more than accuracy; --class-weight balanced weighs the rare classes up\./);
  assert.match(e.stdout, /\n320 of the 400 rows are rows the model was trained on: these scores are optimistic/);
  // Rows it never saw: no such line.
  const fresh = ['a,b,c,label', ...Array.from({ length: 50 }, () => `${r().toFixed(3)},${r().toFixed(3)},${r().toFixed(3)},${r() < 0.85 ? 'stay' : 'leave'}`)];
  file('fresh.csv', `${fresh.join('\n')}\n`);
  const f = runCli(bin, ['evaluate', 'noise.bpm', 'fresh.csv', '--json'], dir);
  assert.equal(f.code, 0, f.stderr);
  const ev = events(f.stdout).find((x) => x.event === 'evaluate') as { notes: string[]; baseline: { accuracy: number } };
  assert.ok(ev.notes.every((n) => !/trained on/.test(n)), ev.notes.join('\n'));
  assert.equal(typeof ev.baseline.accuracy, 'number');
});

test('--na-values keeps the class "None": three classes are trained and evaluate reads the file the same way', () => {
  const r = runCli(bin, ['train', 'strikes.csv', '--na-values', '', '--out', 'st-none.bpm', '--epochs', '80'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Data {4}strikes\.csv: 1000 rows, 5 features \(phase one-hot encoded\), target "damage": 3 classes \(Minor \d+, None \d+, Substantial \d+\)/);
  assert.doesNotMatch(r.stdout, /read as missing|without a target/);
  const acc = Number(/│ accuracy +│ +[\d.]+ │ +([\d.]+) │ +([\d.]+) │/.exec(r.stdout)![1]);
  const base = Number(/│ accuracy +│ +[\d.]+ │ +[\d.]+ │ +([\d.]+) │/.exec(r.stdout)![1]);
  assert.ok(acc > base + 0.05, `validation accuracy ${acc} against the majority's ${base}`);
  assert.match(r.stdout, /\nBaseline: always answering "None" scores accuracy/);
  const e = runCli(bin, ['evaluate', 'st-none.bpm', 'strikes.csv', '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  const ev = events(e.stdout).find((x) => x.event === 'evaluate') as { perClass: { class: string }[] };
  assert.deepEqual(ev.perClass.map((p) => p.class), ['Minor', 'None', 'Substantial']);

  // --validation-data is read as the training file is: its "None" rows are a class too, all 200
  // validate; what reading it decided (a phase not seen in training) is said, not done silently.
  let climbs = 0;
  file('strikes-val.csv', strikes(200).replace(/,Climb,/g, (m) => (climbs++ % 5 === 0 ? ',Taxi,' : m)));
  const taxis = (readFileSync(join(dir, 'strikes-val.csv'), 'utf8').match(/,Taxi,/g) ?? []).length;
  assert.ok(taxis > 0);
  const v = runCli(bin, ['train', 'strikes.csv', '--na-values', '', '--validation-data', 'strikes-val.csv', '--out', 'st-val.bpm', '--epochs', '2'], dir);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /\nSplit {3}1000 training rows; 200 validation rows from strikes-val\.csv;/);
  assert.match(v.stdout, new RegExp(`\\nWarning strikes-val\\.csv: phase: ${taxis} values? not seen in training \\("Taxi"\\) encoded as all zeros\\n`));
  const vj = runCli(bin, ['train', 'strikes.csv', '--na-values', '', '--validation-data', 'strikes-val.csv', '--out', 'st-val.bpm', '--epochs', '2', '--json'], dir);
  const start = events(vj.stdout).find((x) => x.event === 'start') as { validationRows: number; validationWarnings: string[] };
  assert.equal(start.validationRows, 200);
  assert.equal(start.validationWarnings.length, 1);
  // Read with the default tokens, the validation file's "None" rows have no target: counted and said.
  const d = runCli(bin, ['train', 'strikes.csv', '--validation-data', 'strikes-val.csv', '--out', 'st-val2.bpm', '--epochs', '2'], dir);
  assert.equal(d.code, 0, d.stderr);
  const kept = Number(/\nSplit {3}\d+ training rows; (\d+) validation rows from strikes-val\.csv;/.exec(d.stdout)![1]);
  assert.ok(kept < 200);
  assert.match(d.stdout, new RegExp(`\\n {8}strikes-val\\.csv: ${200 - kept} rows without a target left out\\n`));
});

test('--decimal , reads a file of decimal commas; without it the column is one clear error naming the flag', () => {
  const r = rng(4);
  const lines = ['x;z;y'];
  for (let i = 0; i < 200; i++) {
    const x = r() * 4;
    const z = r() * 2;
    lines.push(`${x.toFixed(2).replace('.', ',')};${z.toFixed(3).replace('.', ',')};${(2 * x - z + r() * 0.1).toFixed(3).replace('.', ',')}`);
  }
  file('comma.csv', `${lines.join('\n')}\n`);
  const bad = runCli(bin, ['train', 'comma.csv'], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /comma\.csv line 2, column 1 \("x"\): "[\d,]+" is a number with a decimal comma, as 200 of the column's 200 values are; read the file with --decimal ,/);
  const ok = runCli(bin, ['train', 'comma.csv', '--decimal', ',', '--out', 'comma.bpm', '--epochs', '150', '--validation-split', '0.2'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Data {4}comma\.csv: 200 rows, 2 features, target "y" \(numeric\)\n {8}numeric \(robustly scaled\): x, z\n/);
  const r2 = Number(/R² +│ +([-\d.]+) │ +([-\d.]+) │/.exec(ok.stdout)![2]);
  assert.ok(r2 > 0.95, `validation R² ${r2}`);
  const p = runCli(bin, ['predict', 'comma.bpm', 'comma.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 201);
});

test('--split time:<column> validates on the latest rows of a time-ordered file, written out of order', () => {
  // A monthly series with a trend; rows shuffled in the file.
  const months = Array.from({ length: 120 }, (_, i) => (i * 49) % 120);
  const lines = ['month,season,employed', ...months.map((m) => `${2000 + Math.floor(m / 12)}-${String(1 + (m % 12)).padStart(2, '0')}-01,${Math.sin((2 * Math.PI * (m % 12)) / 12).toFixed(3)},${(100 + m * 0.5 + 3 * Math.sin((2 * Math.PI * (m % 12)) / 12)).toFixed(2)}`)];
  file('monthly.csv', `${lines.join('\n')}\n`);
  const d = runCli(bin, ['train', 'monthly.csv', '--split', 'time:month', '--out', 'monthly.bpm', '--epochs', '5'], dir);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /Split {3}96 training \/ 24 validation rows \(the latest by "month", from 2008-01-01\)/);
  const bad = runCli(bin, ['train', 'monthly.csv', '--split', 'time'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected "random" or "time:<column>"/);
  const missing = runCli(bin, ['train', 'monthly.csv', '--split', 'time:mnth'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no column to order by "mnth"; did you mean "month"\?/);
});

test('--dry-run prints every column decision and what would be trained, and stops (nothing saved)', () => {
  const r = runCli(bin, ['train', 'ids.csv', '--dry-run', '--categorical', 'region', '--indicator', '--out', 'never.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Data {4}ids\.csv: 300 rows, 6 features \(region one-hot encoded\), target "rate" \(numeric\)\n {8}numeric \(robustly scaled\): density, income\n {8}categorical \(one-hot\): region \(4 values\)\n {8}missing indicators \(0\/1 inputs\): density\n {8}left out: id /);
  assert.match(r.stdout, /\nTask {4}regression: 1 linear output, loss mse\nSplit {3}no validation rows: every row trained on \(preset tabular for 300 rows: [^\n]*\)\nDry run: nothing trained or saved; run again without --dry-run to train\.\n$/);
  assert.doesNotMatch(r.stdout, /Epoch|Model/);
  assert.equal(runCli(bin, ['summary', 'never.bpm'], dir).code, 2, 'no model file written');
  const j = runCli(bin, ['train', 'ids.csv', '--dry-run', '--json'], dir);
  const plan = events(j.stdout);
  assert.equal(plan.length, 1);
  assert.equal(plan[0]!.event, 'plan');
  assert.equal((plan[0]!.columns as unknown[]).length, 5);
});
