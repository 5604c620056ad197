// Metrics of SPEC §8, as plain functions (checked against counts worked out by hand) and as
// compile metrics (checked against the functions on the same predictions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, metrics, datasets, InputError, ShapeError, Matrix, TotalSquares, getMetric, getLoss, type Label } from '../../src/index.js';
import { scoreBaseline } from '../../src/training/baseline.js';
import { regressionMetrics } from '../../src/training/measure.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';

// Three classes. Confusion (rows true, columns predicted): [[3,0,0],[1,1,1],[0,2,2]]
// tp = [3,1,2], fp = [1,2,1], fn = [0,2,2].
const T3 = [0, 1, 2, 0, 1, 2, 0, 1, 2, 2];
const P3 = [0, 2, 1, 0, 0, 2, 0, 1, 2, 1];

test('confusionMatrix: rows are true labels, columns predicted, in sorted label order', () => {
  assert.deepEqual(metrics.confusionMatrix(T3, P3), { labels: [0, 1, 2], matrix: [[3, 0, 0], [1, 1, 1], [0, 2, 2]] });
  assert.deepEqual(metrics.confusionMatrix(['b', 'a', 'b'], ['b', 'b', 'c']), { labels: ['a', 'b', 'c'], matrix: [[0, 1, 0], [0, 1, 1], [0, 0, 0]] });
  assert.deepEqual(metrics.confusionMatrix(T3, P3, { labels: [2, 0] }).matrix, [[2, 0], [0, 3]]);
});

test('precision, recall and F1: macro and micro on three classes', () => {
  assertClose(metrics.precisionScore(T3, P3, { average: 'macro' }), (3 / 4 + 1 / 3 + 2 / 3) / 3, 1e-12);
  assertClose(metrics.recallScore(T3, P3, { average: 'macro' }), (1 + 1 / 3 + 1 / 2) / 3, 1e-12);
  assertClose(metrics.f1Score(T3, P3, { average: 'macro' }), (6 / 7 + 2 / 6 + 4 / 7) / 3, 1e-12);
  // Micro-averaged scores pool the counts: Σtp/(Σtp + Σfp) = 6/10, the accuracy.
  for (const f of [metrics.precisionScore, metrics.recallScore, metrics.f1Score]) assertClose(f(T3, P3, { average: 'micro' }), 0.6, 1e-12);
  assert.equal(metrics.accuracyScore(T3, P3), 0.6);
  // The default for more than two labels is macro.
  assert.equal(metrics.f1Score(T3, P3), metrics.f1Score(T3, P3, { average: 'macro' }));
});

test('binary scores: the positive class by default, macro over both classes on request', () => {
  const t = [1, 1, 1, 0, 0, 0, 1, 0];
  const p = [1, 0, 1, 0, 1, 1, 1, 0]; // tp 3, fn 1, fp 2, tn 2
  assertClose(metrics.precisionScore(t, p), 3 / 5, 1e-12);
  assertClose(metrics.recallScore(t, p), 3 / 4, 1e-12);
  assertClose(metrics.f1Score(t, p), 6 / 9, 1e-12);
  // Class 0: tp 2, fp 1, fn 2 → F1 4/7.
  assertClose(metrics.f1Score(t, p, { average: 'macro' }), (6 / 9 + 4 / 7) / 2, 1e-12);
  const names = t.map((v) => (v ? 'sick' : 'well'));
  const guesses = p.map((v) => (v ? 'sick' : 'well'));
  assertClose(metrics.recallScore(names, guesses, { positiveLabel: 'sick' }), 3 / 4, 1e-12);
  assertThrowsWith(() => metrics.recallScore(names, guesses), InputError, /positiveLabel 1 is not one of the labels \["sick", "well"\]/);
  // Nothing predicted positive: 0/0 is 0, as scikit-learn's zero_division default.
  assert.equal(metrics.precisionScore([1, 0], [0, 0]), 0);
});

test('regression functions: mse, mae, R² (uniform average over outputs)', () => {
  const t = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];
  assertClose(metrics.meanSquaredError(t, p), (0.25 + 0.25 + 0 + 1) / 4, 1e-12);
  assertClose(metrics.meanAbsoluteError(t, p), (0.5 + 0.5 + 0 + 1) / 4, 1e-12);
  // mean 2.875; SS_tot = 29.1875; SS_res = 1.5 (scikit-learn's r2_score docstring example: 0.948...)
  assertClose(metrics.r2Score(t, p), 1 - 1.5 / 29.1875, 1e-12);
  // Two outputs: each scored, then averaged.
  const t2 = [[0.5, 1], [-1, 1], [7, -6]];
  const p2 = [[0, 2], [-1, 2], [8, -5]];
  const r2a = 1 - (0.25 + 0 + 1) / ((0.5 - 6.5 / 3) ** 2 + (-1 - 6.5 / 3) ** 2 + (7 - 6.5 / 3) ** 2);
  const r2b = 1 - 3 / ((1 + 4 / 3) ** 2 * 2 + (-6 + 4 / 3) ** 2);
  assertClose(metrics.r2Score(t2, p2), (r2a + r2b) / 2, 1e-12);
  // A constant target: 1 when predicted exactly, else 0.
  assert.equal(metrics.r2Score([2, 2, 2], [2, 2, 2]), 1);
  assert.equal(metrics.r2Score([2, 2, 2], [2, 2, 3]), 0);
});

