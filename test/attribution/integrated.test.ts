import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, integratedGradients, gradientTimesInput, featureAttribution, predictRecords, Rng, ExplanationInputError, ShapeError } from '../../src/index.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';
import { tableOf, withPipeline } from './fixtures.js';

/** A regression table: numbers a, b, a category colour; the target is whatever (the model is set by hand). */
function mixedTable(rows: number, seed: number, classes?: readonly string[]) {
  const rng = new Rng(seed);
  const colours = ['red', 'green', 'blue'];
  const out: (string | number)[][] = [];
  for (let i = 0; i < rows; i++) out.push([3 + 2 * rng.normal(), rng.uniform(-10, 10), colours[rng.int(3)]!, classes ? classes[i % classes.length]! : rng.normal()]);
  return tableOf(['a', 'b', 'colour', 'y'], out);
}

test('a linear model: integrated gradients equal weight × (x − baseline), exactly, per column', () => {
  const table = mixedTable(40, 1);
  // Inputs a, b, then colour's categories; no scaling, so the weights are per raw unit.
  const w = [0.7, -0.25, 1.5, -2, 0.3];
  const m = sequential([layers.dense({ units: 1, inputShape: [5] })], { dtype: 'float64' });
  m.setWeights([w.map((v) => [v]), [0.4]]);
  const model = withPipeline(table, m, 'regression', 'none');
  assert.equal(model.preprocessing.targetScaler, undefined);
  const c = model.preprocessing.schema!.inputs[2]!;
  const cats = c.kind === 'categorical' ? c.categories : [];
  assert.deepEqual([...cats].sort(), ['blue', 'green', 'red']);
  const record = { a: 5.5, b: -3, colour: 'green' };
  const baseline = { a: 1, b: 2, colour: 'red' };
  for (const attribution of [integratedGradients(model, record, { baseline, steps: 7 }), gradientTimesInput(model, record, { baseline })]) {
    const by = new Map(attribution.columns.map((c) => [c.column, c.attributions[0]!]));
    assertClose(by.get('a')!, 0.7 * (5.5 - 1), 1e-12, 0, `${attribution.method} a`);
    assertClose(by.get('b')!, -0.25 * (-3 - 2), 1e-12, 0, `${attribution.method} b`);
    assertClose(by.get('colour')!, w[2 + cats.indexOf('green')]! - w[2 + cats.indexOf('red')]!, 1e-12, 0, `${attribution.method} colour`);
    assert.deepEqual(attribution.outputs, ['y']);
    assert.equal(attribution.task, 'regression');
    assertClose(attribution.prediction[0]!, 0.4 + 0.7 * 5.5 + 0.25 * 3 + w[2 + cats.indexOf('green')]!, 1e-12, 0, 'f(x)');
    assertClose(attribution.residual[0]!, 0, 1e-12, 0, 'completeness is exact');
  }
});

test('a linear model on standardised inputs: the chain rule through the scaler, weight / scale × (x − median)', () => {
  const table = mixedTable(41, 2);
  const w = [0.9, 0.2, 0, 0, 0];
  const m = sequential([layers.dense({ units: 1, inputShape: [5] })], { dtype: 'float64' });
  m.setWeights([w.map((v) => [v]), [0]]);
  const model = withPipeline(table, m, 'regression', 'standard');
  const s = model.preprocessing.scaler!.scale;
  const ts = model.preprocessing.targetScaler!.scale[0]!;
  const medianA = model.preprocessing.imputer!.values[0]!;
  const as = Array.from({ length: table.rows }, (_, i) => table.x.data[i * table.x.cols]!).sort((p, q) => p - q);
  assert.equal(medianA, as[20], 'the typical baseline is the median');
  const a = integratedGradients(model, { a: 7, b: 1, colour: 'blue' });
  assert.equal(a.columns[0]!.baseline, medianA);
  // Predictions are in the target's units: the target scaler's scale multiplies everything.
  assertClose(a.columns[0]!.attributions[0]!, ts * (0.9 / s[0]!) * (7 - medianA), 1e-9, 1e-6, 'a');
  assertClose(a.columns[1]!.attributions[0]!, ts * (0.2 / s[1]!) * (1 - model.preprocessing.imputer!.values[1]!), 1e-9, 1e-6, 'b');
  assertClose(a.columns[2]!.attributions[0]!, 0, 1e-12, 0, 'colour has weight 0');
  assertClose(a.prediction[0]!, predictRecords(model, [{ a: 7, b: 1, colour: 'blue' }]).values[0] as number, 1e-9, 1e-6, 'f(x) is predictRecords\'');
});

