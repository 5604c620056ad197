// R16: an ONNX model of shape [N, 0] (a Gemm with a [0, k] kernel) imported as a network of 0
// inputs that saved natively to a file the loader refuses. A model needs at least one input:
// refused at import (as a [3, 0] kernel is, naming the node); every saved file loads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFormatError, layers, modelFromBytes, modelFromOnnx, modelToBytes, modelToOnnx, sequential } from '../../src/index.js';
import { decodeOnnx, encodeOnnx } from '../../src/io/onnx/schema.js';
import { assertErrorData } from './errorData.js';

const m = sequential([layers.dense({ units: 2, inputShape: [3], name: 'd' })], { seed: 1 });
const onnx = decodeOnnx(modelToOnnx(m), { maxNodes: 100, maxElements: 1000 });

function withKernel(rows: number, cols: number): Uint8Array {
  const initializers = onnx.graph.initializers.map((t) => (t.name === 'd/kernel' ? { ...t, dims: [rows, cols], data: new Float32Array(0) } : t.name === 'd/bias' ? { ...t, dims: [cols], data: new Float32Array(cols) } : t));
  return encodeOnnx({ ...onnx, graph: { ...onnx.graph, initializers, inputs: [{ name: onnx.graph.inputs[0]!.name, shape: ['N', rows] }], outputs: [{ name: onnx.graph.outputs[0]!.name, shape: ['N', cols] }] } });
}

test('R16: an [N, 0] ONNX model is refused at import; [N, 3] → 0 units too', () => {
  assertErrorData(() => modelFromOnnx(withKernel(0, 2)), ModelFormatError, {}, /ONNX model is invalid: sequential: the model needs at least 1 input feature \(shape=\(n, 0\)\)/);
  assertErrorData(() => modelFromOnnx(withKernel(3, 0)), ModelFormatError, {}, /ONNX node "d\/Gemm"\.units: expected an integer in \[1, \d+\], got 0/);
});

test('R16: the unmodified import saves natively and loads back with the same predictions', () => {
  const imported = modelFromOnnx(modelToOnnx(m));
  const back = modelFromBytes(modelToBytes(imported.network));
  assert.deepEqual(back.network.predict([[1, 2, 3]]), m.predict([[1, 2, 3]]));
});
