// The trivial baseline of every verdict, with numbers worked by hand (and scikit-learn's definitions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, baselineFromJson, baselineSentence, beatsBaseline, classBaseline, classReport, meanBaseline, minorityShare, scoreBaseline, scoreBaselineOnRows, tableBaseline } from '../../src/index.js';
import { assertClose } from '../helpers/assert.js';

test('class scores: accuracy, balanced accuracy (mean recall) and macro F1 as scikit-learn computes them', () => {
  // recall 1/2, 2/2, 1/1 → 0.8333; F1 2/3, 4/5, 1 → 0.8222.
  const s = classReport([0, 0, 1, 1, 2], [0, 1, 1, 1, 2], 3);
  assertClose(s.accuracy, 0.8, 1e-12);
  assertClose(s.balancedAccuracy, (0.5 + 1 + 1) / 3, 1e-12);
  assertClose(s.macroF1, (2 / 3 + 0.8 + 1) / 3, 1e-12);
  // A class in neither truth nor predictions is not averaged.
  assertClose(classReport([0, 1], [0, 1], 5).macroF1, 1, 1e-12);
});

test('the majority class of the training rows, scored on other rows: accuracy, balanced accuracy, macro F1, prior cross-entropy', () => {
  const b = classBaseline([0, 0, 1, 2, 0], ['a', 'b', 'c']);
  assert.deepEqual(b, { kind: 'majority', code: 0, label: 'a', classes: 3, prior: [0.6, 0.2, 0.2] });
  const s = scoreBaseline(b, [0, 1, 1, 2]);
  assert.ok(s.kind === 'majority');
  assertClose(s.accuracy, 0.25, 1e-12);
  assertClose(s.balancedAccuracy, 1 / 3, 1e-12);
  assertClose(s.macroF1, 0.4 / 3, 1e-12, 0, 'F1 of "a": 2·1/(1 + 4)');
  assertClose(s.loss, -(Math.log(0.6) + 3 * Math.log(0.2)) / 4, 1e-12);
});

test('the training mean, scored on other rows in the target units: MAE, RMSE, R² (negative when the mean shifted)', () => {
  const b = meanBaseline(new Matrix(3, 1, new Float64Array([1, 2, 3])));
  assert.deepEqual(b, { kind: 'mean', means: [2] });
  const s = scoreBaseline(b, new Matrix(2, 1, new Float64Array([2, 4])));
  assert.ok(s.kind === 'mean');
  assertClose(s.mae, 1, 1e-12);
  assertClose(s.rmse, Math.SQRT2, 1e-12);
  assertClose(s.r2, -1, 1e-12, 0, '1 − 4/2');
});

test('beating the baseline: higher accuracy, or a clearly higher balanced accuracy; lower RMSE; said plainly when not', () => {
  const base = scoreBaseline(classBaseline([0, 0, 0, 0, 1], ['None', 'Bird']), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.ok(base.kind === 'majority');
  assert.equal(base.accuracy, 0.9);
  assert.equal(beatsBaseline({ accuracy: 0.9, balancedAccuracy: 0.5 }, base), false);
  assert.equal(beatsBaseline({ accuracy: 0.91 }, base), true);
  assert.equal(beatsBaseline({ accuracy: 0.9, balancedAccuracy: 0.7 }, base), true, 'the rare class found at the same accuracy');
  assert.match(baselineSentence({ accuracy: 0.9 }, base, 'validation rows'), /^No better than the baseline: always answering "None" scores accuracy 0\.9000 on the validation rows; the model scores 0\.9000\./);
  assert.match(baselineSentence({ accuracy: 0.95 }, base, 'validation rows'), /^Baseline: always answering "None" scores accuracy 0\.9000 on the validation rows; the model scores 0\.9500\.$/);
  const mean = scoreBaseline(meanBaseline(new Matrix(2, 1, new Float64Array([0, 2]))), new Matrix(2, 1, new Float64Array([0, 2])));
  assert.equal(beatsBaseline({ rmse: 1 }, mean), false);
  assert.equal(beatsBaseline({ rmse: 0.5 }, mean), true);
  assert.match(baselineSentence({ rmse: 1.2 }, mean, 'validation rows'), /^No better than the baseline: always answering the training mean scores RMSE 1\.0000 \(R² 0\.0000\)/);
  assert.equal(minorityShare([90, 10]), 0.1);
  assert.equal(minorityShare([]), 1);
});

test('a table baseline from its training rows, scored on other rows, and read back from JSON', () => {
  const y = { kind: 'classes' as const, classes: ['no', 'yes'], codes: Int32Array.from([1, 1, 0, 1, 0, 0, 0]) };
  const b = tableBaseline(y, [0, 1, 2, 3]);
  assert.equal(b.kind === 'majority' && b.label, 'yes');
  const s = scoreBaselineOnRows(b, y, [4, 5, 6]);
  assert.ok(s.kind === 'majority');
  assert.equal(s.accuracy, 0);
  assert.deepEqual(baselineFromJson(JSON.parse(JSON.stringify(b))), b);
  const values = new Matrix(4, 2, new Float64Array([1, 10, 3, 30, 5, 50, 7, 70]));
  const m = tableBaseline({ kind: 'numeric', values }, [0, 1]);
  assert.deepEqual(m, { kind: 'mean', means: [2, 20] });
  const r = scoreBaselineOnRows(m, { kind: 'numeric', values }, [2, 3]);
  assert.ok(r.kind === 'mean');
  assertClose(r.mae, (4 + 40) / 2, 1e-12, 0, 'MAE per target 4 and 40 (rows 5, 7 and 50, 70 against 2 and 20), averaged');
  assert.equal(baselineFromJson({ kind: 'majority', code: 3, label: 'x', classes: 2, prior: [0.5, 0.5] }), undefined);
  assert.equal(baselineFromJson({ kind: 'mean', means: ['1'] }), undefined);
});

test('with label smoothing the baseline loss is the smoothed cross-entropy the model minimises: the losses themselves give the same on the prior', async () => {
  const { getLoss } = await import('../../src/index.js');
  const b = classBaseline([0, 0, 1, 2, 0], ['a', 'b', 'c']);
  const truth = [0, 1, 1, 2];
  for (const e of [0, 0.1, 0.3]) {
    const s = scoreBaseline(b, truth, { labelSmoothing: e });
    assert.ok(s.kind === 'majority');
    // The categorical cross-entropy of the prior's probabilities on every row, against one-hot targets smoothed by e.
    const pred = new Matrix(4, 3, new Float64Array(truth.flatMap(() => [0.6, 0.2, 0.2])));
    const target = new Matrix(4, 3, new Float64Array(truth.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)))));
    assertClose(s.loss, getLoss('categoricalCrossentropy', e ? { labelSmoothing: e } : {}).value(pred, target), 1e-6, 0, `ε ${e}`);
  }
  // Two classes with one sigmoid output: ε/2 on each side, as binaryCrossentropy smooths.
  const two = classBaseline([0, 1, 1, 1], ['no', 'yes']);
  const s2 = scoreBaseline(two, [1, 0, 1], { labelSmoothing: 0.2 });
  assert.ok(s2.kind === 'majority');
  const bce = getLoss('binaryCrossentropy', { labelSmoothing: 0.2 }).value(new Matrix(3, 1, new Float64Array([0.75, 0.75, 0.75])), new Matrix(3, 1, new Float64Array([1, 0, 1])));
  assertClose(s2.loss, bce, 1e-6);
});
