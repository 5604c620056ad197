// R25: an imported model (ONNX or TF.js) with NaN weights printed the first class for every row
// with exit 0. Refused at import naming the layer and the tensor; loadModel refuses the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonFiniteWeightError, layers, loadModel, modelFromOnnx, modelFromTfjs, modelToOnnx, modelToTfjs, saveModel, sequential } from '../../src/index.js';
import { decodeOnnx, encodeOnnx } from '../../src/io/onnx/schema.js';
import { assertErrorData } from './errorData.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-r25-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const model = () => sequential([layers.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'hidden' }), layers.dense({ units: 3, activation: 'softmax', name: 'out' })], { seed: 1 });

test('R25: an ONNX file whose second kernel holds NaN is refused naming the layer', () => {
  const onnx = decodeOnnx(modelToOnnx(model()), { maxNodes: 100, maxElements: 1000 });
  const initializers = onnx.graph.initializers.map((t) => (t.name === 'out/kernel' ? { ...t, data: Float32Array.from(t.data, (v, i) => (i === 5 ? NaN : v)) } : t));
  const bytes = encodeOnnx({ ...onnx, graph: { ...onnx.graph, initializers } });
  assertErrorData(() => modelFromOnnx(bytes), NonFiniteWeightError, { layer: 'out/Gemm', param: 'out/kernel' }, /ONNX model: initializer "out\/kernel" of node "out\/Gemm" \(Gemm\) holds NaN at index 5/);
});

test('R25: a TF.js weights file with Infinity is refused, by modelFromTfjs and by loadModel', () => {
  const t = modelToTfjs(model());
  const data = t.weightData.slice();
  new DataView(data.buffer).setFloat32(4 * 14, Infinity, true); // hidden/bias is 12 kernel values then 4 biases
  assertErrorData(() => modelFromTfjs(t.modelJson, data), NonFiniteWeightError, { layer: 'hidden', param: 'hidden/bias' }, /TensorFlow\.js model: hidden\/bias \(layer hidden\) holds Infinity at index 2/);
  const path = join(dir, 'm', 'model.json');
  saveModel(model(), path);
  const bin = join(dir, 'm', 'model.weights.bin');
  const bytes = new Uint8Array(readFileSync(bin));
  new DataView(bytes.buffer, bytes.byteOffset).setFloat32(0, NaN, true);
  writeFileSync(bin, bytes);
  assertErrorData(() => loadModel(path), NonFiniteWeightError, { layer: 'hidden', param: 'hidden/kernel' }, /hidden\/kernel \(layer hidden\) holds NaN at index 0/);
});

test('R25: the untouched exports import and predict as the model', () => {
  const m = model();
  const x = [[0.1, -0.4, 2]];
  assert.deepEqual(modelFromOnnx(modelToOnnx(m)).network.predict(x), m.predict(x));
});
