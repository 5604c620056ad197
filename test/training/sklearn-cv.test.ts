// Real data against scikit-learn (issue 3): 5-fold stratified CV accuracy of one hidden layer of
// 100 ReLU units trained by Adam on standardised inputs, on the five bundled classification
// sets, must be at least scikit-learn's MLPClassifier's minus one point, without early stopping
// and with it; and with early stopping ours must stay within one point of ours without it.
// The reference numbers come from scripts/sklearn_reference.py (test/golden/sklearn-cv.json);
// the folds are the reference's own. Protocol: test/training/crossValidation.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, loadGolden } from './crossValidation.js';

const golden = loadGolden();
const POINT = 0.01;

for (const name of ['iris', 'wine', 'breast-cancer', 'digits', 'pima-indians-diabetes']) {
  test(`${name}: ours ≥ scikit-learn − 1 point, with and without early stopping`, async (t) => {
    const c = await compare(name, golden);
    t.diagnostic(`${name}: sklearn ${c.sklearn.toFixed(4)} / ES ${c.sklearnEarlyStopping.toFixed(4)}; ours ${c.ours.toFixed(4)} / ES ${c.oursEarlyStopping.toFixed(4)} (${c.epochsEarlyStopping.toFixed(1)} epochs); ${c.seconds.toFixed(1)} s`);
    assert.ok(c.ours >= c.sklearn - POINT, `without early stopping: ours ${c.ours} < sklearn ${c.sklearn} − 0.01`);
    assert.ok(c.oursEarlyStopping >= c.sklearnEarlyStopping - POINT, `with early stopping: ours ${c.oursEarlyStopping} < sklearn ${c.sklearnEarlyStopping} − 0.01`);
    assert.ok(c.oursEarlyStopping >= c.ours - POINT, `our early stopping costs more than a point: ${c.oursEarlyStopping} vs ${c.ours}`);
  });
}

test('the reference file is what the script writes', () => {
  assert.equal(golden.versions.sklearn, '1.2.1');
  for (const set of Object.values(golden.sets)) {
    assert.equal(set.foldOfRow.length, set.rows);
    assert.deepEqual([...new Set(set.foldOfRow)].sort(), [0, 1, 2, 3, 4]);
    assert.equal(set.noEarlyStopping.foldAccuracy.length, 5);
  }
});
