// What a second new user saw on R tables (penguins, airquality, swiss), as CLI output with its numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir } from './harness.js';
import { imbalanceOf } from '../../cli/baseline.js';
import { classTable } from '../../cli/evaluation.js';

const binPromise = buildCli();

/** 90 rows of three well separated species, by two measurements. */
function penguins(): string {
  const rows = Array.from({ length: 90 }, (_, i) => {
    const k = i % 3;
    return `${(35 + 8 * k + (i % 5) * 0.3).toFixed(1)},${(19 - 2 * k + (i % 7) * 0.1).toFixed(1)},${['Adelie', 'Chinstrap', 'Gentoo'][k]}`;
  });
  return ['bill_length,bill_depth,species', ...rows].join('\n') + '\n';
}

test('evaluate on a file of one class: no "learnt nothing" verdict from a tie with the majority, no "imbalanced" line for the absent classes', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep2-oneclass');
  writeFileSync(join(dir, 'p.csv'), penguins());
  const t = runCli(bin, ['train', 'p.csv', '--epochs', '2', '--out', 'p.bpm'], dir);
  assert.equal(t.code, 0, t.stderr);
  // Two Adelie rows, the majority class of training (ties go to the first class).
  writeFileSync(join(dir, 'adelie.csv'), 'bill_length,bill_depth,species\n35.0,19.0,Adelie\n35.6,19.3,Adelie\n');
  const e = runCli(bin, ['evaluate', 'p.bpm', 'adelie.csv'], dir);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /\nBaseline: always answering "Adelie" scores accuracy 1\.0000 on the rows of this file; the model scores (0\.0000|0\.5000|1\.0000)\. The rows of this file hold one class only, so this comparison cannot tell whether the model learnt anything \(its accuracy is its recall of that class\): score it on rows of every class\.\n/, e.stdout);
  assert.doesNotMatch(e.stdout, /learnt nothing|Imbalanced|0\.00 %/);
});

test('the smallest class of the rows is the smallest one present: a class the file lacks is not "0.00 % of the rows"', () => {
  const classes = ['Adelie', 'Chinstrap', 'Gentoo'];
  assert.equal(imbalanceOf(classes, [2, 0, 0]), undefined);
  assert.equal(imbalanceOf(classes, [50, 0, 50]), undefined);
  assert.deepEqual(imbalanceOf(classes, [90, 0, 10]), { label: 'Gentoo', share: 0.1 });
  assert.deepEqual(imbalanceOf(classes, [60, 5, 35]), { label: 'Chinstrap', share: 0.05 });
});

test('evaluate\'s class table: a class never predicted has recall 0 only when the file holds it', () => {
  const row = (c: string, rows: number, precision: number, recall: number) => ({ class: c, rows, precision, recall });
  assert.deepEqual(classTable([row('Adelie', 2, 1, 1), row('Chinstrap', 0, NaN, NaN), row('Gentoo', 0, NaN, NaN)]).notes, [
    'Precision —: the model predicts "Chinstrap", "Gentoo" for no row, so there is no precision to give.',
    'Recall —: no row of the file is "Chinstrap", "Gentoo".',
  ]);
  assert.deepEqual(classTable([row('Adelie', 2, 0.5, 1), row('Chinstrap', 2, NaN, 0), row('Gentoo', 0, NaN, NaN)]).notes[0], 'Precision —: the model predicts "Chinstrap", "Gentoo" for no row, so there is no precision to give (recall 0 for "Chinstrap").');
  assert.deepEqual(classTable([row('Adelie', 2, 0.5, 1), row('Chinstrap', 2, NaN, 0)]).notes, ['Precision —: the model predicts "Chinstrap" for no row, so there is no precision to give (its recall is 0).']);
});

test('train without validation rows (under 500 rows) at the epoch limit with the loss still falling says so once, in the verdict', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep2-falling');
  // swiss-like: 47 rows of a smooth regression, too few epochs to converge.
  const rows = Array.from({ length: 47 }, (_, i) => `${(i * 1.7) % 40},${(i * 3.1) % 25},${(60 + 0.5 * ((i * 1.7) % 40) - 0.8 * ((i * 3.1) % 25)).toFixed(2)}`);
  writeFileSync(join(dir, 'swiss.csv'), ['Agriculture,Education,Fertility', ...rows].join('\n') + '\n');
  const t = runCli(bin, ['train', 'swiss.csv', '--epochs', '8', '--out', 's.bpm'], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /Split {3}47 training \/ 0 validation rows/);
  assert.match(t.stdout, /\nStill improving: the training loss fell from [\d.]+ to [\d.]+ over the last \d+ epochs; more --epochs may help\.\n/, t.stdout);
  assert.doesNotMatch(t.stdout, /Maximum epochs/);
});

