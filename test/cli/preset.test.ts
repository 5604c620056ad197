// cli/preset.ts: the preset resolved for the table read, under the options the user typed (and
// only those: a default left alone never overrides the preset).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromRecords, type Table } from '../../src/index.js';
import { presetOf, specWithPreset } from '../../cli/preset.js';
import { UsageError } from '../../cli/errors.js';

/** Commander's parse of `train data.csv` with nothing typed: every option at its default. */
const DEFAULTS = { task: 'auto', layers: [32, 16], activation: 'relu', dropout: 0, optimizer: 'adam', epochs: 100, batchSize: 32, validationSplit: 0.2, earlyStopping: 10, scale: 'standard', seed: 1, missing: 'impute', unknown: 'ignore', indicator: false };

function table(rows: number, classes: boolean): Table {
  const records = [['x', 'z', 'y'], ...Array.from({ length: rows }, (_, i) => [String(i % 7), String((i * 3) % 11), classes ? (i % 2 ? 'a' : 'b') : String(i * 0.5)])];
  return tableFromRecords(records, { source: 't.csv' });
}

test('presetOf: tabular for a CSV file, small for a bundled or synthetic set, the one asked for otherwise', () => {
  assert.equal(presetOf(undefined, { data: 'x.csv' }), 'tabular');
  assert.equal(presetOf(undefined, { dataset: 'iris' }), 'small');
  assert.equal(presetOf('small', { data: 'x.csv' }), 'small');
});

test('the preset fills every option left at its default; a typed option wins and the why line names it with its value', () => {
  const { spec, why } = specWithPreset('tabular', DEFAULTS, new Set(), table(1000, true));
  assert.deepEqual(spec.architecture.hidden, [256, 256]);
  assert.equal(spec.preprocessing.scale, 'robust');
  assert.deepEqual([spec.fit.epochs, spec.fit.batchSize, spec.fit.validationSplit, spec.fit.keepBest, spec.fit.earlyStopping], [64, 32, 0.2, true, 16]);
  assert.deepEqual([spec.compile.beta2, spec.compile.labelSmoothing, spec.compile.schedule], [0.95, 0.1, 'warmupCosine']);
  assert.equal(why, 'preset tabular for 1,000 rows: 64 epochs, batch 32, the epoch of lowest validation loss kept, stopping 16 epochs after it (20 % held out)');

  const typed = specWithPreset('tabular', { ...DEFAULTS, epochs: 7, layers: [8], optimizer: 'sgd', earlyStopping: false }, new Set(['epochs', 'layers', 'optimizer', 'earlyStopping']), table(1000, true));
  assert.deepEqual([typed.spec.fit.epochs, typed.spec.architecture.hidden, typed.spec.compile.optimizer], [7, [8], 'sgd']);
  assert.equal(typed.spec.compile.beta2, undefined, 'β2 belongs to Adam');
  assert.equal(typed.spec.compile.learningRate, undefined, 'the preset\'s 0.001 is Adam\'s: sgd gets its own rate');
  assert.equal(specWithPreset('tabular', { ...DEFAULTS, optimizer: 'sgd', lr: 0.05 }, new Set(['optimizer', 'lr']), table(1000, true)).spec.compile.learningRate, 0.05);
  assert.equal(specWithPreset('tabular', { ...DEFAULTS, optimizer: 'adam' }, new Set(['optimizer']), table(1000, true)).spec.compile.learningRate, 0.001);
  assert.equal(typed.spec.fit.seed, 1);
  assert.match(typed.why, /; typed options win: --epochs 7, --layers 8, --optimizer sgd, --no-early-stopping$/);
});

