import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTrainingSpace, classCodes, datasets, DEFAULT_TRAINING_SPACE, defaultTrainingParams, defaultTrainingSpace, InputError, refitSpec, innerSplit, pipelineInputs, pipelineTargets, prepareTraining, runTrainingTrial, search, specFromPreset, SpecError, splitRows, startRun, tableFromRecords, trainingSpec, applyTrainingParams, compareWithDefault, type Space, type SearchResult, type TrialRecord } from '../../src/index.js';

function irisTable() {
  const d = datasets.load('iris');
  const header = [...d.featureNames, 'species'];
  return tableFromRecords([header, ...d.x.map((r, i) => [...r.map(String), String(d.y[i])])]);
}

const space: Space = { lr: search.float(1e-3, 1e-1, { log: true }), layers: search.categorical([[8], [16, 8]]) };
const spec = trainingSpec({ fit: { epochs: 8, batchSize: 16 } });

test('trainingSearch is reproducible for a seed, its best is the min over trials, and the refit model predicts', async () => {
  const table = irisTable();
  const args = { space, spec, method: 'random' as const, trials: 4, seed: 3 };
  const a = await search.trainingSearch(table, { ...args, refit: true });
  const b = await search.trainingSearch(table, args);
  assert.equal(a.trials.length, 4);
  assert.deepEqual(a.trials.map((t) => t.value), b.trials.map((t) => t.value));
  assert.deepEqual(a.best, b.best);
  const values = a.trials.map((t) => t.value!);
  assert.equal(a.best.value, Math.min(...values));
  assert.ok(values.every((v) => Number.isFinite(v) && v > 0));
  assert.deepEqual(a.bestSpec.architecture.hidden, a.best.params.layers);
  assert.equal(a.bestSpec.compile.learningRate, a.best.params.lr);
  // The best trial's value is what training its spec on the search's split gives.
  const again = await runTrainingTrial(table, a.bestSpec, { validationSplit: 0.2, seed: 3 }, 'loss');
  assert.equal(again.value, a.best.value);
  assert.equal(a.refit!.history.epoch.length, 8);
  // The refit model with its fitted pipeline classifies the table's rows.
  const p = a.refit!.model.predictMatrix(pipelineInputs(a.refit!.preprocessing, table));
  assert.deepEqual([p.rows, p.cols], [150, 3]);
  const codes = classCodes(p);
  const y = table.y!;
  assert.equal(y.kind, 'classes');
  let correct = 0;
  for (let i = 0; i < 150; i++) if (codes[i] === (y.kind === 'classes' ? y.codes[i] : -1)) correct++;
  assert.ok(correct / 150 > 0.9, `refit accuracy ${correct / 150}`);
});

test('a trial trains on an inner split of the training rows and scores the held-out rows once', async () => {
  const table = irisTable();
  const s = applyTrainingParams(spec, { lr: 0.01, depth: 2, units: 6 });
  assert.deepEqual(s.architecture.hidden, [6, 6]);
  const outcome = await runTrainingTrial(table, s, { validationSplit: 0.2, seed: 5 }, 'loss');
  const outer = splitRows(table, 0.2, 5);
  const inner = innerSplit(s, table, outer.train, 5);
  // Early stopping's rows come from the training rows only; the held-out rows are never among them.
  assert.equal(inner.train.length + inner.validation.length, outer.train.length);
  const held = new Set(outer.validation);
  assert.ok([...inner.train, ...inner.validation].every((r) => !held.has(r)));
  const prepared = prepareTraining(s, table, { split: inner });
  const history = await startRun(prepared).finish();
  const x = pipelineInputs(prepared.preprocessing, table, outer.validation);
  const y = pipelineTargets(prepared.preprocessing, table, outer.validation, prepared.plan);
  assert.equal(outcome.value, prepared.network.model.evaluate(x, y).loss);
  assert.equal(outcome.attrs!.epochs_run, history.epoch.length);
  assert.equal(outcome.attrs!.held_out_rows, outer.validation.length);
});

test('trainingSearch rejects an unknown option in the space', async () => {
  await assert.rejects(search.trainingSearch(irisTable(), { space: { lrate: search.float(0.1, 1) } }), (e: unknown) => e instanceof InputError && /unknown train option "lrate"/.test(e.message));
});

