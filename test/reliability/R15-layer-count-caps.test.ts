// R15: a model of 6,000 Dense layers saves natively and loads, but as ONNX (12,000 nodes) or
// TF.js (12,000 layers with the LeakyReLU layers) it would pass the readers' 10,000 cap: refused
// before writing, naming the cap; 4,000 layers export and load back with the same predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapError, layers, modelFromBytes, modelFromOnnx, modelFromTfjs, modelToBytes, modelToOnnx, modelToTfjs, sequential } from '../../src/index.js';
import { ONNX_CAPS, TFJS_CAPS } from '../../src/io/caps.js';
import { assertErrorData } from './errorData.js';

function deep(n: number, activation: 'relu' | 'leakyRelu') {
  return sequential(Array.from({ length: n }, (_, i) => layers.dense({ units: 1, activation, ...(i === 0 ? { inputShape: [1] } : {}) })), { seed: 3 });
}

test('R15: 6,000 layers: native saves and loads; ONNX and TF.js are refused at the readers\' caps', () => {
  const m = deep(6000, 'leakyRelu');
  assert.equal(modelFromBytes(modelToBytes(m)).network.layers.length, 6000);
  assertErrorData(() => modelToOnnx(m), CapError, { cap: 'maxNodes', limit: ONNX_CAPS.maxNodes, actual: 12_000 }, /ONNX graph nodes would be 12000, over the reader's maxNodes of 10000/);
  assertErrorData(() => modelToTfjs(m), CapError, { cap: 'maxLayers', limit: TFJS_CAPS.maxLayers, actual: 12_000 }, /TensorFlow\.js layers would be 12000, over the reader's maxLayers of 10000/);
});

test('R15: 4,000 layers export to both and load back with the same predictions', () => {
  const m = deep(4000, 'leakyRelu');
  const x = [[0.5], [-2]];
  const want = m.predict(x);
  assert.deepEqual(modelFromOnnx(modelToOnnx(m)).network.predict(x), want);
  const t = modelToTfjs(m);
  assert.deepEqual(modelFromTfjs(t.modelJson, t.weightData).network.predict(x), want);
});
