import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sequential, layers, modelToOnnx, modelFromOnnx, modelToTfjs, modelFromTfjs, parseTfjsJson, ModelFormatError, UnsupportedError } from '../../src/index.js';
import { decodeOnnx, encodeOnnx, type OnnxModel } from '../../src/io/onnx/schema.js';
import { cpuMs } from './helpers.js';

/**
 * The native loader's fuzz (fuzz.test.ts) for the two foreign formats: 1,000 mutated files
 * each, every one either loads or is rejected with the library's own error, in under 100 ms,
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

function check(kind: string, load: () => { model: { built: boolean } }, counts: { loaded: number; rejected: number; slowest: number }): void {
  const t0 = process.cpuUsage();
  attempt(kind, load, counts);
  let ms = cpuMs(t0);
  if (ms >= 100) {
    // Timed once more: a garbage collection can land in any case; a slow case is slow twice.
    const t1 = process.cpuUsage();
    attempt(kind, load, { loaded: 0, rejected: 0 });
    ms = cpuMs(t1);
  }
  counts.slowest = Math.max(counts.slowest, ms);
  assert.ok(ms < 100, `${kind}: took ${ms.toFixed(1)} ms`);
}

function attempt(kind: string, load: () => { model: { built: boolean } }, counts: { loaded: number; rejected: number }): void {
  try {
    assert.ok(load().model.built, `${kind}: a load gives a built model`);
    counts.loaded++;
  } catch (e) {
    assert.ok(e instanceof ModelFormatError || e instanceof UnsupportedError, `${kind}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.doesNotMatch(e.message, /unexpected (TypeError|RangeError|Error|error)/, `${kind}: reached the last-resort handler`);
    counts.rejected++;
  }
}

type Mutation = { kind: string; bytes: Uint8Array };

function byteMutations(base: Uint8Array): fc.Arbitrary<Mutation> {
  const bitFlips = fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => {
    const b = base.slice();
    for (const [at, bit] of flips) b[at]! ^= 1 << bit;
    return { kind: 'bit flips', bytes: b };
  });
  const truncation = fc.nat({ max: base.length - 1 }).map((n): Mutation => ({ kind: 'truncation', bytes: base.slice(0, n) }));
  const splice = fc.tuple(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, extra]): Mutation => {
    const b = new Uint8Array(base.length + extra.length);
    b.set(base.subarray(0, at));
    b.set(extra, at);
    b.set(base.subarray(at), at + extra.length);
    return { kind: 'splice', bytes: b };
  });
  return fc.oneof(bitFlips, truncation, splice);
}

const hostileNumbers = fc.constantFrom(-1, 0, 1, 2, 3, 6, 1e9, 2 ** 40, -(2 ** 31));

test('1,000 mutated ONNX files: a correct load or the library error, each under 100 ms', () => {
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
  const counts = { loaded: 0, rejected: 0, slowest: 0 };
  fc.assert(fc.property(fc.oneof(byteMutations(base), structural), (m) => check(m.kind, () => modelFromOnnx(m.bytes), counts)), { numRuns: 1000, seed: 20261201 });
  assert.equal(counts.loaded + counts.rejected, 1000);
  assert.ok(counts.rejected > 500, `most mutations are caught (${counts.rejected} rejected, ${counts.loaded} loaded)`);
  console.log(`ONNX fuzz: ${counts.rejected} rejected, ${counts.loaded} loaded, slowest ${counts.slowest.toFixed(1)} ms`);
});

/** Every JSON path in a value, to aim edits at. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

test('1,000 mutated TensorFlow.js models (model.json text and weights): a correct load or the library error, each under 100 ms', () => {
  const tfjsModel = sequential([layers.dense({ units: 6, inputShape: [3], activation: { name: 'leakyRelu', alpha: 0.2 } }), layers.batchNormalization(), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' })], { seed: 3 });
  tfjsModel.classes = ['a', 'b', 'c'];
  const base = modelToTfjs(tfjsModel, { preprocessing });
  const text = JSON.stringify(base.modelJson);
  const jsonPaths = paths(base.modelJson).filter((p) => p.length > 0);
  const hostile = fc.oneof(
    fc.constantFrom<unknown>(null, true, -1, 0, 0.5, 1e9, 2 ** 53, '', '__proto__', 'Conv2D', 'selu', 'InputLayer', 'LeakyReLU', [], {}, [null, 1e9], [1e9, 1e9], [-1], ['..', '/etc/passwd'], '../../secret.bin'),
    fc.integer({ min: -10, max: 1e6 }),
    fc.string({ maxLength: 12 }),
  );
  const jsonEdit = fc.tuple(fc.constantFrom(...jsonPaths), hostile, fc.boolean()).map(([path, value, remove]) => {
    const j = JSON.parse(text) as Record<string | number, unknown>;
    let node: Record<string | number, unknown> = j;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (remove && !Array.isArray(node)) delete node[last];
    else node[last] = value;
    return { kind: `model.json ${path.join('.')}`, text: JSON.stringify(j), weights: base.weightData };
  });
  const textMutation = byteMutations(new TextEncoder().encode(text)).map((m) => ({ kind: `model.json ${m.kind}`, text: new TextDecoder().decode(m.bytes), weights: base.weightData }));
  const weightMutation = byteMutations(base.weightData).map((m) => ({ kind: `weights ${m.kind}`, text, weights: m.bytes }));
  const polluted = fc.constant({ kind: 'prototype key', text: text.replace('"modelTopology":{', '"modelTopology":{"__proto__":{"polluted":1},'), weights: base.weightData });
  const counts = { loaded: 0, rejected: 0, slowest: 0 };
  fc.assert(fc.property(fc.oneof(jsonEdit, textMutation, weightMutation, polluted), (m) => check(m.kind, () => modelFromTfjs(parseTfjsJson(m.text), m.weights), counts)), { numRuns: 1000, seed: 20261202 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(counts.loaded + counts.rejected, 1000);
  console.log(`tfjs fuzz: ${counts.rejected} rejected, ${counts.loaded} loaded, slowest ${counts.slowest.toFixed(1)} ms`);
});
