// A gzip-compressed CSV is read through gunzip, as pandas' read_csv reads data.csv.gz: train,
// cv, search, evaluate and predict give what the uncompressed file gives, whole and streamed;
// a file cut short or corrupt is one clear error naming it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { countTextLines, textHead, textSize } from '../../cli/textFile.js';
import { buildCli, outputOf, runCli, tempDir, ROOT } from './harness.js';

let bin = '';
const dir = tempDir('gzip');
before(async () => {
  bin = await buildCli();
  // The wine table with a semicolon delimiter, so the sniffing reads the decompressed text.
  const text = readFileSync(join(ROOT, 'data', 'wine.csv'), 'utf8').replace(/,/g, ';');
  writeFileSync(join(dir, 'wine.csv'), text);
  const gz = gzipSync(text);
  // Named without .gz: the first bytes say what it is.
  writeFileSync(join(dir, 'wine.data'), gz);
  writeFileSync(join(dir, 'wine.csv.gz'), gz);
  writeFileSync(join(dir, 'cut.csv.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  const corrupt = Buffer.from(gz);
  for (let i = 40; i < 60; i++) corrupt[i] = corrupt[i]! ^ 0x5a;
  writeFileSync(join(dir, 'corrupt.csv.gz'), corrupt);
});

test('the text of a gzip file: its size from the trailer (for the choice to stream), its lines, its head', async () => {
  const text = readFileSync(join(dir, 'wine.csv'));
  const gz = join(dir, 'wine.csv.gz');
  assert.equal(textSize(gz), text.length);
  assert.equal(textSize(join(dir, 'wine.csv')), text.length);
  assert.equal(await countTextLines(gz), text.toString('utf8').split('\n').length);
  assert.deepEqual(textHead(gz, 100), text.subarray(0, 100));
  assert.deepEqual(textHead(join(dir, 'cut.csv.gz'), 64), text.subarray(0, 64), 'the head of a file cut short still reads');
});


test('train, evaluate and predict on a .gz give the bits of the plain file, whole and streamed', () => {
  const plain = runCli(bin, ['train', 'wine.csv', '--epochs', '5', '--out', 'plain.bpm'], dir);
  assert.equal(plain.code, 0, plain.stderr);
  for (const name of ['wine.csv.gz', 'wine.data']) {
    const gz = runCli(bin, ['train', name, '--epochs', '5', '--out', 'gz.bpm'], dir);
    assert.equal(gz.code, 0, gz.stderr);
    assert.equal(outputOf(gz.stdout, name), outputOf(plain.stdout, 'wine.csv').replace('plain.bpm', 'gz.bpm'), name);
    assert.match(gz.stdout, /^Data {4}\S+: 178 rows, 13 features, target "cultivar": 3 classes/m);
  }
  const predictPlain = runCli(bin, ['predict', 'plain.bpm', 'wine.csv'], dir);
  const predictGz = runCli(bin, ['predict', 'plain.bpm', 'wine.csv.gz'], dir);
  assert.equal(predictGz.code, 0, predictGz.stderr);
  assert.equal(predictGz.stdout, predictPlain.stdout);
  assert.equal(predictGz.stdout.trim().split('\n').length, 179, 'a header and 178 predictions');
  const evaluateGz = runCli(bin, ['evaluate', 'plain.bpm', 'wine.csv.gz'], dir);
  assert.equal(evaluateGz.code, 0, evaluateGz.stderr);
  assert.equal(outputOf(evaluateGz.stdout, 'wine.csv.gz'), outputOf(runCli(bin, ['evaluate', 'plain.bpm', 'wine.csv'], dir).stdout, 'wine.csv'));
  // Streamed (the bounded-memory path: pass 1 counts the lines through gunzip, then reads blocks).
  const streamPlain = runCli(bin, ['train', 'wine.csv', '--stream', '--epochs', '3', '--out', 'sp.bpm', '--json'], dir);
  const streamGz = runCli(bin, ['train', 'wine.csv.gz', '--stream', '--epochs', '3', '--out', 'sg.bpm', '--json'], dir);
  assert.equal(streamGz.code, 0, streamGz.stderr);
  const losses = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as { event: string; loss?: number }).filter((e) => e.event === 'epoch').map((e) => e.loss);
  assert.equal(losses(streamGz.stdout).length, 3);
  assert.deepEqual(losses(streamGz.stdout), losses(streamPlain.stdout));
  const evaluateStream = runCli(bin, ['evaluate', 'plain.bpm', 'wine.csv.gz', '--stream'], dir);
  assert.equal(evaluateStream.code, 0, evaluateStream.stderr);
  assert.match(evaluateStream.stdout, /accuracy/);
});

test('cv and search read a .gz as the plain file', () => {
  const cv = (name: string) => runCli(bin, ['cv', name, '--folds', '3', '--epochs', '3', '--json'], dir);
  const scores = (out: string) => (out.trim().split('\n').map((l) => JSON.parse(l) as { event: string; mean?: unknown }).find((e) => e.event === 'cv')!).mean;
  const gz = cv('wine.csv.gz');
  assert.equal(gz.code, 0, gz.stderr);
  assert.deepEqual(scores(gz.stdout), scores(cv('wine.csv').stdout));
  const search = runCli(bin, ['search', 'wine.csv.gz', '--trials', '2', '--epochs', '2', '--jobs', '1', '--journal', 's.jsonl', '--out', 's.bpm'], dir);
  assert.equal(search.code, 0, search.stderr);
  assert.match(search.stdout, /trained on all 178 rows/);
});

test('a .gz cut short or corrupt is one error naming the file, not a stack trace', () => {
  const cut = runCli(bin, ['train', 'cut.csv.gz', '--epochs', '1'], dir);
  assert.equal(cut.code, 1, cut.stdout + cut.stderr);
  assert.match(cut.stderr, /^backprop: cannot read cut\.csv\.gz: the file is gzip-compressed and it ends before its compressed data does \(cut short\?\)\n$/);
  const corrupt = runCli(bin, ['train', 'corrupt.csv.gz', '--epochs', '1'], dir);
  assert.equal(corrupt.code, 1, corrupt.stdout + corrupt.stderr);
  assert.match(corrupt.stderr, /^backprop: (cannot read corrupt\.csv\.gz: the file is gzip-compressed and its compressed data is corrupt \(.+\)|corrupt\.csv\.gz.*)\n$/);
  assert.doesNotMatch(corrupt.stderr, /\n\s+at /, 'no stack trace');
});
