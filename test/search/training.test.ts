import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCodes, datasets, InputError, innerSplit, pipelineInputs, pipelineTargets, prepareTraining, runTrainingTrial, search, splitRows, startRun, tableFromRecords, trainingSpec, applyTrainingParams, type Space } from '../../src/index.js';

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
