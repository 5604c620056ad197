// The one scorer: cv and a search trial at the same spec, seed and folds score the same rows the
// same way, and a search on pure noise stays near chance (the held-out fold is never watched by
// early stopping).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classScores, crossValidate, meanStd, Rng, runTrainingTrial, search, tableFromRecords, trainingSpec, type Table } from '../../src/index.js';

/** 200 rows of 10 uniform random features and a random binary label: nothing to learn. */
function noiseTable(seed: number): Table {
  const rng = new Rng(seed);
  const header = [...Array.from({ length: 10 }, (_, j) => `x${j}`), 'label'];
  const rows = Array.from({ length: 200 }, () => [...Array.from({ length: 10 }, () => rng.uniform().toFixed(6)), rng.uniform() < 0.5 ? 'a' : 'b']);
  return tableFromRecords([header, ...rows]);
}

const spec = trainingSpec({ fit: { epochs: 60, batchSize: 32, validationSplit: 0.2, earlyStopping: 10, seed: 7 } });

test('cv and a search trial at the same spec, seed and folds give identical fold scores', async () => {
  const table = noiseTable(11);
  const cv = await crossValidate(spec, table, 5);
  const trial = await runTrainingTrial(table, spec, { folds: 5, seed: 7 }, 'accuracy');
  assert.equal(cv.length, 5);
  cv.forEach((f, k) => assert.equal(trial.attrs![`split${k}_value`], f.accuracy));
  assert.equal(trial.value, meanStd(cv.map((f) => f.accuracy!)).mean);
  // Every held-out row is scored once.
  assert.equal(cv.reduce((a, f) => a + f.rows, 0), 200);
});

test('a search on pure noise reports near-chance cross-validated accuracy, within a band of cv', async () => {
  const table = noiseTable(12);
  const cv = meanStd((await crossValidate(spec, table, 5)).map((f) => f.accuracy!)).mean;
  const r = await search.trainingSearch(table, { spec, cv: 5, metric: 'accuracy', method: 'random', trials: 4, seed: 7 });
  // Watching the held-out fold for early stopping reported 0.585 on such a file (issue 19); the
  // unseen-fold score of the best of 4 trials is 0.515 here, cv's 0.49.
  assert.ok(r.best.value <= 0.56, `best CV accuracy ${r.best.value} on noise`);
  assert.ok(Math.abs(r.best.value - cv) <= 0.05, `search ${r.best.value} vs cv ${cv}`);
  assert.ok(cv >= 0.35 && cv <= 0.65, `cv ${cv}`);
});

test('classScores: accuracy, balanced accuracy, binary F1 and the confusion matrix', () => {
  // truth 0,0,0,1 ; predicted 0,0,1,1
  const s = classScores([0, 0, 0, 1], [0, 0, 1, 1], 2);
  assert.deepEqual(s.confusion, [[2, 1], [0, 1]]);
  assert.equal(s.accuracy, 0.75);
  assert.equal(s.balanced_accuracy, (2 / 3 + 1) / 2);
  assert.equal(s.f1, (2 * 1) / (2 * 1 + 1 + 0));
  // Three classes: macro F1 over the classes that occur.
  const m = classScores([0, 1, 2, 2], [0, 2, 2, 2], 3);
  assert.equal(m.accuracy, 0.75);
  assert.equal(m.balanced_accuracy, (1 + 0 + 1) / 3);
  assert.equal(m.f1, (1 + 0 + 0.8) / 3);
});