test('one R² for a constant target whose mean does not round exactly: the metric function, the CLI\'s measure, the baseline and the compiled metric all say 1 or 0', () => {
  // 1,000 rows of 123.7: Σy/n is not 123.7 in float64, and SS_tot taken from it was 2.5e-25 (R² −2.4e+23).
  const n = 1000;
  const truth = new Array<number>(n).fill(123.7);
  const off = truth.map((v, i) => v + (i % 2 === 0 ? 1 : -1));
  assert.equal(metrics.r2Score(truth, off), 0);
  assert.equal(metrics.r2Score(truth, truth), 1);
  const y = new Matrix(n, 1, Float64Array.from(truth));
  assert.equal(regressionMetrics(new Matrix(n, 1, Float64Array.from(off)), y).r2, 0);
  assert.equal(regressionMetrics(y, y).r2, 1);
  const baselineR2 = (mean: number) => {
    const b = scoreBaseline({ kind: 'mean', means: [mean] }, y);
    return b.kind === 'mean' ? b.r2 : NaN;
  };
  assert.equal(baselineR2(120), 0);
  assert.equal(baselineR2(123.7), 1);
  const r2 = getMetric('r2', getLoss('mse'));
  r2.update(new Matrix(n, 1, Float64Array.from(off)), y);
  assert.equal(r2.result(), 0);
  // The accumulator itself: exactly 0 for a constant column, the two-pass sum otherwise.
  const ss = new TotalSquares();
  for (const v of truth) ss.add(v);
  assert.equal(ss.ss, 0);
  const spread = new TotalSquares();
  for (const v of [3, -0.5, 2, 7]) spread.add(v);
  assertClose(spread.ss, 29.1875, 1e-12);
});

test('bad metric inputs are clear errors', () => {
  assertThrowsWith(() => metrics.f1Score([0, 1], [0]), ShapeError, /yTrue has 2 labels but yPred has 1/);
  assertThrowsWith(() => metrics.f1Score([0, 1, 2], [0, 1, 1], { average: 'binary' }), InputError, /at most two labels, got 3/);
  assertThrowsWith(() => metrics.f1Score([0, 1], [0, 1], { average: 'weighted' as never }), InputError, /average must be 'binary', 'macro' or 'micro', got "weighted"/);
  assertThrowsWith(() => metrics.r2Score([[1, 2]], [[1]]), ShapeError, /yTrue \[1, 2\] and yPred \[1, 1\] must have the same shape/);
  assertThrowsWith(() => metrics.meanSquaredError([1, NaN], [1, 2]), InputError, /yTrue row 1, column 0 is NaN/);
  assertThrowsWith(() => metrics.accuracyScore([], []), InputError, /0 samples/);
  const model = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })]);
  assertThrowsWith(() => model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['r2'] }), InputError, /metric "r2" compares outputs with targets of the same shape/);
  assertThrowsWith(() => model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['f1macro'] }), InputError, /did you mean "f1Macro"/);
  assertThrowsWith(() => model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['sparseCategoricalAccuracy'] }), InputError, /needs class-index targets/);
});

const CLASS_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'precisionMacro', 'recallMacro', 'f1Macro', 'precisionMicro', 'recallMicro', 'f1Micro'];

/** What the compile metrics must equal: the functions applied to predicted labels. */
function expectedScores(yTrue: readonly Label[], yPred: readonly Label[], binaryPositive?: Label): Record<string, number> {
  const natural = binaryPositive === undefined ? { average: 'macro' as const } : { average: 'binary' as const, positiveLabel: binaryPositive };
  return {
    accuracy: metrics.accuracyScore(yTrue, yPred),
    precision: metrics.precisionScore(yTrue, yPred, natural),
    recall: metrics.recallScore(yTrue, yPred, natural),
    f1: metrics.f1Score(yTrue, yPred, natural),
    precisionMacro: metrics.precisionScore(yTrue, yPred, { average: 'macro' }),
    recallMacro: metrics.recallScore(yTrue, yPred, { average: 'macro' }),
    f1Macro: metrics.f1Score(yTrue, yPred, { average: 'macro' }),
    precisionMicro: metrics.precisionScore(yTrue, yPred, { average: 'micro' }),
    recallMicro: metrics.recallScore(yTrue, yPred, { average: 'micro' }),
    f1Micro: metrics.f1Score(yTrue, yPred, { average: 'micro' }),
  };
}

function assertScores(actual: Record<string, number>, expected: Record<string, number>, what: string): void {
  for (const [k, v] of Object.entries(expected)) assertClose(actual[k]!, v, 1e-12, 0, `${what} ${k}`);
}

