// Presets: 'small' is the old default network; 'tabular' resolves epochs and batch size from the
// row count, says so, and what the user sets wins over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SPEC, InputError, presetSpec, specFromPreset, tabularBatchSize, tabularEmbedding, tabularEpochs, tabularWideSmall, TABULAR_WIDE_SMALL_DROPOUT, trainingSpec, TABULAR_EMBEDDING_COLUMNS } from '../../src/index.js';

test('preset small is the old default network with early stopping (patience 10)', () => {
  const { spec } = specFromPreset('small', { rows: 150, task: 'classification' });
  assert.deepEqual(spec, trainingSpec({ fit: { ...DEFAULT_SPEC.fit, earlyStopping: 10 } }));
  assert.deepEqual(spec.architecture.hidden, [32, 16]);
});

test('preset tabular: batch size and epochs follow the row count, within their bounds', () => {
  assert.deepEqual([100, 700, 3000, 10_000, 100_000, 1e6].map(tabularBatchSize), [32, 32, 32, 64, 256, 256]);
  assert.deepEqual([100, 700, 3000, 10_000, 100_000, 1e6].map(tabularEpochs), [64, 64, 64, 64, 16, 16]);
  const big = presetSpec('tabular', { rows: 10_000, task: 'classification' });
  assert.deepEqual(big.parts.fit, { epochs: 64, batchSize: 64, validationSplit: 0.2, earlyStopping: 16, keepBest: true });
  assert.equal(big.parts.compile?.labelSmoothing, 0.1);
  assert.deepEqual(big.parts.architecture, { hidden: [256, 256], activation: 'relu', dropout: 0 });
  assert.equal(big.why, 'preset tabular for 10,000 rows: 64 epochs, batch 64, the epoch of lowest validation loss kept, stopping 16 epochs after it (20 % held out)');
  // Under 500 rows every row is trained on; no label smoothing for a regression target.
  const tiny = presetSpec('tabular', { rows: 499, task: 'regression' });
  assert.deepEqual(tiny.parts.fit, { epochs: 64, batchSize: 32, validationSplit: 0 });
  assert.equal(tiny.parts.compile?.labelSmoothing, undefined);
  assert.equal(tiny.parts.architecture?.l2, 1e-4, 'an L2 penalty where no epoch is picked on held-out rows');
  assert.equal(big.parts.architecture?.l2, undefined);
  assert.match(tiny.why, /every row trained on/);
});

test('preset tabular: under 500 rows 1 to 16 numeric columns go through a periodic embedding (16 frequencies, 16 values each); none from 500 rows, without numeric columns or with more than 16', () => {
  assert.deepEqual([0, 1, 16, 17, 60].map((n) => tabularEmbedding(n)?.units), [undefined, 16, 16, undefined, undefined]);
  assert.equal(TABULAR_EMBEDDING_COLUMNS, 16);
  const small = presetSpec('tabular', { rows: 200, task: 'classification', numericColumns: 9 });
  assert.deepEqual(small.parts.architecture?.embedding, { frequencies: 16, units: 16, sigma: 0.1 });
  assert.equal(small.why, 'preset tabular for 200 rows: 64 epochs, batch 32, every row trained on with an L2 penalty of 0.0001 (under 500 rows a hold-out costs more than it saves), 9 numeric columns through a periodic embedding of 16 values each');
  assert.equal(presetSpec('tabular', { rows: 200, task: 'classification', numericColumns: 60 }).parts.architecture?.embedding, undefined);
  assert.equal(presetSpec('tabular', { rows: 200, task: 'regression', numericColumns: 0 }).parts.architecture?.embedding, undefined);
  assert.equal(presetSpec('tabular', { rows: 500, task: 'regression', numericColumns: 5 }).parts.architecture?.embedding, undefined);
  // The spec it makes is valid and plain JSON.
  const { spec } = specFromPreset('tabular', { rows: 167, task: 'regression', numericColumns: 2 });
  assert.deepEqual(spec.architecture.embedding, { frequencies: 16, units: 16, sigma: 0.1 });
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
});

test('preset tabular: a small table with too many numeric columns to embed is standardised with dropout 0.1, every other robustly scaled without (the three such tables of bench/tables rose with each, the rest fell)', () => {
  const partsOf = (rows: number, numericColumns: number) => presetSpec('tabular', { rows, task: 'classification', numericColumns }).parts;
  for (const [r, n] of [[208, 60], [351, 32], [215, 100], [200, 17]] as const) {
    assert.equal(partsOf(r, n).preprocessing?.scale, 'standard', `${r} rows, ${n} numeric columns`);
    assert.equal(partsOf(r, n).architecture?.dropout, 0.1);
  }
  for (const [r, n] of [[208, 16], [208, 1], [208, 0], [499, 9], [500, 60], [4454, 7]] as const) {
    assert.equal(partsOf(r, n).preprocessing?.scale, 'robust', `${r} rows, ${n} numeric columns`);
    assert.equal(partsOf(r, n).architecture?.dropout, 0);
  }
  assert.deepEqual([tabularWideSmall(499, 17), tabularWideSmall(499, 16), tabularWideSmall(500, 17)], [true, false, false]);
  assert.equal(TABULAR_WIDE_SMALL_DROPOUT, 0.1);
  assert.equal(presetSpec('tabular', { rows: 208, task: 'classification', numericColumns: 60 }).why, 'preset tabular for 208 rows: 64 epochs, batch 32, every row trained on with an L2 penalty of 0.0001 (under 500 rows a hold-out costs more than it saves), 60 numeric columns standardised and dropout 0.1 (over 16 to embed; both raised every such table)');
});

test('specFromPreset: the given parts win over the preset; the result is plain JSON', () => {
  const { spec, why } = specFromPreset('tabular', { rows: 500, task: 'classification' }, { fit: { epochs: 7 }, architecture: { hidden: [8] } });
  assert.equal(spec.fit.epochs, 7);
  assert.deepEqual(spec.architecture.hidden, [8]);
  assert.equal(spec.preprocessing.scale, 'robust');
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  assert.match(why, /^preset tabular/);
});

test('an unknown preset name is an InputError that suggests the nearest', () => {
  assert.throws(() => presetSpec('tabluar', { rows: 10, task: 'regression' }), (e: unknown) => e instanceof InputError && /unknown preset "tabluar"; did you mean "tabular"\?/.test(e.message));
});
