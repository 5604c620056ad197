import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { sequential, layers, UnsupportedError, ModelFormatError, type ActivationSpec } from '../../src/index.js';
import { modelToOnnx } from '../../src/io/onnx/export.js';
import { modelFromOnnx } from '../../src/io/onnx/import.js';
import { encodeOnnx, decodeOnnx } from '../../src/io/onnx/schema.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { LOSS_PAIRINGS, activationLabel, exportMlp, maxDiff, pairedModel, rows } from './helpers.js';

const ACTIVATIONS: ActivationSpec[] = ['linear', 'step', 'sign', 'piecewiseLinear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', { name: 'leakyRelu', alpha: 0.3 }, 'softmax'];

async function runOrt(bytes: Uint8Array, x: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(bytes);
  const cols = x[0]!.length;
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, cols]) });
  const t = out[session.outputNames[0]!]!;
  const data = Array.from(t.data as Float32Array);
  const k = t.dims[1]!;
  return Array.from({ length: x.length }, (_, i) => data.slice(i * k, (i + 1) * k));
}

for (const act of ACTIVATIONS) {
  const label = activationLabel(act);
  test(`ONNX ${label}: onnxruntime matches predict within 1e-5 (batch 1 and 9), and the import gives the same predictions`, async () => {
    const model = await exportMlp(act, act === 'softmax' ? 'softmax' : 'linear', 3, 5, { epsilon: 1e-3 });
    const bytes = modelToOnnx(model);
    for (const n of [1, 9]) {
      const x = rows(n, 4, 40 + n);
      const ours = model.predict(x);
      assert.ok(maxDiff(await runOrt(bytes, x), ours) <= 1e-5, label);
      const back = modelFromOnnx(bytes).model;
      assert.ok(maxDiff(back.predict(x), ours) <= 1e-5, `${label} import`);
    }
  });
}

for (const pairing of LOSS_PAIRINGS) {
  const [loss, out] = pairing;
  test(`ONNX loss pairing ${loss} + ${out} output: trained model matches onnxruntime and round trips`, async () => {
    const { model, x } = await pairedModel(pairing);
    const bytes = modelToOnnx(model);
    assert.ok(maxDiff(await runOrt(bytes, x), model.predict(x)) <= 1e-5);
    assert.ok(maxDiff(modelFromOnnx(bytes).model.predict(x), model.predict(x)) <= 1e-5);
  });
}

test('ONNX file: IR 8, opset 17, dynamic batch dimension, epsilon and alpha written, metadata round trip', () => {
  const model = sequential([layers.dense({ units: 3, inputShape: [2], activation: { name: 'leakyRelu', alpha: 0.3 } }), layers.batchNormalization(), layers.dense({ units: 2, activation: 'softmax' })]);
  model.classes = ['no', 'yes'];
  const bytes = modelToOnnx(model, { preprocessing: { featureNames: ['a', 'b'] } });
  const onnx = decodeOnnx(bytes, { maxNodes: 100, maxElements: 1000 });
  assert.equal(onnx.irVersion, 8);
  assert.deepEqual(onnx.opsets, [{ domain: '', version: 17 }]);
  assert.deepEqual(onnx.graph.inputs[0]!.shape, ['N', 2]);
  assert.deepEqual(onnx.graph.nodes.map((n) => n.opType), ['Gemm', 'LeakyRelu', 'BatchNormalization', 'Gemm', 'Softmax']);
  const alpha = onnx.graph.nodes[1]!.attributes.find((a) => a.name === 'alpha')!;
  assert.ok(alpha.kind === 'float' && Math.abs(alpha.value - 0.3) < 1e-7);
  const eps = onnx.graph.nodes[2]!.attributes.find((a) => a.name === 'epsilon')!;
  assert.ok(eps.kind === 'float' && Math.abs(eps.value - 1e-3) < 1e-9);
  const loaded = modelFromOnnx(bytes);
  assert.deepEqual(loaded.model.classes, ['no', 'yes']);
  assert.deepEqual(loaded.preprocessing.featureNames, ['a', 'b']);
  const spec = loaded.model.layers[0]!.outputActivation()!.spec;
  assert.ok(typeof spec === 'object' && Math.abs(spec.alpha - 0.3) < 1e-7, JSON.stringify(spec));
});