test('compile metrics on three classes (sparse and one-hot) equal the functions on predicted labels', async () => {
  const iris = datasets.load('iris');
  for (const loss of ['sparseCategoricalCrossentropy', 'categoricalCrossentropy'] as const) {
    const model = sequential([layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })], { seed: 2 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss, metrics: CLASS_METRICS });
    // A few epochs only, so the classifier still makes mistakes and every score is informative.
    await model.fit(iris.x, iris.y, { epochs: 3, verbose: 0 });
    const predicted = model.predictClasses(iris.x);
    const expected = expectedScores(iris.y, predicted);
    assert.ok(expected.accuracy! < 0.99 && expected.f1Macro! !== expected.f1Micro, 'scores are not trivially 1');
    // Small evaluate batches: the counts must accumulate across batches.
    assertScores(model.evaluate(iris.x, iris.y, { batchSize: 7 }), expected, loss);
  }
});

test('compile metrics on a binary output use the positive class; macro/micro cover both classes', async () => {
  const bc = datasets.load('breast-cancer');
  const model = sequential([layers.dense({ units: 1, inputShape: [30], activation: 'sigmoid' })], { seed: 1 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: CLASS_METRICS });
  await model.fit(bc.x, bc.y, { epochs: 2, verbose: 0 });
  const predicted = model.predictClasses(bc.x);
  // The model's class order is sorted: ['benign', 'malignant'], so the positive class is 'malignant'.
  assert.deepEqual(model.classes, ['benign', 'malignant']);
  assertScores(model.evaluate(bc.x, bc.y, { batchSize: 50 }), expectedScores(bc.y, predicted, 'malignant'), 'binary');
});

test('multi-label (sigmoid outputs with binary cross-entropy): accuracy per output, scores per label', async () => {
  const model = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'sigmoid' })], { seed: 4 });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy', 'binaryAccuracy', 'precisionMacro', 'recallMicro', 'f1Micro', 'f1'] });
  model.setWeights([[[1, -1, 0], [0, 1, 1]], [0, 0, -0.5]]);
  const x = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1]];
  const y = [[1, 0, 1], [0, 1, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1]];
  // Decisions z > 0: label 0 ⇔ x₀ > 0; label 1 ⇔ x₁ > x₀; label 2 ⇔ x₁ > 0.5.
  const decide = (r: number[]) => [r[0]! > 0, r[1]! - r[0]! > 0, r[1]! - 0.5 > 0];
  const d = x.map(decide);
  const counts = [0, 1, 2].map((j) => {
    let tp = 0, fp = 0, fn = 0;
    d.forEach((row, i) => {
      const t = y[i]![j] === 1;
      if (row[j] && t) tp++;
      else if (row[j]) fp++;
      else if (t) fn++;
    });
    return { tp, fp, fn };
  });
  const right = d.flatMap((row, i) => row.map((v, j) => (v === (y[i]![j] === 1) ? 1 : 0) as number)).reduce((a, b) => a + b, 0);
  const sum = (k: 'tp' | 'fp' | 'fn') => counts.reduce((s, c) => s + c[k], 0);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const logs = model.evaluate(x, y, { batchSize: 2 });
  assertClose(logs.accuracy!, right / 15, 1e-12, 0, 'accuracy');
  assertClose(logs.binaryAccuracy!, right / 15, 1e-12, 0, 'binaryAccuracy');
  assertClose(logs.precisionMacro!, counts.reduce((s, c) => s + ratio(c.tp, c.tp + c.fp), 0) / 3, 1e-12, 0, 'precisionMacro');
  assertClose(logs.recallMicro!, sum('tp') / (sum('tp') + sum('fn')), 1e-12, 0, 'recallMicro');
  assertClose(logs.f1Micro!, (2 * sum('tp')) / (2 * sum('tp') + sum('fp') + sum('fn')), 1e-12, 0, 'f1Micro');
  assertClose(logs.f1!, counts.reduce((s, c) => s + ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn), 0) / 3, 1e-12, 0, 'f1 (macro over labels)');
});

test('compile regression metrics mse, mae and r2 equal the functions on the predictions', async () => {
  const data = datasets.load('diabetes-progression');
  const x = data.x.map((r) => r.map((v, j) => v / [100, 2, 40, 120, 300, 200, 100, 10, 6, 120][j]!));
  const model = sequential([layers.dense({ units: 8, inputShape: [10], activation: 'tanh' }), layers.dense({ units: 1 })], { seed: 1, dtype: 'float64' });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'mse', metrics: ['mse', 'mae', 'r2'] });
  await model.fit(x, data.y as number[], { epochs: 5, verbose: 0 });
  const predicted = model.predict(x).map((r) => r[0]!);
  const y = data.y as number[];
  const logs = model.evaluate(x, y, { batchSize: 64 });
  assertClose(logs.mse!, metrics.meanSquaredError(y, predicted), 0, 1e-9, 'mse');
  assertClose(logs.mae!, metrics.meanAbsoluteError(y, predicted), 0, 1e-9, 'mae');
  assertClose(logs.r2!, metrics.r2Score(y, predicted), 1e-9, 0, 'r2');
  assert.ok(logs.r2! > -5 && logs.r2! < 1);
  // The mse metric and the mse loss agree (no regularisation here).
  assertClose(logs.mse!, logs.loss!, 0, 1e-9, 'mse = loss');
});
