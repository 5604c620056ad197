import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCodes, datasets, InputError, pipelineInputs, prepareTraining, runTrainingTrial, search, splitRows, startRun, tableFromRecords, trainingSpec, applyTrainingParams, type Space } from '../../src/index.js';

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

test('a trial scores exactly what training its spec on the same split gives', async () => {
  const table = irisTable();
  const s = applyTrainingParams(spec, { lr: 0.01, depth: 2, units: 6 });
  assert.deepEqual(s.architecture.hidden, [6, 6]);
  const outcome = await runTrainingTrial(table, s, { validationSplit: 0.2, seed: 5 }, 'loss');
  const prepared = prepareTraining(s, table, { split: splitRows(table, 0.2, 5) });
  const history = await startRun(prepared).finish();
  assert.equal(outcome.value, prepared.network.model.evaluate(prepared.validation!.x, prepared.validation!.y).loss);
  assert.equal(outcome.attrs!.epochs_run, history.epoch.length);
});

test('trainingSearch rejects an unknown option in the space', async () => {
  await assert.rejects(search.trainingSearch(irisTable(), { space: { lrate: search.float(0.1, 1) } }), (e: unknown) => e instanceof InputError && /unknown train option "lrate"/.test(e.message));
});