test('trial 0 of a training search is the default configuration, and the result says how the winner compares with it', async () => {
  const table = irisTable();
  const base = trainingSpec({ architecture: { hidden: [8] }, fit: { epochs: 6, batchSize: 16, seed: 4 } });
  const r = await search.trainingSearch(table, { space, spec: base, method: 'random', trials: 4, seed: 4 });
  const zero = r.trials[0]!;
  assert.deepEqual(zero.params, { layers: [8] });
  assert.equal(zero.seed, 4);
  // Its score is exactly the base spec's, unchanged, at the search's seed.
  assert.equal(zero.value, (await runTrainingTrial(table, base, { validationSplit: 0.2, seed: 4 }, 'loss')).value);
  const c = r.comparison;
  assert.equal(c.baseline!.number, 0);
  assert.equal(c.difference, r.best.value - zero.value!);
  if (r.best.number === 0) assert.match(c.message, /^The default configuration \(trial 0\) won: no trial beat its loss /);
  else assert.match(c.message, new RegExp(`^Trial ${r.best.number} beats the default configuration \\(trial 0\\): loss `));
});

test('the default space follows the base spec: the old space around the small preset, widths, rates and batches near the tabular preset', () => {
  const small = defaultTrainingSpace(trainingSpec());
  assert.deepEqual(small, DEFAULT_TRAINING_SPACE);
  assert.deepEqual(small.layers, search.categorical([[16], [32], [64], [32, 16], [64, 32]]));
  assert.deepEqual(small.batchSize, search.categorical([16, 32, 64]));
  assert.deepEqual(small.lr, search.float(1e-4, 1e-2, { log: true }));
  const { spec } = specFromPreset('tabular', { rows: 20_000, task: 'classification' });
  const tabular = defaultTrainingSpace(spec);
  assert.deepEqual(tabular.layers, search.categorical([[128], [256], [512], [256, 256], [512, 512]]));
  assert.deepEqual(tabular.batchSize, search.categorical([64, 128, 256]), 'around the preset\'s batch of 128 for 20,000 rows');
  assert.deepEqual(tabular.lr, search.float(1e-4, 1e-2, { log: true }));
  // SGD's own rate is 0.01: its space is a decade either side of that.
  assert.deepEqual(defaultTrainingSpace(trainingSpec({ compile: { optimizer: 'sgd' } })).lr, search.float(1e-3, 1e-1, { log: true }));
  // Trial 0 of the default space is the base spec itself.
  assert.deepEqual(applyTrainingParams(spec, defaultTrainingParams(tabular, spec)), spec);
  assert.deepEqual(defaultTrainingParams(tabular, spec), { lr: 0.001, layers: [256, 256], activation: 'relu', batchSize: 128, dropout: 0 });
});

test('a trial\'s optimizer wins over the preset\'s: another one drops Adam\'s rate and beta2, keeps label smoothing and the schedule; robust scaling is searchable', () => {
  const { spec } = specFromPreset('tabular', { rows: 1000, task: 'classification' });
  const sgd = applyTrainingParams(spec, { optimizer: 'sgd' });
  assert.deepEqual([sgd.compile.optimizer, sgd.compile.learningRate, sgd.compile.beta2, sgd.compile.labelSmoothing, sgd.compile.schedule], ['sgd', undefined, undefined, 0.1, 'warmupCosine']);
  assert.equal(applyTrainingParams(spec, { optimizer: 'rmsprop', lr: 0.003 }).compile.learningRate, 0.003);
  assert.deepEqual(applyTrainingParams(spec, { optimizer: 'adam' }).compile, spec.compile);
  assert.doesNotThrow(() => checkTrainingSpace({ scale: search.categorical(['standard', 'robust']) }));
});

test('a spec that trains on every row (the tabular preset under 500 rows) scores the held-out rows once, trained on all the others; a pruner with it is refused naming the field', async () => {
  const table = irisTable();
  const { spec: preset } = specFromPreset('tabular', { rows: table.rows, task: 'classification', numericColumns: 4 });
  const s = { ...preset, fit: { ...preset.fit, epochs: 4 } };
  assert.equal(s.fit.validationSplit, 0);
  const outcome = await runTrainingTrial(table, s, { validationSplit: 0.2, seed: 5 }, 'loss');
  const outer = splitRows(table, 0.2, 5);
  const inner = innerSplit(s, table, outer.train, 5);
  assert.deepEqual([inner.train, inner.validation], [outer.train, []]);
  const prepared = prepareTraining(s, table, { split: inner });
  await startRun(prepared).finish();
  const x = pipelineInputs(prepared.preprocessing, table, outer.validation);
  const y = pipelineTargets(prepared.preprocessing, table, outer.validation, prepared.plan);
  // The same model as one trained on exactly the other rows (the scorer's loss sums in its own order: to the last bit or two).
  const loss = prepared.network.model.evaluate(x, y).loss ?? NaN;
  assert.ok(Math.abs(outcome.value - loss) <= 1e-12 * loss, `${outcome.value} vs ${loss}`);
  assert.deepEqual([outcome.attrs!.held_out_rows, outcome.attrs!.epochs_run], [30, 4]);
  await assert.rejects(search.trainingSearch(table, { spec: s, pruner: 'median', trials: 2 }), (e: unknown) => e instanceof SpecError && e.field === 'fit.validationSplit' && /a pruner watches the validation rows/.test(e.message));
});

