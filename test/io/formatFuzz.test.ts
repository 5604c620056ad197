import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sequential, layers, modelToOnnx, modelFromOnnx, modelToTfjs, modelFromTfjs, parseTfjsJson } from '../../src/index.js';
import { decodeOnnx, encodeOnnx, type OnnxModel } from '../../src/io/onnx/schema.js';
import { byteMutations, checkLoad, loadBudget, editedJson, jsonPaths, type LoadCounts, type Mutation } from './helpers.js';

/**
 * The native loader's fuzz (fuzz.test.ts) for the two foreign formats: 1,000 mutated files
 * each, every one either loads or is rejected with the library's own error, within 500× the CPU
 * time of loading the intact file (loadBudget),
 * never through the importers' last-resort "unexpected" branch.
 */
const model = sequential([
  layers.dense({ units: 6, inputShape: [3], activation: { name: 'leakyRelu', alpha: 0.2 } }),
  layers.batchNormalization(),
  layers.dropout({ rate: 0.2 }),
  layers.dense({ units: 4, activation: 'piecewiseLinear' }),
  layers.activation({ activation: 'tanh' }),
  layers.dense({ units: 3, activation: 'softmax' }),
], { seed: 3 });
model.classes = ['a', 'b', 'c'];
const preprocessing = { featureNames: ['x', 'y', 'z'], schema: { inputs: [{ name: 'x', kind: 'numeric' as const }, { name: 'y', kind: 'numeric' as const }, { name: 'z', kind: 'numeric' as const }], target: { kind: 'classes' as const, names: ['t'], classes: ['a', 'b', 'c'] } } };

const hostileNumbers = fc.constantFrom(-1, 0, 1, 2, 3, 6, 1e9, 2 ** 40, -(2 ** 31));

test('1,000 mutated ONNX files: a correct load or the library error, each within 500× the CPU time of an intact load', () => {
  const base = modelToOnnx(model, { preprocessing });
  const onnx = decodeOnnx(base, { maxNodes: 1000, maxElements: 1e6 });
  const structural = fc.tuple(fc.nat({ max: 100 }), fc.nat({ max: 5 }), hostileNumbers, fc.constantFrom('Relu', 'Conv', 'Gemm', 'MatMul', 'Add', 'Clip', 'Cast', '', '__proto__', 'Reshape', 'Softmax', 'BatchNormalization')).map(([pick, what, n, op]): Mutation => {
    const m = structuredClone(onnx) as { -readonly [K in keyof OnnxModel]: OnnxModel[K] } & { graph: { nodes: { opType: string; inputs: string[]; attributes: { value: unknown; kind: string }[] }[]; initializers: { dims: number[] }[] } };
    const node = m.graph.nodes[pick % m.graph.nodes.length]!;
    const init = m.graph.initializers[pick % m.graph.initializers.length]!;
    if (what === 0) node.opType = op;
    else if (what === 1 && node.attributes[0]) node.attributes[0].value = n;
    else if (what === 2) init.dims = [n, Number.isFinite(n) ? Math.abs(Math.trunc(n)) : 1].map((d) => (Number.isFinite(d) ? Math.trunc(d) : 7));
    else if (what === 3) node.inputs = node.inputs.slice(0, pick % 3);
    else if (what === 4) m.metadata = [{ key: 'classes', value: pick % 2 ? '{"__proto__": 1}' : '[1, 1]' }];
    else m.opsets = [{ domain: '', version: Number.isFinite(n) ? Math.trunc(n) : 0 }];
    return { kind: `ONNX edit ${what}`, bytes: encodeOnnx(m as OnnxModel) };
  });
  const counts: LoadCounts = { loaded: 0, rejected: 0, slowest: 0, budgetMs: loadBudget(() => modelFromOnnx(base)) };
  fc.assert(fc.property(fc.oneof(fc.oneof(...byteMutations(base)), structural), (m) => checkLoad(m.kind, () => modelFromOnnx(m.bytes), counts)), { numRuns: 1000, seed: 20261201 });
  assert.equal(counts.loaded + counts.rejected, 1000);
  assert.ok(counts.rejected > 500, `most mutations are caught (${counts.rejected} rejected, ${counts.loaded} loaded)`);
  console.log(`ONNX fuzz: ${counts.rejected} rejected, ${counts.loaded} loaded, slowest ${counts.slowest.toFixed(1)} ms (budget ${counts.budgetMs.toFixed(1)} ms)`);
});

test('1,000 mutated TensorFlow.js models (model.json text and weights): a correct load or the library error, each within 500× the CPU time of an intact load', () => {
  const tfjsModel = sequential([layers.dense({ units: 6, inputShape: [3], activation: { name: 'leakyRelu', alpha: 0.2 } }), layers.batchNormalization(), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' })], { seed: 3 });
  tfjsModel.classes = ['a', 'b', 'c'];
  const base = modelToTfjs(tfjsModel, { preprocessing });
  const text = JSON.stringify(base.modelJson);
  const editPaths = jsonPaths(base.modelJson).filter((p) => p.length > 0);
  const hostile = fc.oneof(
    fc.constantFrom<unknown>(null, true, -1, 0, 0.5, 1e9, 2 ** 53, '', '__proto__', 'Conv2D', 'selu', 'InputLayer', 'LeakyReLU', [], {}, [null, 1e9], [1e9, 1e9], [-1], ['..', '/etc/passwd'], '../../secret.bin'),
    fc.integer({ min: -10, max: 1e6 }),
    fc.string({ maxLength: 12 }),
  );
    const jsonEdit = fc.tuple(fc.constantFrom(...editPaths), hostile, fc.boolean()).map(([path, value, remove]) =>
    ({ kind: `model.json ${path.join('.')}`, text: JSON.stringify(editedJson(base.modelJson, path, value, remove)), weights: base.weightData }));
  const textMutation = fc.oneof(...byteMutations(new TextEncoder().encode(text))).map((m) => ({ kind: `model.json ${m.kind}`, text: new TextDecoder().decode(m.bytes), weights: base.weightData }));
  const weightMutation = fc.oneof(...byteMutations(base.weightData)).map((m) => ({ kind: `weights ${m.kind}`, text, weights: m.bytes }));
  const polluted = fc.constant({ kind: 'prototype key', text: text.replace('"modelTopology":{', '"modelTopology":{"__proto__":{"polluted":1},'), weights: base.weightData });
  const counts: LoadCounts = { loaded: 0, rejected: 0, slowest: 0, budgetMs: loadBudget(() => modelFromTfjs(parseTfjsJson(text), base.weightData)) };
  fc.assert(fc.property(fc.oneof(jsonEdit, textMutation, weightMutation, polluted), (m) => checkLoad(m.kind, () => modelFromTfjs(parseTfjsJson(m.text), m.weights), counts)), { numRuns: 1000, seed: 20261202 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(counts.loaded + counts.rejected, 1000);
  console.log(`tfjs fuzz: ${counts.rejected} rejected, ${counts.loaded} loaded, slowest ${counts.slowest.toFixed(1)} ms (budget ${counts.budgetMs.toFixed(1)} ms)`);
});