test('completeness on a nonlinear classifier: attributions sum to f(x) − f(baseline) within 1 %', () => {
  const table = mixedTable(60, 3, ['low', 'mid', 'high']);
  const m = sequential([
    layers.dense({ units: 12, activation: 'tanh', inputShape: [5] }),
    layers.dense({ units: 8, activation: 'sigmoid' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 7 });
  // Larger weights than the initialiser's, so the surface is far from linear.
  m.setWeights(m.getWeights().map((t) => JSON.parse(JSON.stringify(t), (_k, v: unknown) => (typeof v === 'number' ? v * 3 : v)) as typeof t));
  m.classes = ['low', 'mid', 'high'];
  const model = withPipeline(table, m, 'multiclass');
  let checked = 0;
  let firstOrderMiss = 0;
  for (let row = 0; row < 10; row++) {
    const a = integratedGradients(model, { table, row }, { steps: 64 });
    const g = gradientTimesInput(model, { table, row });
    assert.deepEqual(a.outputs, ['low', 'mid', 'high']);
    a.outputs.forEach((_, o) => {
      const delta = a.prediction[o]! - a.baselinePrediction[o]!;
      const sum = a.columns.reduce((s, c) => s + c.attributions[o]!, 0);
      assert.ok(Math.abs(sum - delta) <= 0.01 * Math.abs(delta) + 1e-6, `row ${row}, ${a.outputs[o]}: Σ ${sum} vs Δ ${delta}`);
      if (Math.abs(delta) > 0.05) checked++;
      assertClose(a.residual[o]!, sum - delta, 1e-12, 0, 'residual');
    });
    // The probabilities sum to 1, so each column's attributions over the classes sum to 0.
    for (const c of a.columns) assert.ok(Math.abs(c.attributions.reduce((s, v) => s + v, 0)) < 1e-5, `${c.column}`);
    firstOrderMiss = Math.max(firstOrderMiss, ...g.residual.map(Math.abs));
  }
  assert.ok(firstOrderMiss > 0.01, `gradient × input misses by up to ${firstOrderMiss}: the model is far from linear`);
  assert.ok(checked >= 5, `only ${checked} outputs moved by more than 0.05: the test would not see an error`);
});

test('completeness with ReLU and a regression target (the kinks need more steps; the residual says how far)', () => {
  const table = mixedTable(50, 4);
  // float64, so what is measured is the integral's error, not float32 rounding (≈ 1e-4 here).
  const m = sequential([layers.dense({ units: 16, activation: 'relu', inputShape: [5] }), layers.dense({ units: 1 })], { seed: 2, dtype: 'float64' });
  const model = withPipeline(table, m, 'regression');
  for (let row = 0; row < 5; row++) {
    const a = integratedGradients(model, { table, row }, { steps: 1000 });
    const delta = a.prediction[0]! - a.baselinePrediction[0]!;
    assert.ok(Math.abs(a.residual[0]!) <= 0.01 * Math.abs(delta) + 1e-6, `row ${row}: residual ${a.residual[0]} of Δ ${delta}`);
  }
});

test('a binary model: the two classes\' attributions are opposite; a missing value is filled as in predict', () => {
  const table = mixedTable(30, 5, ['no', 'yes']);
  const m = sequential([layers.dense({ units: 4, activation: 'tanh', inputShape: [5] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 9 });
  m.classes = ['no', 'yes'];
  const model = withPipeline(table, m, 'multiclass');
  const a = integratedGradients(model, { a: 1, b: null, colour: 'mauve' });
  assert.deepEqual(a.outputs, ['no', 'yes']);
  assert.equal(a.task, 'classification');
  for (const c of a.columns) assertClose(c.attributions[0]!, -c.attributions[1]!, 1e-9, 0, c.column);
  const b = a.columns.find((c) => c.column === 'b')!;
  assert.equal(b.value, null, 'missing');
  assertClose(b.attributions[1]!, 0, 1e-9, 0, 'a missing number is filled with the median, the baseline\'s value');
  assert.equal(a.columns.find((c) => c.column === 'colour')!.value, null, 'an unseen category');
  const p = predictRecords(model, [{ a: 1, b: null, colour: 'mauve' }]).probabilities![0]!;
  assertClose(a.prediction[1]!, p[1]!, 1e-6, 0, 'f(x) is the prediction');
});

test('bad input names the column, row or option', () => {
  const table = mixedTable(10, 6);
  const m = sequential([layers.dense({ units: 1, inputShape: [5] })]);
  const model = withPipeline(table, m, 'regression');
  assert.throws(() => integratedGradients(model, { a: 1, colour: 'red' }), (e: unknown) => e instanceof ExplanationInputError && e.column === 'b' && /record has no "b"; the model uses a, b, colour/.test(e.message));
  assert.throws(() => integratedGradients(model, { table, row: 10 }), (e: unknown) => e instanceof ExplanationInputError && e.row === 10 && /row 10 does not exist; test\.csv has rows 0 to 9/.test(e.message));
  assertThrowsWith(() => integratedGradients(model, { table, row: 0 }, { steps: 0 }), Error, /steps/);
  assertThrowsWith(() => integratedGradients(model, { table, row: 0 }, { baseline: 'zero' as 'typical' }), ExplanationInputError, /baseline must be 'typical', a record or \{ table, row \}/);
  assertThrowsWith(() => gradientTimesInput({ network: m, preprocessing: {} }, { a: 1 }), ExplanationInputError, /no column schema/);
});

test('featureAttribution on a model\'s own inputs: exact for a linear model, complete for a nonlinear one', () => {
  const lin = sequential([layers.dense({ units: 1, inputShape: [3] })], { dtype: 'float64' });
  lin.setWeights([[[2], [-1], [0.5]], [0.3]]);
  const a = featureAttribution(lin, [1, 2, 3], { baseline: [0.5, 0, -1] });
  assert.deepEqual(a.attributions, [2 * 0.5, -1 * 2, 0.5 * 4]);
  assertClose(a.residual, 0, 1e-12, 0, 'residual');
  const net = sequential([layers.dense({ units: 8, activation: 'tanh', inputShape: [4] }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 4 });
  const x = [0.7, -0.4, 0.49, Math.sin(Math.PI * 0.7)];
  for (const unit of [0, 1]) {
    const f = featureAttribution(net, x, { unit });
    const delta = f.output - f.baselineOutput;
    assert.ok(Math.abs(delta) > 0.01, `Δ ${delta}`);
    assert.ok(Math.abs(f.residual) <= 0.01 * Math.abs(delta), `unit ${unit}: residual ${f.residual} of ${delta}`);
    assertClose(f.output, net.predict([x])[0]![unit]!, 1e-7, 0, 'output');
  }
  assertThrowsWith(() => featureAttribution(net, [1, 2]), ShapeError, /x has 2 values, the model takes 4 inputs/);
  assertThrowsWith(() => featureAttribution(net, [1, 2, Number.NaN, 0]), ExplanationInputError, /x\[2\] is NaN, not a finite number/);
});
