// A PeriodicEmbedding written by modelToOnnx and read back by our own ONNX reader: the same
// predictions within 1e-5 (the float32 weights of the file), the same layer (columns,
// includeInputs, shapes), a native save of the re-import, the CLI's full-pipeline export of a
// small CSV (where the tabular preset adds the embedding), and named refusals of tampered graphs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  layers, sequential, modelToOnnx, modelFromOnnx, modelToBytes, modelFromBytes, loadModel, PeriodicEmbedding, UnsupportedError, ModelFormatError, type Sequential,
} from '../../src/index.js';
import { decodeOnnx, encodeOnnx, type OnnxModel, type OnnxTensor } from '../../src/io/onnx/schema.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { buildCli, runCli, tempDir, ROOT } from '../cli/harness.js';
import fc from 'fast-check';
import { byteMutations, checkLoad, loadBudget, maxDiff, rows, type LoadCounts, type Mutation } from './helpers.js';

const LIMITS = { maxNodes: 1000, maxElements: 1e7 };

/** An embedding (with these options) on 5 inputs, then a softmax Dense of 3, trained frequencies spread wide. */
function embeddingModel(options: { columns?: number[]; includeInputs?: boolean }): Sequential {
  const model = sequential([
    layers.periodicEmbedding({ frequencies: 3, units: 4, sigma: 0.5, inputShape: [5], name: 'plr', ...options }),
    layers.dense({ units: 6, activation: 'tanh' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 12 });
  return model;
}

function embeddingOf(model: Sequential): PeriodicEmbedding {
  const layer = model.layers[0];
  assert.ok(layer instanceof PeriodicEmbedding, `first layer is ${layer?.className}`);
  return layer;
}

const CASES: { label: string; options: { columns?: number[]; includeInputs?: boolean }; passed: number }[] = [
  { label: 'every input embedded', options: {}, passed: 0 },
  { label: 'inputs 1 and 4 passed through', options: { columns: [0, 2, 3] }, passed: 2 },
  { label: 'includeInputs', options: { columns: [1, 3], includeInputs: true }, passed: 5 },
];

for (const { label, options, passed } of CASES) {
  test(`ONNX import of a periodic embedding (${label}): the same layer, predictions within 1e-5, and it saves and loads natively`, () => {
    const model = embeddingModel(options);
    const bytes = modelToOnnx(model);
    const ops = decodeOnnx(bytes, LIMITS).graph.nodes.map((n) => n.opType);
    assert.equal(ops.includes('Concat'), passed > 0, `a Concat exactly when inputs pass through (${ops.join(' ')})`);
    const loaded = modelFromOnnx(bytes);
    const original = embeddingOf(model);
    const back = embeddingOf(loaded.network);
    assert.deepEqual(back.inputLayout(), original.inputLayout());
    assert.deepEqual([back.frequencyCount, back.units, back.includeInputs, back.outputUnits], [3, 4, options.includeInputs ?? false, original.outputUnits]);
    assert.equal(back.outputUnits, original.inputLayout().embedded.length * 4 + passed);
    // The tensors as the layer stores them, within float32 rounding (f went through 2π f in float32).
    for (const [a, b] of [[back.frequencies, original.frequencies], [back.projection, original.projection], [back.bias, original.bias]] as const) {
      assert.deepEqual(a.shape, b.shape, a.name);
      b.value.forEach((v, i) => assert.ok(Math.abs(a.value[i]! - v) <= 1e-6 * Math.max(1, Math.abs(v)), `${a.name}[${i}]: ${a.value[i]} vs ${v}`));
    }
    // Inputs of several units: the phases 2π f x reach several radians, where rounding of f shows most.
    const x = rows(40, 5, 3, 4);
    const want = model.predict(x);
    const diff = maxDiff(loaded.network.predict(x), want);
    assert.ok(diff <= 1e-5, `largest difference ${diff}`);
    assert.ok(maxDiff(want, want.map((r) => r.map(() => 1 / 3))) > 1e-2, 'the outputs depend on the inputs');
    const native = modelFromBytes(modelToBytes(loaded.network));
    assert.ok(maxDiff(native.network.predict(x), loaded.network.predict(x)) === 0, 'the native file gives the re-import back exactly');
    // The re-import exports to the same graph structure again.
    assert.deepEqual(decodeOnnx(modelToOnnx(loaded.network), LIMITS).graph.nodes.map((n) => n.opType), ops);
  });
}

test('ONNX import: an embedding after a Dense layer, and a passed-through selection written before the phase, read back the same', () => {
  const model = sequential([
    layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }),
    layers.periodicEmbedding({ frequencies: 2, units: 3, columns: [1, 2], sigma: 1 }),
    layers.dense({ units: 1 }),
  ], { seed: 3 });
  const onnx = decodeOnnx(modelToOnnx(model), LIMITS);
  // The recogniser goes by structure, not by order or names: move the x·select MatMul before the phase and rename every node.
  const nodes = [...onnx.graph.nodes];
  const pick = nodes.findIndex((n) => n.name.endsWith('/passed'));
  const phase = nodes.findIndex((n) => n.name.endsWith('/phase'));
  const [moved] = nodes.splice(pick, 1);
  nodes.splice(phase, 0, moved!);
  const renamed = nodes.map((n, i) => ({ ...n, name: `n${i}` }));
  const loaded = modelFromOnnx(encodeOnnx({ ...onnx, graph: { ...onnx.graph, nodes: renamed } }));
  const back = loaded.network.layers[1];
  assert.ok(back instanceof PeriodicEmbedding);
  assert.deepEqual(back.inputLayout(), { embedded: [1, 2], passed: [0, 3] });
  const x = rows(20, 3, 8, 3);
  const diff = maxDiff(loaded.network.predict(x), model.predict(x));
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
});

