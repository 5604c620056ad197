// A frequency table through the CLI: R's as.data.frame(Titanic), 32 records with a Freq column,
// read with --count Freq as the 2,201 passengers they stand for.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir } from './harness.js';

let bin = '';
const dir = tempDir('counts');
before(async () => {
  bin = await buildCli();
  // datasets::Titanic as R writes it (as.data.frame): Class, Sex, Age, Survived, Freq.
  const freq = [0, 0, 35, 0, 0, 0, 17, 0, 118, 154, 387, 670, 4, 13, 89, 3, 5, 11, 13, 0, 1, 13, 14, 0, 57, 14, 75, 192, 140, 80, 76, 20];
  const lines = ['Class,Sex,Age,Survived,Freq'];
  freq.forEach((f, i) => lines.push([['1st', '2nd', '3rd', 'Crew'][i % 4], ['Male', 'Female'][(i >> 2) % 2], ['Child', 'Adult'][(i >> 3) % 2], ['No', 'Yes'][i >> 4], f].join(',')));
  writeFileSync(join(dir, 'titanic.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'people.csv'), 'Class,Sex,Age\n1st,Female,Adult\n3rd,Male,Adult\n');
});

test('train --count Freq reads the 32 records as 2,201 passengers (Freq not an input) and learns who survived: validation accuracy ≥ 0.77 against the baseline 0.68', () => {
  const r = runCli(bin, ['train', 'titanic.csv', '--count', 'Freq', '--out', 'titanic.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Data {4}titanic\.csv: 2201 rows, 8 features \(Class, Sex, Age one-hot encoded\), target "Survived": 2 classes \(No 1490, Yes 711\)$/m);
  assert.match(r.stdout, /^ {8}counts: Freq, 32 records read as 2,201 rows \(each as many times as its count\); not an input$/m);
  assert.doesNotMatch(r.stdout, /copies of training rows/, 'a count column repeats records on purpose');
  const row = /│ accuracy +│ +([\d.]+) │ +([\d.]+) │ +([\d.]+) │/.exec(r.stdout);
  assert.ok(row, r.stdout);
  const [training, validation, baseline] = row.slice(1).map(Number) as [number, number, number];
  assert.ok(validation >= 0.77 && training >= 0.77, `accuracy ${training} / ${validation}`);
  assert.ok(Math.abs(baseline - 0.677) < 0.01, `baseline ${baseline}`);
  // 140 of 144 first-class women survived, 75 of 462 third-class men.
  const p = runCli(bin, ['predict', 'titanic.bpm', 'people.csv'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(p.stdout.trim().split('\n'), ['prediction', 'Yes', 'No']);
});

test('without --count the Freq column is named as a frequency table\'s counts, with --count Freq offered; cv --count scores folds of the 2,201 rows', () => {
  const dry = runCli(bin, ['train', 'titanic.csv', '--target', 'Survived', '--dry-run'], dir);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Freq: counts \(0…670\) beside categorical columns only.*--count Freq reads each row as many times, or --ignore Freq/);
  const cv = runCli(bin, ['cv', 'titanic.csv', '--count', 'Freq', '--folds', '4', '--json'], dir);
  assert.equal(cv.code, 0, cv.stderr);
  const done = cv.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; folds?: { rows: number; accuracy: number }[]; mean?: { accuracy: number } }).find((e) => e.event === 'cv')!;
  assert.deepEqual(done.folds!.map((f) => f.rows).reduce((a, b) => a + b, 0), 2201);
  assert.ok(done.mean!.accuracy >= 0.77, `mean accuracy ${done.mean!.accuracy}`);
});

test('--count is refused with --stream, naming why and what to do', () => {
  const r = runCli(bin, ['train', 'titanic.csv', '--count', 'Freq', '--stream', '--out', 's.bpm'], dir);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--count Freq is not available when the file is streamed .*read the file whole with --no-stream/);
});

test('evaluate reads the counts of a file with the count column the model was trained with (said in one line), or --count; a file without it is scored row by row', () => {
  const t = runCli(bin, ['train', 'titanic.csv', '--count', 'Freq', '--out', 'eval.bpm', '--epochs', '5'], dir);
  assert.equal(t.code, 0, t.stderr);
  const e = runCli(bin, ['evaluate', 'eval.bpm', 'titanic.csv', '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  const events = e.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; rows?: number; records?: number; column?: string });
  assert.deepEqual(events.find((v) => v.event === 'counts'), { event: 'counts', column: 'Freq', records: 32, rows: 2201 });
  const text = runCli(bin, ['evaluate', 'eval.bpm', 'titanic.csv'], dir);
  assert.match(text.stdout, /^Counts {2}Freq: 32 records read as 2,201 rows \(each as many times as its count, as the model was trained\)$/m);
  // The passengers one per row (no Freq column): each row once, nothing said.
  writeFileSync(join(dir, 'plain.csv'), 'Class,Sex,Age,Survived\n1st,Female,Adult,Yes\n3rd,Male,Adult,No\n3rd,Male,Adult,Yes\n');
  const plain = runCli(bin, ['evaluate', 'eval.bpm', 'plain.csv'], dir);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /^Counts/m);
  assert.match(plain.stdout, /│ accuracy +│ +0\.6667 │/);
});
