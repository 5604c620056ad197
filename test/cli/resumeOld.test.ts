// A model file written by `backprop train` before the spec redesign (test/cli/fixtures/
// iris-main-5-epochs.bpm: main at efee122, `train data/iris.csv --layers 8 --epochs 5
// --early-stopping 3 --seed 5`) still loads and resumes with the settings it was trained with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../src/index.js';
import { run } from '../../cli/program.js';
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
  const train = after.metadata.train as { layers: number[]; seed: number; earlyStopping: number };
  assert.deepEqual([train.layers, train.seed, train.earlyStopping], [[8], 5, 3]);
  assert.equal(after.model.inputUnits, 4);
});
