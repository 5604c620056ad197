// Baseline sentences found wanting on real tables (bench/sweep-2026-12.md), with their numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baselineSentence, beatsBaseline, classBaseline, scoreBaseline } from '../../src/index.js';

test('carData::WVS (5-fold cv): a model below the majority\'s accuracy that beats it on balanced accuracy says so, with both numbers', () => {
  // 100 rows, 3 classes 50/35/15: the majority ("Too Little") scores accuracy 0.5 and balanced accuracy 1/3.
  const codes = Int32Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : i < 85 ? 0 : 2));
  const base = scoreBaseline(classBaseline(codes, ['About Right', 'Too Little', 'Too Much']), codes);
  assert.ok(base.kind === 'majority');
  assert.equal(base.accuracy, 0.5);
  // The cv means backprop printed on WVS: accuracy 0.4968, balanced accuracy 0.3785.
  const model = { accuracy: 0.4968, balancedAccuracy: 0.3785 };
  assert.equal(beatsBaseline(model, base), true);
  const s = baselineSentence(model, base, 'held-out folds (means over the folds)');
  assert.equal(
    s,
    'Baseline: always answering "Too Little" scores accuracy 0.5000 on the held-out folds (means over the folds); the model scores 0.4968, lower, but its balanced accuracy 0.3785 beats the baseline\'s 0.3333: it finds rarer classes the baseline never answers.',
  );
  // Ahead on accuracy: the sentence as before.
  assert.equal(baselineSentence({ accuracy: 0.55, balancedAccuracy: 0.4 }, base, 'validation rows'), 'Baseline: always answering "Too Little" scores accuracy 0.5000 on the validation rows; the model scores 0.5500.');
});

test('rows of one class (a file of penguins that are all "Adelie"): no "learnt nothing" verdict from a tie with a constant answer that cannot miss', () => {
  const base = scoreBaseline(classBaseline(Int32Array.from([0, 0, 0, 1, 1, 2]), ['Adelie', 'Chinstrap', 'Gentoo']), Int32Array.from([0, 0]));
  assert.ok(base.kind === 'majority');
  assert.equal(base.accuracy, 1);
  assert.equal(base.classesInRows, 1);
  const perfect = { accuracy: 1, balancedAccuracy: 1 };
  assert.equal(beatsBaseline(perfect, base), false, 'the scores tie: the comparison itself is unchanged');
  assert.equal(
    baselineSentence(perfect, base, 'rows of this file'),
    'Baseline: always answering "Adelie" scores accuracy 1.0000 on the rows of this file; the model scores 1.0000. The rows of this file hold one class only, so this comparison cannot tell whether the model learnt anything (its accuracy is its recall of that class): score it on rows of every class.',
  );
  // One class the baseline never answers: a win over 0 says no more.
  const gentoo = scoreBaseline(classBaseline(Int32Array.from([0, 0, 1]), ['Adelie', 'Gentoo']), Int32Array.from([1, 1, 1]));
  assert.match(baselineSentence({ accuracy: 0.6667 }, gentoo, 'rows of this file'), /^Baseline: always answering "Adelie" scores accuracy 0\.0000 on the rows of this file; the model scores 0\.6667\. The rows of this file hold one class only/);
  // Two classes: the verdict as before.
  const two = scoreBaseline(classBaseline(Int32Array.from([0, 0, 1]), ['Adelie', 'Gentoo']), Int32Array.from([0, 1]));
  assert.equal(two.kind === 'majority' && two.classesInRows, 2);
  assert.match(baselineSentence({ accuracy: 0.5 }, two, 'rows of this file'), /^No better than the baseline: /);
});
