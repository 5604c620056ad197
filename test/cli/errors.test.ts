import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir, type CliResult } from './harness.js';
import { forge, split } from '../io/helpers.js';

let bin = '';
const dir = tempDir('errors');
const file = (name: string, text: string) => writeFileSync(join(dir, name), text);

before(async () => {
  bin = await buildCli();
  file('good.csv', 'a,b,label\n1,2,x\n2,3,y\n3,1,x\n4,4,y\n5,2,x\n6,6,y\n');
  const r = runCli(bin, ['train', 'good.csv', '--epochs', '2', '--out', 'good.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
});

/** One line on stderr, no stack trace, nothing on stdout (RELIABILITY U1 and the exit codes). */
function fails(r: CliResult, code: number, ...patterns: RegExp[]): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^backprop: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  for (const p of patterns) assert.match(lines[0]!, p);
}

test('usage errors exit 2 with a hint: unknown command or option, bad numbers, missing files (U1)', () => {
  fails(runCli(bin, ['trian'], dir), 2, /unknown command 'trian'/, /Did you mean train\?/);
  fails(runCli(bin, ['train', '--epoch', '5'], dir), 2, /unknown option '--epoch'/, /Did you mean --epochs\?/, /see "backprop train --help"/);
  fails(runCli(bin, ['train', '--epochs', 'abc'], dir), 2, /option '--epochs <n>' argument 'abc' is invalid\. expected an integer ≥ 1, got "abc"/);
  fails(runCli(bin, ['train', '--epochs', '1.5'], dir), 2, /expected an integer ≥ 1, got "1\.5"/);
  fails(runCli(bin, ['train', '--lr', '-1'], dir), 2, /expected a number in \(0, Infinity\), got "-1"/);
  fails(runCli(bin, ['train', '--validation-split', '1'], dir), 2, /\[0, 1\)/);
  fails(runCli(bin, ['train', '--layers', '64,x'], dir), 2, /expected layer sizes like 64,32/);
  fails(runCli(bin, ['train', '--task', 'clustering'], dir), 2, /Allowed choices are auto, classification, regression/);
  fails(runCli(bin, ['train', 'missing.csv'], dir), 2, /data file "missing\.csv" does not exist \(check the path\)/);
  fails(runCli(bin, ['evaluate', 'nothing.bpm', 'good.csv'], dir), 2, /model file "nothing\.bpm" does not exist/);
  fails(runCli(bin, ['evaluate', 'good.bpm'], dir), 2, /missing required argument 'data'/);
  fails(runCli(bin, ['train', '--dataset', 'mons'], dir), 2, /unknown data set "mons"/);
  fails(runCli(bin, ['train', 'good.csv', '--activation', 'rleu'], dir), 2, /unknown activation "rleu"/, /known: linear/);
  fails(runCli(bin, ['train', 'good.csv', '--optimizer', 'adma'], dir), 2, /unknown optimizer "adma"/);
  fails(runCli(bin, ['train', 'good.csv', '--loss', 'mse', '--task', 'regression'], dir), 1, /"x" is not a number; a regression target must be numeric/);
  fails(runCli(bin, ['train', '--dataset', 'sine', '--loss', 'binaryCrossentropy'], dir), 2, /loss binaryCrossentropy is for classification/);
});

test('bad data exits 1 naming file, line and column: ragged rows, text, blanks, NaN, 1e999 (C2, C3)', () => {
  // Text in a column asked to be numeric, and missing cells under --missing error (by default they are filled in).
  const cases: [string, RegExp, string[]][] = [
    ['a,b,label\n1,2,x\n3,y\n', /bad\.csv line 3: expected 3 fields \(as the header\), got 2/, []],
    ['a,b,label\n1,2,x\n3,4,5,y\n', /bad\.csv line 3: expected 3 fields \(as the header\), got 4/, []],
    ['a,b,label\n1,2,x\n3,abc,y\n', /bad\.csv line 3, column 2 \("b"\): "abc" is not a number/, ['--numeric', 'b']],
    ['a,b,label\n1,2,x\n3,,y\n', /bad\.csv line 3, column 2 \("b"\): is blank/, ['--missing', 'error']],
    ['a,b,label\n1,2,x\n3,NaN,y\n', /bad\.csv line 3, column 2 \("b"\): is "NaN"/, ['--missing', 'error']],
    ['a,b,label\n1,2,x\n3,1e999,y\n', /bad\.csv line 3, column 2 \("b"\): "1e999" overflows to Infinity/, []],
    ['a,b,label\n1,2,x\n"3,4,y\n', /bad\.csv line \d+: Quote Not Closed/, []],
  ];
  for (const [text, pattern, extra] of cases) {
    file('bad.csv', text);
    fails(runCli(bin, ['train', 'bad.csv', ...extra], dir), 1, pattern);
  }
});

test('empty file, header only, duplicate headers, missing target, one class, continuous classes (C4, V7, V9)', () => {
  file('empty.csv', '');
  fails(runCli(bin, ['train', 'empty.csv'], dir), 1, /empty\.csv is empty: expected a header row and at least one data row/);
  file('header.csv', 'a,b,label\n');
  fails(runCli(bin, ['train', 'header.csv'], dir), 1, /header\.csv has a header but no data rows/);
  file('dup.csv', 'a,a,label\n1,2,x\n');
  fails(runCli(bin, ['train', 'dup.csv'], dir), 1, /duplicate column name "a" \(columns 1 and 2\)/);
  fails(runCli(bin, ['train', 'good.csv', '--target', 'lable'], dir), 1, /no target column "lable"; did you mean "label"\? Columns are: a, b, label/);
  file('one.csv', 'a,label\n1,x\n2,x\n3,x\n');
  fails(runCli(bin, ['train', 'one.csv'], dir), 1, /every row has the class "x"; a classifier needs at least two classes/);
  file('cont.csv', 'a,y\n1,0.5\n2,1.25\n3,2.5\n');
  fails(runCli(bin, ['train', 'cont.csv', '--task', 'classification'], dir), 1, /continuous target/, /train a regressor instead/);
});

test('a prediction file whose columns differ from the training ones (C4, V6)', () => {
  file('other.csv', 'a,c,label\n1,2,x\n');
  fails(runCli(bin, ['predict', 'good.bpm', 'other.csv'], dir), 1, /column "b" used to train the model is missing; the model expects a, b; the file has a, c, label/);
  file('nolabel.csv', 'b,a\n1,2\n');
  const ok = runCli(bin, ['predict', 'good.bpm', 'nolabel.csv'], dir);
  assert.equal(ok.code, 0, 'columns are found by name, the target may be absent');
  fails(runCli(bin, ['evaluate', 'good.bpm', 'nolabel.csv'], dir), 1, /no target column "label"/);
  file('newlabel.csv', 'a,b,label\n1,2,z\n');
  fails(runCli(bin, ['evaluate', 'good.bpm', 'newlabel.csv'], dir), 1, /label "z" is not one of the model's classes \(x, y\)/);
  assert.equal(runCli(bin, ['predict', 'good.bpm', 'newlabel.csv'], dir).code, 0, 'predict ignores the labels of the file');
});

test('corrupt, truncated and hostile model files exit 1 with the reason; a truncated checkpoint is never trained from (L1, L6, T6)', () => {
  const good = readFileSync(join(dir, 'good.bpm'));
  writeFileSync(join(dir, 'trunc.bpm'), good.subarray(0, good.length - 10));
  fails(runCli(bin, ['evaluate', 'trunc.bpm', 'good.csv'], dir), 1, /trunc\.bpm: .*truncated/);
  fails(runCli(bin, ['train', '--resume', 'trunc.bpm', '--epochs', '5'], dir), 1, /trunc\.bpm: .*truncated/);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 1]! ^= 1;
  writeFileSync(join(dir, 'flip.bpm'), flipped);
  fails(runCli(bin, ['summary', 'flip.bpm'], dir), 1, /corrupt: checksum/);
  writeFileSync(join(dir, 'text.bpm'), 'hello');
  fails(runCli(bin, ['predict', 'text.bpm', 'good.csv'], dir), 1, /not a backprop model file/);
  const hostile = Buffer.from(good);
  const at = hostile.indexOf('"Dense"');
  hostile.write('"Lambd"', at);
  writeFileSync(join(dir, 'hostile.bpm'), hostile);
  fails(runCli(bin, ['summary', 'hostile.bpm'], dir), 1, /hostile\.bpm: model file is corrupt: checksum/);
  const { header, data } = split(new Uint8Array(good));
  (header.model as { layers: { className: string }[] }).layers[0]!.className = 'Lambda';
  writeFileSync(join(dir, 'lambda.bpm'), forge(header, data));
  fails(runCli(bin, ['evaluate', 'lambda.bpm', 'good.csv'], dir), 1, /lambda\.bpm: model file header\.model\.layers\[0\]: unknown layer class "Lambda"/);
});

test('--debug adds the stack trace; --help and --version exit 0', () => {
  const r = runCli(bin, ['--debug', 'train', 'empty.csv'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^backprop: empty\.csv is empty/);
  assert.match(r.stderr, /\n\s+at /);
  const help = runCli(bin, ['train', '--help'], dir);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--early-stopping <patience>/);
  assert.equal(runCli(bin, ['--version'], dir).code, 0);
});