test('ONNX export folds the input scaler and a regression target scaler: raw columns in, raw targets out', async () => {
  const model = sequential([layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), layers.dense({ units: 2 })], { seed: 8 });
  const scaler = { kind: 'standard' as const, offset: [10, -3, 0.5], scale: [4, 0.25, 2] };
  const targetScaler = { kind: 'standard' as const, offset: [100, -7], scale: [20, 3] };
  const raw = rows(6, 3, 4, 5);
  const scaled = raw.map((r) => r.map((v, i) => (v - scaler.offset[i]!) / scaler.scale[i]!));
  const expected = model.predict(scaled).map((r) => r.map((v, j) => v * targetScaler.scale[j]! + targetScaler.offset[j]!));
  const bytes = modelToOnnx(model, { preprocessing: { scaler, targetScaler } });
  const rel = maxDiff((await runOrt(bytes, raw)).map((r) => r.map((v, j) => v / targetScaler.scale[j]!)), expected.map((r) => r.map((v, j) => v / targetScaler.scale[j]!)));
  assert.ok(rel <= 1e-5, `relative ${rel}`);
  assert.deepEqual(modelFromOnnx(bytes).preprocessing.scaler, undefined);
  assert.throws(() => modelToOnnx(sequential([layers.batchNormalization({ inputShape: [3] })]), { preprocessing: { scaler } }), UnsupportedError);
});

for (const name of ['relu_softmax_op17', 'bn_tanh_sigmoid_op9', 'flatten_matmul_leaky_op13']) {
  test(`ONNX from torch.onnx.export (${name}): imported predictions match PyTorch's within 1e-5`, () => {
    const fixture = JSON.parse(readFileSync(new URL(`./fixtures/torch_${name}.json`, import.meta.url), 'utf8')) as { x: number[][]; y: number[][] };
    const bytes = new Uint8Array(readFileSync(new URL(`./fixtures/torch_${name}.onnx`, import.meta.url)));
    const { model, metadata } = modelFromOnnx(bytes);
    assert.ok(maxDiff(model.predict(fixture.x), fixture.y) <= 1e-5);
    assert.match(String(metadata.producer), /pytorch/);
  });
}

test('ONNX import: an op outside an MLP is an UnsupportedError naming the node and its op type', () => {
  const base = decodeOnnx(modelToOnnx(sequential([layers.dense({ units: 2, inputShape: [2], activation: 'relu' })])), { maxNodes: 10, maxElements: 100 });
  const nodes = base.graph.nodes.map((n) => (n.opType === 'Relu' ? { ...n, opType: 'Elu', name: 'weird_elu' } : n));
  const bytes = encodeOnnx({ ...base, graph: { ...base.graph, nodes } });
  assertThrowsWith(() => modelFromOnnx(bytes), UnsupportedError, /weird_elu/, /Elu/);
  const tooNew = encodeOnnx({ ...base, opsets: [{ domain: '', version: 26 }] });
  assertThrowsWith(() => modelFromOnnx(tooNew), UnsupportedError, /opset 26/);
  assertThrowsWith(() => modelFromOnnx(bytes.subarray(0, bytes.length - 5)), ModelFormatError, /ONNX/);
});

test('ONNX import: Gemm with transB 1, alpha and beta, and MatMul+Add from hand-built graphs', () => {
  const w = Float32Array.from([1, 2, 3, 4, 5, 6]); // [out=2, in=3] for transB 1
  const b = Float32Array.from([0.5, -1]);
  const graph = (nodes: Parameters<typeof encodeOnnx>[0]['graph']['nodes'], inits: Parameters<typeof encodeOnnx>[0]['graph']['initializers'], opset: number) =>
    encodeOnnx({ irVersion: 7, producerName: 'tf2onnx', producerVersion: '1', opsets: [{ domain: '', version: opset }], metadata: [], graph: { name: 'g', nodes, initializers: inits, inputs: [{ name: 'x', shape: ['unk', 3] }], outputs: [{ name: 'y', shape: undefined }] } });
  const gemm = graph([{ opType: 'Gemm', name: 'g1', inputs: ['x', 'W', 'B'], outputs: ['y'], domain: '', attributes: [{ name: 'transB', kind: 'int', value: 1 }, { name: 'alpha', kind: 'float', value: 2 }, { name: 'beta', kind: 'float', value: 3 }] }],
    [{ name: 'W', dims: [2, 3], data: w }, { name: 'B', dims: [2], data: b }], 11);
  const x = [[1, -1, 2]];
  const expected = [[2 * (1 - 2 + 6) + 1.5, 2 * (4 - 5 + 12) - 3]];
  assert.ok(maxDiff(modelFromOnnx(gemm).model.predict(x), expected) < 1e-6);
  const matmul = graph([
    { opType: 'MatMul', name: 'mm', inputs: ['x', 'W'], outputs: ['h'], domain: '', attributes: [] },
    { opType: 'Add', name: 'add', inputs: ['B', 'h'], outputs: ['z'], domain: '', attributes: [] },
    { opType: 'Relu', name: 'r', inputs: ['z'], outputs: ['y'], domain: '', attributes: [] },
  ], [{ name: 'W', dims: [3, 2], data: w }, { name: 'B', dims: [2], data: b }], 21);
  const m2 = modelFromOnnx(matmul).model;
  assert.equal(m2.layers.length, 1);
  assert.ok(maxDiff(m2.predict(x), [[Math.max(0, 1 - 3 + 10 + 0.5), Math.max(0, 2 - 4 + 12 - 1)]]) < 1e-6);
});