test('under 500 rows the preset trains on every row, unless a typed option watches validation rows; no label smoothing for a regression', () => {
  const small = specWithPreset('tabular', DEFAULTS, new Set(), table(300, false));
  assert.equal(small.spec.fit.validationSplit, 0);
  assert.equal(small.spec.compile.labelSmoothing, undefined);
  assert.deepEqual(small.spec.architecture.embedding, { frequencies: 16, units: 16, sigma: 0.1 }, 'both numeric columns embedded');
  assert.match(small.why, /, 2 numeric columns through a periodic embedding of 16 values each$/);
  const off = specWithPreset('tabular', { ...DEFAULTS, embedding: false }, new Set(['embedding']), table(300, false));
  assert.equal(off.spec.architecture.embedding, undefined, '--no-embedding');
  assert.match(off.why, /typed options win: --no-embedding$/);
  const watched = specWithPreset('tabular', { ...DEFAULTS, earlyStopping: 5 }, new Set(['earlyStopping']), table(300, false));
  assert.deepEqual([watched.spec.fit.validationSplit, watched.spec.fit.earlyStopping], [0.2, 5]);
  assert.match(watched.why, /--early-stopping watches validation rows: 20 % held out/);
  const asked = specWithPreset('tabular', { ...DEFAULTS, earlyStopping: 5, validationSplit: 0.3 }, new Set(['earlyStopping', 'validationSplit']), table(300, false));
  assert.equal(asked.spec.fit.validationSplit, 0.3);
});

test('preset small is the old network; a bad typed value is a usage error naming the option', () => {
  const { spec } = specWithPreset('small', DEFAULTS, new Set(), table(1000, true));
  assert.deepEqual([spec.architecture.hidden, spec.fit.earlyStopping, spec.preprocessing.scale], [[32, 16], 10, 'standard']);
  assert.throws(() => specWithPreset('tabular', { ...DEFAULTS, labelSmoothing: 2 }, new Set(['labelSmoothing']), table(1000, true)), (e: unknown) => e instanceof UsageError && /^--label-smoothing: /.test(e.message));
});

test('--beta2 sets spec.compile.beta2 over the preset; out of range or with an optimizer other than adam it is a usage error naming --beta2', () => {
  const typed = specWithPreset('tabular', { ...DEFAULTS, beta2: 0.99 }, new Set(['beta2']), table(1000, true));
  assert.equal(typed.spec.compile.beta2, 0.99);
  assert.match(typed.why, /typed options win: --beta2 0\.99$/);
  assert.equal(specWithPreset('small', { ...DEFAULTS, beta2: 0.9 }, new Set(['beta2']), table(1000, true)).spec.compile.beta2, 0.9);
  assert.throws(() => specWithPreset('tabular', { ...DEFAULTS, beta2: 1 }, new Set(['beta2']), table(1000, true)), (e: unknown) => e instanceof UsageError && /^--beta2: /.test(e.message));
  assert.throws(() => specWithPreset('tabular', { ...DEFAULTS, optimizer: 'sgd', beta2: 0.9 }, new Set(['optimizer', 'beta2']), table(1000, true)), (e: unknown) => e instanceof UsageError && /^--beta2: the sgd optimizer has no beta2 \(adam has one\)$/.test(e.message));
});

test('--embedding sets spec.architecture.embedding over the preset; a bad field is a usage error naming --embedding', () => {
  const typed = specWithPreset('tabular', { ...DEFAULTS, embedding: { frequencies: 8, units: 4 } }, new Set(['embedding']), table(1000, true));
  assert.deepEqual(typed.spec.architecture.embedding, { frequencies: 8, units: 4 });
  assert.deepEqual(typed.spec.architecture.hidden, [256, 256], 'the rest of the preset stays');
  assert.equal(specWithPreset('tabular', DEFAULTS, new Set(), table(1000, true)).spec.architecture.embedding, undefined);
  assert.throws(() => specWithPreset('tabular', { ...DEFAULTS, embedding: { units: 0 } }, new Set(['embedding']), table(1000, true)), (e: unknown) => e instanceof UsageError && /^--embedding: /.test(e.message));
});
