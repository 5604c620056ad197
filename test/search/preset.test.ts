// backprop search resolves the training preset as train and cv do: trial 0 is what train trains
// on the same file with the same options (the same spec, and when it wins the same model, weight
// for weight); --preset small is the old network; a journal of another preset is refused naming
// it; under the tabular preset (every row trained on below 500 rows) the held-out rows stay
// unseen, so search and cv agree fold for fold on pure noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, Rng, type TrainingSpec } from '../../src/index.js';
import { run } from '../../cli/program.js';
import { ROOT, tempDir } from '../cli/harness.js';

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

function events(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A search whose one grid point is trial 0 itself: the only trial, so it wins and is refit. */
function onePoint(dir: string): string {
  writeFileSync(join(dir, 'one.json'), JSON.stringify({ dropout: { type: 'categorical', choices: [0] } }));
  return join(dir, 'one.json');
}

const IRIS = join(ROOT, 'data', 'iris.csv');
const PIMA = join(ROOT, 'data', 'pima-indians-diabetes.csv');

test('trial 0 is what train trains on the same file with the same options: the same spec, and as the winner the same model', async () => {
  // iris: 150 rows, tabular trains on every row; pima: 768 rows, tabular keeps the best epoch on 20 % held out; and preset small.
  const cases: { file: string; flags: string[]; expect: Partial<Record<string, unknown>> }[] = [
    { file: IRIS, flags: [], expect: { hidden: [256, 256], epochs: 3, batchSize: 32, scale: 'robust', beta2: 0.95, labelSmoothing: 0.1, validationSplit: 0, keepBest: undefined, earlyStopping: undefined } },
    { file: PIMA, flags: [], expect: { hidden: [256, 256], epochs: 3, batchSize: 32, scale: 'robust', beta2: 0.95, labelSmoothing: 0.1, validationSplit: 0.2, keepBest: true, earlyStopping: 16 } },
    { file: IRIS, flags: ['--preset', 'small'], expect: { hidden: [32, 16], epochs: 3, batchSize: 32, scale: 'standard', beta2: undefined, labelSmoothing: undefined, validationSplit: 0.2, keepBest: undefined, earlyStopping: 10 } },
  ];
  for (const { file, flags, expect } of cases) {
    const dir = tempDir('search-preset');
    const options = ['--epochs', '3', '--seed', '5', ...flags];
    const train = await cli(['train', file, ...options, '--out', join(dir, 'train.bpm'), '--json']);
    assert.equal(train.code, 0, train.stderr);
    const trained = loadModel(join(dir, 'train.bpm'));
    const trainSpec = (trained.metadata as unknown as { spec: TrainingSpec }).spec;
    const s = await cli(['search', file, ...options, '--space', onePoint(dir), '--method', 'grid', '--jobs', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--json']);
    assert.equal(s.code, 0, s.stderr);
    const start = events(s.stdout).find((e) => e.event === 'search') as { spec: TrainingSpec; preset: string; why: string };
    const what = `${file} ${flags.join(' ')}`;
    assert.deepEqual(start.spec, trainSpec, what);
    const spec = start.spec;
    const got = { hidden: spec.architecture.hidden, epochs: spec.fit.epochs, batchSize: spec.fit.batchSize, scale: spec.preprocessing.scale, beta2: spec.compile.beta2, labelSmoothing: spec.compile.labelSmoothing, validationSplit: spec.fit.validationSplit, keepBest: spec.fit.keepBest, earlyStopping: spec.fit.earlyStopping };
    assert.deepEqual(got, expect, what);
    assert.equal(start.preset, flags.length > 0 ? 'small' : 'tabular');
    assert.match(start.why, flags.length > 0 ? /^preset small: / : /^preset tabular for (150|768) rows: /);
    // Trial 0 won (the only trial): the saved model is train's, spec and weights.
    const best = loadModel(join(dir, 'best.bpm'));
    assert.deepEqual((best.metadata as unknown as { spec: TrainingSpec }).spec, trainSpec, what);
    assert.deepEqual(best.network.getWeights(), trained.network.getWeights(), what);
  }
});

test('the Search line names the preset and its why; train --resume continues the search\'s model with its spec', async () => {
  const dir = tempDir('search-preset-line');
  const s = await cli(['search', PIMA, '--epochs', '2', '--seed', '3', '--space', onePoint(dir), '--method', 'grid', '--jobs', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm')]);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^Search {2}grid, all trials of dropout \(trial 0: what train trains with these options, layers 256,256, robust scaling, 2 epochs, batch 32\); validation split 0\.2; each trial keeps its epoch of lowest loss on 20 % of the other rows, stopping 16 epochs after it; metric loss/m);
  assert.match(s.stdout, /^ {8}preset tabular for 768 rows: 64 epochs, batch 32, the epoch of lowest validation loss kept, stopping 16 epochs after it \(20 % held out\); typed options win: --epochs 2$/m);
  assert.doesNotMatch(s.stdout, /not the tabular preset/);
  assert.match(s.stdout, /^Model {3}the default configuration trained as train does: 614 of the 768 rows, 154 held out for its best epoch \(2 epochs\), saved to /m);
  const saved = (loadModel(join(dir, 'best.bpm')).metadata as unknown as { spec: TrainingSpec }).spec;
  const resumed = await cli(['train', '--resume', join(dir, 'best.bpm'), '--epochs', '4', '--out', join(dir, 'more.bpm')]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const more = loadModel(join(dir, 'more.bpm'));
  assert.deepEqual((more.metadata as unknown as { spec: TrainingSpec }).spec, { ...saved, fit: { ...saved.fit, epochs: 4 } });
  assert.equal(more.training?.epoch, 4);
});

test('a journal of another preset, or from before presets, is refused naming the preset first', async () => {
  const dir = tempDir('search-preset-journal');
  const args = ['search', IRIS, '--epochs', '2', '--seed', '2', '--method', 'random', '--trials', '1', '--jobs', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm')];
  const small = await cli([...args, '--preset', 'small']);
  assert.equal(small.code, 0, small.stderr);
  const tabular = await cli(args);
  assert.equal(tabular.code, 1);
  assert.match(tabular.stderr, /^backprop: journal ".*s\.jsonl" belongs to another search: preset: was "small", now "tabular"; fixed\.preprocessing\.scale: was "standard", now "robust"; fixed\.architecture\.hidden: was \[32,16\], now \[256,256\]; and \d+ more; give another journal file, or remove it to start afresh$/m);
  // A journal written before search resolved a preset has none in its fingerprint.
  const lines = readFileSync(join(dir, 's.jsonl'), 'utf8').trim().split('\n');
  const header = JSON.parse(lines[0]!) as { fingerprint: Record<string, unknown> };
  delete header.fingerprint.preset;
  writeFileSync(join(dir, 's.jsonl'), [JSON.stringify(header), ...lines.slice(1)].join('\n') + '\n');
  const old = await cli([...args, '--preset', 'small']);
  assert.equal(old.code, 1);
  assert.match(old.stderr, /belongs to another search: preset: was not set, now "small";/);
});

test('under the tabular preset the held-out rows stay unseen: search --cv and cv agree fold for fold on pure noise, near chance', async () => {
  const dir = tempDir('search-preset-noise');
  const rng = new Rng(19);
  // 200 rows of 10 uniform features and a random label: nothing to learn; tabular trains on every row (no split to watch).
  const rows = Array.from({ length: 200 }, () => [...Array.from({ length: 10 }, () => rng.uniform().toFixed(5)), rng.uniform() < 0.5 ? 'a' : 'b'].join(','));
  writeFileSync(join(dir, 'noise.csv'), [[...Array.from({ length: 10 }, (_, j) => `x${j}`), 'label'].join(','), ...rows].join('\n') + '\n');
  const settings = ['--epochs', '8', '--seed', '7'];
  const cv = await cli(['cv', join(dir, 'noise.csv'), '--folds', '5', ...settings, '--json']);
  assert.equal(cv.code, 0, cv.stderr);
  const folds = events(cv.stdout).filter((e) => e.event === 'fold').map((e) => e.accuracy as number);
  const s = await cli(['search', join(dir, 'noise.csv'), '--cv', '5', '--space', onePoint(dir), '--method', 'grid', '--metric', 'accuracy', ...settings, '--jobs', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--json']);
  assert.equal(s.code, 0, s.stderr);
  const start = events(s.stdout).find((e) => e.event === 'search') as { spec: TrainingSpec };
  assert.deepEqual([start.spec.fit.validationSplit, start.spec.fit.earlyStopping, start.spec.fit.keepBest], [0, undefined, undefined], 'every row of each part trained on');
  const row = JSON.parse(readFileSync(join(dir, 's-results.jsonl'), 'utf8').trim()) as Record<string, number>;
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => row[`split${k}_value`]), folds);
  assert.equal(row.held_out_rows, 40);
  const mean = folds.reduce((a, b) => a + b, 0) / 5;
  assert.ok(mean >= 0.35 && mean <= 0.65, `accuracy ${mean} on noise`);
});

test('a pruner watches validation rows: under the tabular preset on a small file it gets a 20 % split of each part\'s training rows, and says so', async () => {
  const dir = tempDir('search-preset-pruner');
  const s = await cli(['search', IRIS, '--epochs', '3', '--pruner', 'median', '--method', 'random', '--trials', '2', '--jobs', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--json']);
  assert.equal(s.code, 0, s.stderr);
  const start = events(s.stdout).find((e) => e.event === 'search') as { spec: TrainingSpec; why: string; scoring: { validationSplit: number } };
  assert.equal(start.spec.fit.validationSplit, 0.2);
  assert.equal(start.scoring.validationSplit, 0.2);
  assert.match(start.why, /--pruner watches validation rows: 20 % held out/);
  // The pruner heard the first part's inner-validation loss after each epoch but the last (without the split it would hear none).
  const reports = readFileSync(join(dir, 's.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; number: number }).filter((l) => l.type === 'report');
  assert.deepEqual([0, 1].map((n) => reports.filter((r) => r.number === n).length), [2, 2]);
});
