// The CLI turns options straight into a TrainingSpec (each shared option names its field), saves
// the spec with the model, and --resume rebuilds the run from it with the spec's own checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_SPEC, loadModel, modelFromBytes, modelToBytes, trainingSpec, type JsonObject, type TrainingSpec } from '../../src/index.js';
import { run } from '../../cli/program.js';
import { UsageError } from '../../cli/errors.js';
import { runMetadata, savedRun } from '../../cli/settings.js';
import { specFromFlags, specPartsOfFlags } from '../../cli/sharedOptions.js';
import { ROOT, tempDir } from './harness.js';

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

test('each spec option sets its field; options that are not the spec (paths, output) set none', () => {
  const spec = specFromFlags({
    target: ['y'], categorical: ['c'], numeric: ['n'], ignore: ['i'], keep: ['k'], missing: 'drop', indicator: true, task: 'classification', scale: 'minmax',
    layers: [4, 3], activation: 'tanh', dropout: 0.25, loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd', lr: 0.05,
    epochs: 7, batchSize: 9, validationSplit: 0.3, earlyStopping: 4, seed: 11, classWeight: 'balanced',
    dataset: 'moons', delimiter: ';', samples: 50, noise: 0.1, validationData: 'v.csv', out: 'm.bpm', json: true,
  });
  assert.deepEqual(spec, {
    preprocessing: { task: 'classification', scale: 'minmax', target: ['y'], categorical: ['c'], numeric: ['n'], ignore: ['i'], keep: ['k'], missing: 'drop', indicator: true },
    architecture: { hidden: [4, 3], activation: 'tanh', dropout: 0.25 },
    compile: { optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', learningRate: 0.05 },
    fit: { epochs: 7, batchSize: 9, validationSplit: 0.3, earlyStopping: 4, seed: 11, classWeight: 'balanced' },
  });
  // No options: the library's defaults; --no-early-stopping (false) unsets the base's patience.
  assert.deepEqual(specFromFlags({}), DEFAULT_SPEC);
  assert.equal(specFromFlags({ earlyStopping: false }, trainingSpec({ fit: { earlyStopping: 5 } })).fit.earlyStopping, undefined);
  assert.equal(specFromFlags({ epochs: 9 }, trainingSpec({ fit: { earlyStopping: 5 } })).fit.earlyStopping, 5);
  assert.deepEqual(specPartsOfFlags({ lr: undefined }).compile, {});
});

test('a bad value is a usage error naming the option', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ batchSize: 0 }, /^--batch-size: expected an integer in \[1, /],
    [{ activation: 'rleu' }, /^--activation: unknown activation "rleu"; did you mean "relu"\?/],
    [{ optimizer: 'adan' }, /^--optimizer: unknown optimizer "adan"/],
    [{ classWeight: { a: -1 } }, /^--class-weight: expected a number in \[0, Infinity\], got -1/],
    [{ indicator: 'yes' }, /^--indicator: expected true or false/],
  ];
  for (const [flags, message] of cases) assert.throws(() => specFromFlags(flags), (e: Error) => e instanceof UsageError && message.test(e.message), JSON.stringify(flags));
});

test('train saves the spec and where the rows are; --resume rebuilds the run from them, with more epochs', async () => {
  const dir = tempDir('spec-resume');
  const first = join(dir, 'a.bpm');
  const r = await cli(['train', '--dataset', 'moons', '--samples', '120', '--noise', '0.2', '--layers', '6', '--activation', 'tanh', '--lr', '0.02', '--batch-size', '16', '--epochs', '3', '--no-early-stopping', '--seed', '4', '--out', first]);
  assert.equal(r.code, 0, r.stderr);
  const meta = loadModel(first).metadata;
  assert.deepEqual(Object.keys(meta).sort(), ['baseline', 'data', 'producer', 'spec', 'trainingRows']);
  assert.deepEqual(meta.data, { dataset: 'moons', samples: 120, noise: 0.2 });
  const spec = meta.spec as unknown as TrainingSpec;
  // Commander's defaults are options given too (--missing impute, no --indicator).
  assert.deepEqual(spec, specFromFlags({ missing: 'impute', indicator: false, layers: [6], activation: 'tanh', lr: 0.02, batchSize: 16, epochs: 3, earlyStopping: false, seed: 4 }));
  // Resume: the saved spec holds (layers, lr, batch size, seed, the synthetic rows), --epochs is typed again.
  const second = join(dir, 'b.bpm');
  const again = await cli(['train', '--resume', first, '--epochs', '5', '--layers', '99', '--out', second]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^Data {4}moons \(synthetic, 120 samples\)/m);
  assert.match(again.stdout, /learning rate 0\.02\), batch size 16, 5 epochs;/);
  const resumed = loadModel(second);
  assert.equal(resumed.training?.epoch, 5);
  assert.deepEqual(resumed.metadata.spec, { ...spec, fit: { ...spec.fit, epochs: 5 } } as unknown as JsonObject);
});

test('a saved spec is checked by the spec itself: a bad field names the file and the field', () => {
  const model = loadModel(join(ROOT, 'test', 'cli', 'fixtures', 'iris-main-5-epochs.bpm')).network;
  const good = runMetadata(trainingSpec({ fit: { epochs: 4 } }), { data: 'x.csv' }, 'test');
  const back = modelFromBytes(modelToBytes(model, { metadata: good })).metadata;
  assert.deepEqual(savedRun(back, 'm.bpm'), { spec: trainingSpec({ fit: { epochs: 4 } }), data: { data: 'x.csv' } });
  const spec = good.spec as JsonObject;
  const bad = { ...good, spec: { ...spec, fit: { ...(spec.fit as JsonObject), batchSize: 2.5 } } };
  assert.throws(() => savedRun(bad, 'm.bpm'), (e: Error) => e instanceof UsageError && /^m\.bpm: metadata\.spec\.fit\.batchSize: expected an integer/.test(e.message));
  assert.throws(() => savedRun({ ...good, spec: { ...spec, extra: 1 } }, 'm.bpm'), (e: Error) => e instanceof UsageError && /^m\.bpm: metadata\.spec: .*unknown option "extra"/.test(e.message));
  assert.throws(() => savedRun({ ...good, data: { samples: 'many' } }, 'm.bpm'), (e: Error) => e instanceof UsageError && /^m\.bpm: metadata\.data\.samples: expected a number/.test(e.message));
  assert.throws(() => savedRun({ producer: 'x' }, 'm.bpm'), (e: Error) => e instanceof UsageError && /m\.bpm has no training spec/.test(e.message));
});
