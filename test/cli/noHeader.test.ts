// A CSV without a header row (UCI's iris.data): --no-header reads line 1 as a row and names the
// columns 0, 1, …; the model remembers it, so evaluate and predict read such files alike, whole
// or streamed. Without the option the first row is taken as the names, and the table says so.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir, ROOT } from './harness.js';

let bin = '';
const dir = tempDir('noheader');
before(async () => {
  bin = await buildCli();
  // The bundled iris without its header line and quotes, as UCI's iris.data is written.
  const rows = readFileSync(join(ROOT, 'data', 'iris.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.replace(/"/g, ''));
  writeFileSync(join(dir, 'iris.data'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 'train.data'), rows.filter((_, i) => i % 3 !== 2).join('\n') + '\n');
  writeFileSync(join(dir, 'held.data'), rows.filter((_, i) => i % 3 === 2).join('\n') + '\n');
});

test('without --no-header: 149 rows, the first read as names, and a Warning naming --no-header', () => {
  const r = runCli(bin, ['train', 'iris.data', '--dry-run'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Data {4}iris\.data: 149 rows, 4 features, target "setosa"/m);
  assert.match(r.stdout + r.stderr, /line 1 reads like a row of data, not column names: each of the 5 columns' names is one of its own values \(5\.1, 3\.5, 1\.4, 0\.2, setosa\).*--no-header/);
});

test('--no-header: 150 rows, columns 0-4, target "4"; the model learns iris (held-out accuracy ≥ 0.9) and evaluate and predict read headerless files the same way, whole and streamed', () => {
  const r = runCli(bin, ['train', 'train.data', '--no-header', '--epochs', '40', '--out', 'iris.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Data {4}train\.data: 100 rows, 4 features, target "4": 3 classes \(setosa 34, versicolor 33, virginica 33\)$/m);
  assert.match(r.stdout, /^ {8}no header row \(--no-header\): line 1 read as a row, the columns numbered 0 to 4\n {8}numeric \(robustly scaled\): 0, 1, 2, 3$/m);
  assert.doesNotMatch(r.stdout + r.stderr, /reads like a row of data/);
  for (const stream of ['--no-stream', '--stream']) {
    const e = runCli(bin, ['evaluate', 'iris.bpm', 'held.data', '--json', stream], dir);
    assert.equal(e.code, 0, e.stderr);
    const out = JSON.parse(e.stdout.trim().split('\n').at(-1)!) as { rows: number; accuracy: number };
    assert.equal(out.rows, 50, stream);
    assert.ok(out.accuracy >= 0.9, `${stream}: held-out accuracy ${out.accuracy}`);
    const p = runCli(bin, ['predict', 'iris.bpm', 'held.data', stream, '--out', `p${stream}.csv`], dir);
    assert.equal(p.code, 0, p.stderr);
    const lines = readFileSync(join(dir, `p${stream}.csv`), 'utf8').trim().split('\n');
    assert.equal(lines.length, 51, `${stream}: a header and 50 predictions, line 1 of the file among them`);
    assert.equal(lines[1], 'setosa');
  }
});

test('cv and train --stream with --no-header read all 150 rows; --validation-data is read without a header too', () => {
  const cv = runCli(bin, ['cv', 'iris.data', '--no-header', '--folds', '3', '--epochs', '5', '--json'], dir);
  assert.equal(cv.code, 0, cv.stderr);
  const done = cv.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; folds?: { rows: number }[] }).find((e) => e.event === 'cv')!;
  assert.equal(done.folds!.reduce((a, f) => a + f.rows, 0), 150);
  const s = runCli(bin, ['train', 'iris.data', '--no-header', '--stream', '--epochs', '2', '--out', 'streamed.bpm'], dir);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^Data {4}iris\.data: 150 rows, 4 features, target "4"/m);
  const v = runCli(bin, ['train', 'train.data', '--no-header', '--validation-data', 'held.data', '--epochs', '2', '--out', 'v.bpm'], dir);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^Split {3}100 training rows; 50 validation rows from held\.data/m);
});

test('search --no-header: every trial and the refit read 150 rows; the journal and the model keep header: false', () => {
  const r = runCli(bin, ['search', 'iris.data', '--no-header', '--trials', '2', '--epochs', '3', '--jobs', '1', '--journal', 'search.jsonl', '--out', 'searched.bpm', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const study = JSON.parse(readFileSync(join(dir, 'search.jsonl'), 'utf8').split('\n')[0]!) as { fingerprint: { fixed: { preprocessing: { header?: boolean } } } };
  assert.equal(study.fingerprint.fixed.preprocessing.header, false, 'the journal keeps the spec');
  const e = runCli(bin, ['evaluate', 'searched.bpm', 'iris.data', '--json'], dir);
  assert.equal(e.code, 0, e.stderr);
  assert.equal((JSON.parse(e.stdout.trim().split('\n').at(-1)!) as { rows: number }).rows, 150);
});