/** The model's ONNX graph with one initializer's values changed (by name suffix). */
function tampered(model: Sequential, suffix: string, edit: (t: OnnxTensor) => Float32Array): Uint8Array {
  const onnx = decodeOnnx(modelToOnnx(model), LIMITS);
  const initializers = onnx.graph.initializers.map((t) => (t.name.endsWith(suffix) ? { ...t, data: edit(t) } : t));
  return encodeOnnx({ ...onnx, graph: { ...onnx.graph, initializers } });
}

function withGraph(model: Sequential, edit: (g: OnnxModel['graph']) => OnnxModel['graph']): Uint8Array {
  const onnx = decodeOnnx(modelToOnnx(model), LIMITS);
  return encodeOnnx({ ...onnx, graph: edit(onnx.graph) });
}

test('ONNX import: a tampered embedding subgraph is an UnsupportedError naming the node and what differs', () => {
  const model = embeddingModel({ columns: [0, 2, 3] });
  // e = 3 inputs, k = 3, d = 4: cosWeights [9, 12]; row 0 (input 0's block) column 5 (input 2's block).
  const offBlock = tampered(model, '/cosWeights', (t) => {
    const data = Float32Array.from(t.data);
    data[0 * 12 + 5] = 0.25;
    return data;
  });
  assertThrowsWith(() => modelFromOnnx(offBlock), UnsupportedError, /"plr\/cosProjection" \(MatMul\)/, /0\.25 at row 0, column 5, outside the diagonal blocks of 3 rows × 4 columns/);
  const sinOffBlock = tampered(model, '/sinWeights', (t) => {
    const data = Float32Array.from(t.data);
    data[8 * 12 + 0] = -1;
    return data;
  });
  assertThrowsWith(() => modelFromOnnx(sinOffBlock), UnsupportedError, /"plr\/sinProjection" \(MatMul\)/, /-1 at row 8, column 0/);
  // A frequency column reading two inputs.
  const twoInputs = tampered(model, '/frequencies', (t) => {
    const data = Float32Array.from(t.data);
    data[4 * 9 + 0] = 1;
    return data;
  });
  assertThrowsWith(() => modelFromOnnx(twoInputs), UnsupportedError, /"plr\/phase" \(MatMul\)/, /column 0 of its frequencies reads inputs 0 and 4/);
  // A selection that scales instead of picking.
  const scaled = tampered(model, '/select', (t) => Float32Array.from(t.data, (v) => v * 2));
  assertThrowsWith(() => modelFromOnnx(scaled), UnsupportedError, /"plr\/passed" \(MatMul\)/, /column 0 of its selection holds 2 at row 1/);
  // A selection passing an embedded input (2) instead of input 4.
  const wrongPick = tampered(model, '/select', () => Float32Array.from({ length: 10 }, (_, i) => (i === 1 * 2 + 0 || i === 2 * 2 + 1 ? 1 : 0)));
  assertThrowsWith(() => modelFromOnnx(wrongPick), UnsupportedError, /"plr\/phase"/, /passes inputs \[1, 2\] through, but a periodic embedding passes either the ones it does not embed \[1, 4\] or all of them/);
  // A fork that does not join: the Add takes the sine part twice.
  const noJoin = withGraph(model, (g) => ({
    ...g,
    nodes: g.nodes.map((n) => (n.name === 'plr/Add' ? { ...n, inputs: [n.inputs[0]!, n.inputs[0]!] } : n)),
  }));
  assertThrowsWith(() => modelFromOnnx(noJoin), UnsupportedError, /"plr\/cosProjection" \(MatMul\)/, /do not join in one Add \(the cosine part feeds nothing\)/);
  // The passed inputs concatenated before the embedding.
  const swapped = withGraph(model, (g) => ({
    ...g,
    nodes: g.nodes.map((n) => (n.opType === 'Concat' ? { ...n, inputs: [n.inputs[1]!, n.inputs[0]!] } : n)),
  }));
  assertThrowsWith(() => modelFromOnnx(swapped), UnsupportedError, /"plr\/Concat" \(Concat\)/, /does not join the embedding's Relu output and then the passed inputs/);
  // A phase feeding only Cos.
  const cosOnly = withGraph(model, (g) => ({ ...g, nodes: g.nodes.map((n) => (n.opType === 'Sin' ? { ...n, opType: 'Cos' } : n)) }));
  assertThrowsWith(() => modelFromOnnx(cosOnly), UnsupportedError, /"plr\/phase" \(MatMul\)/, /expected one Cos and one Sin/);
  // An embedding reading more inputs than the layer before it gives.
  const wide = sequential([layers.dense({ units: 4, inputShape: [2] }), layers.periodicEmbedding({ frequencies: 2, units: 2, columns: [0, 3], name: 'late' })], { seed: 2 });
  const first = `${wide.layers[0]!.name}/`;
  // The Dense now gives 2 units (its kernel [2, 2], bias [2]); the phase still reads 4.
  const misfit = withGraph(wide, (g) => ({
    ...g,
    initializers: g.initializers.map((t) => (!t.name.startsWith(first) ? t : t.dims.length === 2 ? { ...t, dims: [2, 2], data: t.data.slice(0, 4) } : { ...t, dims: [2], data: t.data.slice(0, 2) })),
  }));
  assertThrowsWith(() => modelFromOnnx(misfit), ModelFormatError, /"late\/phase": the periodic embedding's frequencies have 4 rows but 2 units reach it/);
  // A Cos outside the subgraph is named as such.
  const bare = withGraph(sequential([layers.dense({ units: 2, inputShape: [2] })], { seed: 1 }), (g) => ({
    ...g,
    nodes: [...g.nodes.map((n) => ({ ...n, outputs: ['mid'] })), { opType: 'Cos', name: 'wave', inputs: ['mid'], outputs: [g.outputs[0]!.name], attributes: [], domain: '' }],
  }));
  assertThrowsWith(() => modelFromOnnx(bare), UnsupportedError, /"wave" \(Cos\)/, /supported only inside a periodic embedding/);
});

test('600 mutated embedding graphs: a correct load or the library error (never the importer\'s "unexpected" branch), each within the fuzz CPU budget', () => {
  const base = modelToOnnx(embeddingModel({ columns: [1, 3] }));
  const onnx = decodeOnnx(base, LIMITS);
  const ops = fc.constantFrom('Cos', 'Sin', 'MatMul', 'Add', 'Relu', 'Concat', 'Identity', '');
  const structural = fc.tuple(fc.nat({ max: 100 }), fc.nat({ max: 4 }), ops, fc.nat({ max: 100 }), fc.constantFrom(-1, 0, 1, 2, 0.5, 1e30)).map(([pick, what, op, other, value]): Mutation => {
    const g = structuredClone(onnx.graph) as unknown as { nodes: { opType: string; inputs: string[]; outputs: string[]; attributes: { value: unknown }[] }[]; initializers: { data: Float32Array }[] };
    const node = g.nodes[pick % g.nodes.length]!;
    const source = g.nodes[other % g.nodes.length]!;
    const init = g.initializers[pick % g.initializers.length]!;
    if (what === 0) node.opType = op;
    else if (what === 1) node.inputs = [source.outputs[0]!, ...node.inputs.slice(1)];
    else if (what === 2) node.inputs = node.inputs.slice(0, pick % 2);
    else if (what === 3) init.data[other % init.data.length] = value;
    else if (node.attributes[0]) node.attributes[0].value = value;
    return { kind: `embedding edit ${what}`, bytes: encodeOnnx({ ...onnx, graph: g as unknown as OnnxModel['graph'] }) };
  });
  const counts: LoadCounts = { loaded: 0, rejected: 0, slowest: 0, budgetMs: loadBudget(() => modelFromOnnx(base)) };
  fc.assert(fc.property(fc.oneof(fc.oneof(...byteMutations(base)), structural), (m) => checkLoad(m.kind, () => modelFromOnnx(m.bytes), counts)), { numRuns: 600, seed: 20261206 });
  assert.equal(counts.loaded + counts.rejected, 600);
  assert.ok(counts.rejected > 200, `mutations are caught (${counts.rejected} rejected, ${counts.loaded} loaded)`);
  console.log(`embedding ONNX fuzz: ${counts.rejected} rejected, ${counts.loaded} loaded, slowest ${counts.slowest.toFixed(1)} ms (budget ${counts.budgetMs.toFixed(1)} ms)`);
});

test('CLI: a small CSV trained with the tabular preset\'s periodic embedding, exported to ONNX on raw columns, is read back by our loader with predict\'s numbers', async () => {
  const bin = await buildCli();
  const dir = tempDir('export-embedding');
  const csv = join(ROOT, 'data', 'iris.csv');
  let r = runCli(bin, ['train', csv, '--epochs', '20', '--out', 'iris.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(loadModel(join(dir, 'iris.bpm')).network.layers.some((l) => l instanceof PeriodicEmbedding), 'under 500 rows the preset adds the embedding');
  r = runCli(bin, ['export', 'iris.bpm', '--out', 'iris.onnx'], dir);
  assert.equal(r.code, 0, r.stderr);
  const predicted: number[][] = [];
  for (const model of ['iris.bpm', 'iris.onnx']) {
    r = runCli(bin, ['predict', model, csv, '--probabilities'], dir);
    assert.equal(r.code, 0, `${model}: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n').slice(1);
    assert.equal(lines.length, 150);
    const p = lines.map((l) => l.split(',').slice(1).map(Number));
    if (predicted.length === 0) predicted.push(...p);
    else {
      const diff = maxDiff(p, predicted);
      assert.ok(diff <= 1e-5, `iris.onnx against iris.bpm: largest difference ${diff}`);
    }
  }
  // The re-import keeps the embedding and the pipeline, and saves as a native file that predicts the same.
  const loaded = loadModel(join(dir, 'iris.onnx'));
  assert.ok(loaded.network.layers[0] instanceof PeriodicEmbedding);
  const again = modelFromBytes(modelToBytes(loaded.network, { preprocessing: loaded.preprocessing }));
  const header = readFileSync(csv, 'utf8').split('\n')[0]!.split(',');
  const records = readFileSync(csv, 'utf8').trim().split('\n').slice(1, 31).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
  const a = loaded.predict(records).probabilities!.map((row) => [...row]);
  const b = again.predict(records).probabilities!.map((row) => [...row]);
  assert.equal(maxDiff(a, b), 0);
  assert.ok(maxDiff(a, predicted.slice(0, 30)) <= 1e-5);
});
