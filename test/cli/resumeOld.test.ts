// A model file written by `backprop train` before the spec redesign (test/cli/fixtures/
// iris-main-5-epochs.bpm: main at efee122, `train data/iris.csv --layers 8 --epochs 5
// --early-stopping 3 --seed 5`) still loads and resumes with the settings it was trained with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, type JsonObject, type TrainingSpec } from '../../src/index.js';
import { run } from '../../cli/program.js';
import { UsageError } from '../../cli/errors.js';
import { legacyRun, savedRun } from '../../cli/settings.js';
import { specFromFlags } from '../../cli/sharedOptions.js';
import { ROOT, tempDir } from './harness.js';

const FIXTURE = join(ROOT, 'test', 'cli', 'fixtures', 'iris-main-5-epochs.bpm');

test('a model file written by the previous train resumes: its epochs, layers and seed carry on', async () => {
  const dir = tempDir('resume-old');
  const file = join(dir, 'old.bpm');
  copyFileSync(FIXTURE, file);
  const before = loadModel(file);
  assert.equal(before.training?.epoch, 5);
  let stdout = '';
  let stderr = '';
  const code = await run(['train', join(ROOT, 'data', 'iris.csv'), '--resume', file, '--epochs', '8', '--out', join(dir, 'more.bpm')], {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Resume {2}from epoch 5$/m);
  const after = loadModel(join(dir, 'more.bpm'));
  assert.ok(after.training!.epoch > 5 && after.training!.epoch <= 8, String(after.training!.epoch));
  assert.equal(after.training!.history!.epoch.length, after.training!.epoch);
  // The resumed file holds the old settings as a TrainingSpec (the old layout is read once, on load).
  assert.equal(after.metadata.train, undefined);
  const { spec, data } = after.metadata as unknown as { spec: TrainingSpec; data: { data?: string } };
  assert.deepEqual([spec.architecture.hidden, spec.fit.seed, spec.fit.earlyStopping, spec.fit.epochs, spec.compile.optimizer], [[8], 5, 3, 8, 'adam']);
  assert.equal(data.data, join(ROOT, 'data', 'iris.csv'));
  assert.equal(after.network.inputUnits, 4);
});

test('the old settings convert once, to the spec the options would give; a bad one names the file and the option', () => {
  const old = loadModel(FIXTURE);
  const run = legacyRun(old.metadata.train!, 'old.bpm');
  assert.deepEqual(run.spec, specFromFlags({ layers: [8], epochs: 5, earlyStopping: 3, seed: 5 }));
  assert.deepEqual(run.data, { data: 'data/iris.csv' });
  assert.deepEqual(savedRun(old.metadata, 'old.bpm'), run);
  const bad = { ...(old.metadata.train as JsonObject), batchSize: 0 };
  assert.throws(() => legacyRun(bad, 'old.bpm'), (e: Error) => e instanceof UsageError && /^old\.bpm: metadata\.train: --batch-size: expected an integer in \[1, /.test(e.message));
  assert.throws(() => legacyRun([1, 2], 'old.bpm'), (e: Error) => e instanceof UsageError && /old\.bpm has no usable training settings/.test(e.message));
});
