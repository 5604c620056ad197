// R23: a column whose values are about 1e-41 has a scale of about 1e-41; folded into the first
// layer its weights are about 1e40, Infinity in float32: the ONNX and TF.js exports printed NaN
// for every row. Refused naming the column and the layer. R24: float64 weights of 1e39 (beyond
// float32) were written as Infinity: refused naming the layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, NonFiniteWeightError, layers, modelFromOnnx, modelToOnnx, modelToTfjs, sequential, standardScaler } from '../../src/index.js';
import { assertErrorData } from './errorData.js';

async function trained(tinyFactor: number) {
  const rows = Array.from({ length: 40 }, (_, i) => [i % 5, (i % 7) * tinyFactor]);
  const scaler = standardScaler().fit(Matrix.fromArray(rows, 'float64'));
  const m = sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [2], name: 'first' })], { seed: 1 });
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam' });
  await m.fit(scaler.transform(Matrix.fromArray(rows, 'float64'), 'float32'), rows.map((_, i) => i % 2), { epochs: 2, verbose: 0 });
  return { m, rows, preprocessing: { scaler: scaler.toJSON(), featureNames: ['a', 'tiny'] } };
}

test('R23: scaling folded into float32 weights that overflow is refused naming the column and the layer', async () => {
  const { m, preprocessing } = await trained(1e-41);
  for (const [fn, format] of [[() => modelToOnnx(m, { preprocessing }), 'ONNX'], [() => modelToTfjs(m, { preprocessing }), 'TensorFlow\\.js']] as const) {
    assertErrorData(fn, NonFiniteWeightError, { layer: 'first', param: 'first/kernel', column: 'tiny' },
      new RegExp(`${format} export: folding the input scaling into first/kernel gives -?\\d\\.\\d+e\\+40 for column "tiny", beyond float32`));
  }
  // Network-only exports fold nothing and are fine.
  assert.ok(modelToOnnx(m, { preprocessing, networkOnly: true }).length > 0);
});

test('R23: the same column at 1e-3 folds and predicts as the native model through the scaler', async () => {
  const { m, rows, preprocessing } = await trained(1e-3);
  const back = modelFromOnnx(modelToOnnx(m, { preprocessing }));
  const scaled = standardScaler().fit(Matrix.fromArray(rows, 'float64'));
  const want = m.predict(scaled.transform(Matrix.fromArray(rows.slice(0, 5), 'float64'), 'float32'));
  const got = back.network.predict(rows.slice(0, 5));
  got.flat().forEach((v, i) => assert.ok(Math.abs(v - want.flat()[i]!) < 1e-5, `${v} vs ${want.flat()[i]}`));
});

test('R24: float64 weights of 1e39 are refused naming the layer, in both formats', () => {
  const m = sequential([layers.dense({ units: 2, inputShape: [2], name: 'big' })], { seed: 1, dtype: 'float64' });
  m.layers[0]!.weights()[0]!.value[3] = -1e39;
  for (const fn of [() => modelToOnnx(m), () => modelToTfjs(m)]) {
    assertErrorData(fn, NonFiniteWeightError, { layer: 'big', param: 'big/kernel', column: undefined }, /big\/kernel holds -1\.00e\+39 at index 3, beyond float32 \(±3\.4e38\), the exported dtype/);
  }
  m.layers[0]!.weights()[0]!.value[3] = NaN;
  assertErrorData(() => modelToOnnx(m), NonFiniteWeightError, { layer: 'big' }, /big\/kernel holds NaN at index 3; a model with non-finite weights cannot be exported/);
});

test('R23: a raw-column ONNX graph whose scale rounds to 0 in float32 is refused naming the column', async () => {
  const { tableFromRecords } = await import('../../src/index.js');
  const t = tableFromRecords([['a', 'tiny', 'y'], ['1', '0', 'p'], ['2', '1e-46', 'q'], ['3', '2e-46', 'p']], { source: 't.csv', target: 'y' });
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 1 });
  const scaler = standardScaler().fit(t.x).toJSON();
  assertErrorData(() => modelToOnnx(m, { preprocessing: { schema: t.schema, scaler } }), NonFiniteWeightError, { layer: 'pipeline', column: 'tiny' },
    /ONNX export: the scaling of column "tiny" \(offset 1\.00e-46, scale 8\.16e-47\) is not representable in float32/);
  // Scaled to ordinary numbers it exports.
  const ok = standardScaler().fit(Matrix.fromArray([[1, 0], [2, 1], [3, 2]], 'float64')).toJSON();
  assert.ok(modelToOnnx(m, { preprocessing: { schema: t.schema, scaler: ok } }).length > 0);
});