test('refitSpec trains as train does: the spec\'s split only when early stopping or keepBest watches it', async () => {
  const table = irisTable();
  const watched = await refitSpec(trainingSpec({ fit: { epochs: 3, earlyStopping: 5, seed: 2 } }), table);
  assert.deepEqual([watched.split.train.length, watched.split.validation.length, watched.spec.fit.validationSplit], [120, 30, 0.2]);
  assert.deepEqual(watched.split, (({ train, validation }) => ({ train, validation }))(splitRows(table, 0.2, 2)));
  const unwatched = await refitSpec(trainingSpec({ fit: { epochs: 3, seed: 2 } }), table);
  assert.deepEqual([unwatched.split.train.length, unwatched.split.validation.length, unwatched.spec.fit.validationSplit], [150, 0, 0]);
});

test('keeping the best epoch watches an inner split as early stopping does (not the training loss); with neither, every training row trains', async () => {
  const table = irisTable();
  const outer = splitRows(table, 0.2, 5);
  const keepBest = trainingSpec({ fit: { epochs: 6, batchSize: 16, validationSplit: 0.25, keepBest: true } });
  assert.equal(keepBest.fit.earlyStopping, undefined);
  const inner = innerSplit(keepBest, table, outer.train, 5);
  assert.equal(inner.validation.length, Math.round(outer.train.length * 0.25), 'a quarter of the training rows watched');
  assert.equal(inner.train.length + inner.validation.length, outer.train.length);
  const neither = trainingSpec({ fit: { epochs: 6, batchSize: 16, validationSplit: 0.25 } });
  assert.equal(neither.fit.earlyStopping, undefined);
  assert.deepEqual(innerSplit(neither, table, outer.train, 5), { train: outer.train, validation: [], note: undefined });
  // The trial's best epoch is then picked on the watched rows: its history has val_loss.
  const outcome = await runTrainingTrial(table, keepBest, { validationSplit: 0.2, seed: 5 }, 'loss');
  assert.ok(outcome.attrs!.best_epoch !== undefined, JSON.stringify(outcome.attrs));
});

test('compareWithDefault qualifies a win on one split (no spread to judge noise by) and one within the spread over folds', () => {
  const trial = (number: number, value: number, attrs: Record<string, number>) => ({ number, state: 'complete', params: {}, seed: number, value, attrs }) as unknown as TrialRecord;
  const split = { trials: [trial(0, 0.5023, { folds: 1, held_out_rows: 46, value_std: 0 }), trial(1, 0.4823, { folds: 1, held_out_rows: 46, value_std: 0 })], best: { number: 1, params: {}, value: 0.4823 }, direction: 'minimize' } as SearchResult;
  const one = compareWithDefault(split, 'loss');
  assert.equal(one.message, 'Trial 1 beats the default configuration (trial 0): loss 0.4823 vs 0.5023 (-0.0200); scored on one split (46 held-out rows), which gives no spread to judge noise by (cross-validation gives one).');
  const folds = { ...split, trials: [trial(0, 0.5023, { folds: 5, value_std: 0.03 }), trial(1, 0.4823, { folds: 5, value_std: 0.01 })] } as SearchResult;
  const five = compareWithDefault(folds, 'loss');
  assert.equal(five.withinNoise, true);
  assert.match(five.message, /-0\.0200\); the difference is within the spread over folds \(± 0\.0300\), so it may be noise\.$/);
  const clear = compareWithDefault({ ...folds, trials: [trial(0, 0.6, { folds: 5, value_std: 0.01 }), trial(1, 0.4823, { folds: 5, value_std: 0.01 })] } as SearchResult, 'loss');
  assert.equal(clear.withinNoise, false);
  assert.match(clear.message, /\(-0\.1177\)\.$/);
});
