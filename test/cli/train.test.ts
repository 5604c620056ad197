import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasets, loadModel } from '../../src/index.js';
import { buildCli, events, runCli, tempDir, ROOT } from './harness.js';

let bin = '';
const dir = tempDir('train');
before(async () => {
  bin = await buildCli();
});

function done(stdout: string): { metrics: { training: Record<string, number>; validation: Record<string, number> | undefined }; epochs: number } {
  const all = events(stdout);
  const last = all[all.length - 1]!;
  assert.equal(last.event, 'done', stdout.slice(-500));
  return last as never;
}

test('backprop train with no data trains on bundled iris, says so, and reaches ≥ 85% validation accuracy', () => {
  const r = runCli(bin, ['train', '--out', 'iris.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^No data file given: training on the bundled "iris" data set \(.*data\/iris\.csv\)\./);
  assert.match(r.stdout, /Data {4}iris \(bundled\): 150 rows, 4 features, target "species": 3 classes \(setosa 50, versicolor 50, virginica 50\)/);
  assert.match(r.stdout, /Split {3}120 training \/ 30 validation rows \(stratified, seed 1\)/);
  assert.match(r.stdout, /Epoch 100\/100 - loss: /);
  const acc = /│ accuracy +│ +([\d.]+) │ +([\d.]+) │/.exec(r.stdout);
  assert.ok(acc, r.stdout.slice(-600));
  assert.ok(Number(acc[2]) >= 0.85, `validation accuracy ${acc[2]}`);
  assert.match(r.stdout, /Model saved to iris\.bpm/);
  assert.doesNotMatch(r.stdout, /\x1b/, 'no terminal control codes when stdout is a pipe (RELIABILITY U2)');
  assert.equal(r.stderr, '');
  const loaded = loadModel(join(dir, 'iris.bpm'));
  assert.deepEqual(loaded.network.classes, ['setosa', 'versicolor', 'virginica']);
  assert.equal(loaded.training?.epoch, 100);
});

test('every bundled set trains through the CLI with the task inferred from its target', () => {
  const expected: Record<string, { task: string; loss: string }> = {
    iris: { task: 'multiclass', loss: 'sparseCategoricalCrossentropy' },
    wine: { task: 'multiclass', loss: 'sparseCategoricalCrossentropy' },
    'breast-cancer': { task: 'binary', loss: 'binaryCrossentropy' },
    digits: { task: 'multiclass', loss: 'sparseCategoricalCrossentropy' },
    'pima-indians-diabetes': { task: 'binary', loss: 'binaryCrossentropy' },
    'diabetes-progression': { task: 'regression', loss: 'mse' },
  };
  for (const name of datasets.bundledNames) {
    const r = runCli(bin, ['train', '--dataset', name, '--epochs', '8', '--json', '--out', `${name}.bpm`], dir);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    const all = events(r.stdout);
    const start = all[0]!;
    assert.equal(start.event, 'start');
    assert.equal(start.task, expected[name]!.task, name);
    assert.equal(start.loss, expected[name]!.loss, name);
    assert.equal(all.filter((e) => e.event === 'epoch').length, 8);
    const d = done(r.stdout);
    assert.equal(d.epochs, 8);
    if (expected[name]!.task === 'regression') assert.ok(Number.isFinite(d.metrics.validation!.r2), name);
    else assert.ok(d.metrics.validation!.accuracy! > 0.5, `${name}: validation accuracy ${d.metrics.validation!.accuracy}`);
  }
});

test('exported synthetic sets train from CSV; predict on the training file reproduces evaluate\'s accuracy', () => {
  let r = runCli(bin, ['datasets', 'export', 'moons', 'moons.csv', '--samples', '300', '--noise', '0.1', '--seed', '4'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote 300 rows of moons to moons\.csv/);
  r = runCli(bin, ['train', 'moons.csv', '--preset', 'small', '--epochs', '150', '--lr', '0.01', '--layers', '16,8', '--out', 'moons.bpm', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(done(r.stdout).metrics.validation!.accuracy! >= 0.95, 'moons learned');

  r = runCli(bin, ['evaluate', 'moons.bpm', 'moons.csv', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const evaluation = events(r.stdout)[0]!;
  assert.equal(evaluation.rows, 300);
  r = runCli(bin, ['predict', 'moons.bpm', 'moons.csv', '--out', 'pred.csv', '--probabilities'], dir);
  assert.equal(r.code, 0, r.stderr);
  const truth = readFileSync(join(dir, 'moons.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[2]);
  const pred = readFileSync(join(dir, 'pred.csv'), 'utf8').trim().split('\n');
  assert.equal(pred[0], 'prediction,p(0),p(1)');
  const rows = pred.slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 300);
  const correct = rows.filter((row, i) => row[0] === truth[i]).length;
  assert.equal(correct / 300, evaluation.accuracy, 'predict agrees with evaluate');
  for (const row of rows) assert.ok(Math.abs(Number(row[1]) + Number(row[2]) - 1) < 1e-6);

  // Human-readable evaluate: a metrics table and per-class precision/recall.
  r = runCli(bin, ['evaluate', 'moons.bpm', 'moons.csv'], dir);
  assert.match(r.stdout, /│ accuracy │/);
  assert.match(r.stdout, /│ class │ rows │ precision │ recall │/);
});

test('a regression set exported to CSV trains; predictions come back in the target\'s units', () => {
  let r = runCli(bin, ['datasets', 'export', 'sine', 'sine.csv', '--samples', '400', '--noise', '0.05'], dir);
  assert.equal(r.code, 0, r.stderr);
  r = runCli(bin, ['train', 'sine.csv', '--preset', 'small', '--epochs', '200', '--lr', '0.01', '--out', 'sine.bpm', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const m = done(r.stdout).metrics;
  assert.ok(m.validation!.r2! > 0.9, `R² ${m.validation!.r2}`);
  r = runCli(bin, ['predict', 'sine.bpm', 'sine.csv'], dir);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'y');
  const xs = readFileSync(join(dir, 'sine.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  let sq = 0;
  lines.slice(1).forEach((l, i) => (sq += (Number(l) - Math.sin(Math.PI * xs[i]!)) ** 2));
  assert.ok(Math.sqrt(sq / xs.length) < 0.2, `RMSE against sin(πx): ${Math.sqrt(sq / xs.length)}`);
});

test('class names, categorical columns, quoted fields, CRLF and a BOM survive train → predict (RELIABILITY C1, V8)', () => {
  const rows = ['\uFEFFcolour,"size, cm",weight,animal'];
  const d = datasets.blobs({ n: 120, seed: 8, noise: 0.3 });
  const names = ['cat', 'dog, large', 'bird "tweety"'];
  d.x.forEach(([a, b], i) => rows.push(`${i % 2 ? 'red' : 'blue'},${a!.toFixed(4)},${b!.toFixed(4)},"${names[d.y[i]!]!.replace(/"/g, '""')}"`));
  writeFileSync(join(dir, 'animals.csv'), `${rows.join('\r\n')}\r\n\r\n`);
  let r = runCli(bin, ['train', 'animals.csv', '--epochs', '60', '--lr', '0.01', '--out', 'animals.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 features \(colour one-hot encoded\), target "animal": 3 classes \(bird "tweety" 40, cat 40, dog, large 40\)/);
  r = runCli(bin, ['predict', 'animals.bpm', 'animals.csv'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n');
  assert.equal(out.length, 121);
  assert.ok(out.includes('"dog, large"') && out.includes('"bird ""tweety"""') && out.includes('cat'), out.slice(0, 5).join(' | '));
  r = runCli(bin, ['summary', 'animals.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /inputs +colour \(categorical: 2\), size, cm, weight/);
  assert.match(r.stdout, /target +animal \(classes: bird "tweety", cat, dog, large\)/);
  assert.match(r.stdout, /Total params: /);
});

test('--json prints only JSON lines; the human table and progress go away', () => {
  const r = runCli(bin, ['train', '--dataset', 'xor', '--epochs', '3', '--json', '--out', 'xor.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  const all = events(r.stdout);
  assert.deepEqual(all.map((e) => e.event), ['start', 'epoch', 'epoch', 'epoch', 'done']);
  assert.deepEqual(Object.keys(all[1]!).slice(0, 4), ['event', 'epoch', 'epochs', 'loss']);
});

test('--resume continues a checkpoint exactly: 3 + 3 epochs equal 6 straight, bit for bit (RELIABILITY T5)', () => {
  const common = ['--dataset', 'spirals', '--dropout', '0.2', '--layers', '16', '--json'];
  assert.equal(runCli(bin, ['train', ...common, '--epochs', '6', '--out', 'straight.bpm'], dir).code, 0);
  assert.equal(runCli(bin, ['train', ...common, '--epochs', '3', '--out', 'half.bpm'], dir).code, 0);
  const r = runCli(bin, ['train', '--resume', 'half.bpm', '--epochs', '6', '--out', 'resumed.bpm', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(events(r.stdout)[0]!.initialEpoch, 3);
  const a = loadModel(join(dir, 'straight.bpm'));
  const b = loadModel(join(dir, 'resumed.bpm'));
  a.network.params().forEach((p, i) => assert.deepEqual(Buffer.from(b.network.params()[i]!.value.buffer), Buffer.from(p.value.buffer), p.name));
  assert.deepEqual(b.training, a.training);
  const again = runCli(bin, ['train', '--resume', 'resumed.bpm', '--epochs', '6'], dir);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /has already trained 6 epochs; ask for more with --epochs/);
});

test('--early-stopping stops when the validation loss stops improving and says so', () => {
  const r = runCli(bin, ['train', '--dataset', 'moons', '--epochs', '500', '--lr', '0.05', '--early-stopping', '3', '--out', 'early.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  const m = /Early stopping after epoch (\d+) \(no improvement for 3 epochs\); weights restored from epoch (\d+)\./.exec(r.stdout);
  assert.ok(m, r.stdout.slice(-400));
  assert.ok(Number(m[1]) < 500 && Number(m[2]) === Number(m[1]) - 3);
});

test('the report is written; npm start\'s bin shim runs the TypeScript sources through tsx', () => {
  const r = runCli(bin, ['train', '--dataset', 'circles', '--epochs', '5', '--report', 'circles.html', '--out', 'c.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Report written to circles\.html/);
  const html = readFileSync(join(dir, 'circles.html'), 'utf8');
  assert.match(html, /<div id="boundary-chart"><\/div>/);
  assert.match(html, /uPlot/);
  assert.doesNotMatch(html, /<script src=|<link /, 'self-contained: no external scripts or stylesheets');
  const shim = runCli(join(ROOT, 'cli', 'backprop.mjs'), ['--version'], dir);
  assert.equal(shim.code, 0, shim.stderr);
  assert.equal(shim.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  assert.ok(existsSync(join(dir, 'c.bpm')));
});

test('the inspect commands are wired: explain and gradcheck read native model files and CSV data', () => {
  let r = runCli(bin, ['explain', 'moons.bpm', '--x', '[[0.5, 0.25]]', '--y', '[1]'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^One step of backpropagation: loss binaryCrossentropy, learning rate η = 0\.01, 1 sample/);
  r = runCli(bin, ['gradcheck', 'moons.bpm', 'moons.csv', '--rows', '8'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASSED: backprop agrees with central differences\./);
  r = runCli(bin, ['explain', 'missing.bpm', '--x', '[[1, 2]]', '--y', '[1]'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^backprop: cannot read model file "missing\.bpm": ENOENT\n$/);
});

test('--checkpoint writes a resumable checkpoint after every epoch (the last one equals the saved model)', () => {
  const r = runCli(bin, ['train', '--dataset', 'blobs', '--epochs', '4', '--checkpoint', 'every.bpm', '--out', 'final.bpm', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const ck = loadModel(join(dir, 'every.bpm'));
  const fin = loadModel(join(dir, 'final.bpm'));
  assert.equal(ck.training!.epoch, 4);
  assert.deepEqual(ck.training, fin.training);
  fin.network.params().forEach((p, i) => assert.deepEqual(Buffer.from(ck.network.params()[i]!.value.buffer), Buffer.from(p.value.buffer)));
  assert.deepEqual(ck.network.session.shuffleOrder, fin.network.session.shuffleOrder);
});