test('modeldata::Chicago: a random split of a dated table says the validation rows are dated among the training rows, and names --split time', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep2-dates');
  // 120 days of a weekly ridership pattern with a trend.
  const day = (i: number) => new Date(Date.UTC(2001, 0, 22 + i)).toISOString().slice(0, 10);
  const rows = Array.from({ length: 120 }, (_, i) => `${(i * 7) % 13},${(10 + (i % 7 < 5 ? 5 : 0) + i * 0.01).toFixed(2)},${day(i)}`);
  writeFileSync(join(dir, 'chicago.csv'), ['temp,ridership,date', ...rows].join('\n') + '\n');
  const hint = '\n        "date" holds dates: a random split validates on rows dated among the training rows, optimistic for a forecast; --split time:date validates on the latest rows\n';
  const dry = runCli(bin, ['train', 'chicago.csv', '--target', 'ridership', '--validation-split', '0.2', '--dry-run'], dir);
  assert.equal(dry.code, 0, dry.stderr);
  assert.ok(dry.stdout.includes(`Split   validation on a random 20 % of the rows (seed 1)${hint}`), dry.stdout);
  const t = runCli(bin, ['train', 'chicago.csv', '--target', 'ridership', '--validation-split', '0.2', '--epochs', '1', '--out', 'c.bpm'], dir);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /\nSplit {3}96 training \/ 24 validation rows \(seed 1\); [^\n]*\n {8}"date" holds dates: a random split validates on rows dated among the training rows/);
  // Split by time, or no validation rows (the preset under 500 rows), or no date column: no hint.
  const timed = runCli(bin, ['train', 'chicago.csv', '--target', 'ridership', '--split', 'time:date', '--validation-split', '0.2', '--dry-run'], dir);
  assert.doesNotMatch(timed.stdout, /holds dates/);
  assert.doesNotMatch(runCli(bin, ['train', 'chicago.csv', '--target', 'ridership', '--dry-run'], dir).stdout, /holds dates/);
  assert.doesNotMatch(runCli(bin, ['train', 'chicago.csv', '--target', 'ridership', '--ignore', 'date', '--validation-split', '0.2', '--dry-run'], dir).stdout, /holds dates/);
});

test('summary of an exported model says the ONNX or TensorFlow.js file holds no optimiser or epochs, instead of "sgd, 0 steps taken, 0 epochs trained"', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep2-summary');
  writeFileSync(join(dir, 'p.csv'), penguins());
  assert.equal(runCli(bin, ['train', 'p.csv', '--epochs', '3', '--no-embedding', '--out', 'p.bpm'], dir).code, 0);
  assert.equal(runCli(bin, ['export', 'p.bpm', '--out', 'p.onnx'], dir).code, 0);
  assert.equal(runCli(bin, ['export', 'p.bpm', '--out', 'tf/model.json'], dir).code, 0);
  const native = runCli(bin, ['summary', 'p.bpm'], dir).stdout;
  assert.match(native, /\nfile {12}p\.bpm \(format version 1; this backprop writes 1\)\n/);
  assert.match(native, /\noptimizer {7}adam, learning rate [\d.e-]+, 9 steps taken\nepochs trained {2}3\n/);
  const onnx = runCli(bin, ['summary', 'p.onnx'], dir);
  assert.equal(onnx.code, 0, onnx.stderr);
  assert.match(onnx.stdout, /\nfile {12}p\.onnx \(ONNX, IR version 8\)\n/);
  assert.match(onnx.stdout, /\noptimizer {7}— \(not in an ONNX file\)\nepochs trained {2}— \(not in an ONNX file\)\n/);
  const tfjs = runCli(bin, ['summary', 'tf/model.json'], dir);
  assert.equal(tfjs.code, 0, tfjs.stderr);
  assert.match(tfjs.stdout, /\nfile {12}tf\/model\.json \(TensorFlow\.js Layers model\)\n/);
  assert.match(tfjs.stdout, /\noptimizer {7}— \(not in a TensorFlow\.js file\)\nepochs trained {2}— \(not in a TensorFlow\.js file\)\n/);
  const json = JSON.parse(runCli(bin, ['summary', 'p.onnx', '--json'], dir).stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  assert.equal(json.optimizer, null);
  assert.equal(json.epochs, null);
});
