import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildCli, events, runCli, tempDir, ROOT } from './harness.js';
import { loadModel, modelToOnnx, modelToTfjs, scalerFromJSON } from '../../src/index.js';
import { decodeOnnx } from '../../src/io/onnx/schema.js';

const binPromise = buildCli();

/** Parses a small numeric CSV with a header (no quoting needed here). */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = text.trim().split('\n');
  return { header: head!.split(','), rows: lines.map((l) => l.split(',')) };
}

test('the robust scaler\'s smooth clip in a feature graph: ONNX writes it as operators that ONNX Runtime runs as predict does; a TensorFlow.js feature export refuses it naming the way out', async () => {
  const bin = await binPromise;
  const dir = tempDir('export-clip');
  const csv = join(ROOT, 'data', 'iris.csv');
  // Without the periodic embedding the preset adds under 500 rows, which TensorFlow.js refuses before it reaches the clip.
  const r = runCli(bin, ['train', csv, '--epochs', '5', '--no-embedding', '--out', 'iris.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /robustly scaled/);
  const loaded = loadModel(join(dir, 'iris.bpm'));
  const scaler = loaded.preprocessing.scaler!;
  assert.equal(scaler.clip, 3);
  // Without a column schema the graph takes the features: the clip cannot fold into the weights.
  const bytes = modelToOnnx(loaded.network, { preprocessing: { scaler } });
  assert.ok(decodeOnnx(bytes, { maxNodes: 100, maxElements: 1e6 }).graph.nodes.some((n) => n.opType === 'Sqrt'), 'the clip is written as operators');
  const data = readCsv(readFileSync(csv, 'utf8'));
  const x = data.rows.map((row) => loaded.preprocessing.featureNames!.map((f) => Number(row[data.header.indexOf(f)])));
  // Far outliers too: the clip bounds them near ±3 in both.
  x.push([100, -50, 0, 1e4]);
  const want = loaded.network.predict(scalerFromJSON(scaler).transform(x));
  const session = await ort.InferenceSession.create(bytes);
  const p = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, 4]) })).output!.data as Float32Array;
  let worst = 0;
  want.forEach((row, i) => row.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - p[i * 3 + c]!)))));
  assert.ok(worst <= 1e-5, `largest difference ${worst}`);
  assert.throws(() => modelToTfjs(loaded.network, { preprocessing: { scaler } }), /smooth clip, which cannot be folded into the first layer of this format; export to ONNX/);
});

test('CLI: train on a CSV, export to ONNX, and ONNX Runtime on the raw CSV columns gives predict --probabilities\' numbers', async () => {
  const bin = await binPromise;
  const dir = tempDir('export');
  const csv = join(ROOT, 'data', 'iris.csv');
  // The tabular preset (the default for a CSV file): the robust scaler's smooth clip runs in both formats' pipelines.
  // Without its periodic embedding (under 500 rows), which TensorFlow.js refuses, so that both formats
  // run the same model (test/io/onnxEmbedding.test.ts round-trips the embedding through ONNX).
  let r = runCli(bin, ['train', csv, '--epochs', '30', '--no-embedding', '--out', 'iris.bpm'], dir);
  assert.equal(r.code, 0, r.stderr);
  r = runCli(bin, ['export', 'iris.bpm', '--out', 'iris.onnx', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(events(r.stdout)[0], { event: 'export', format: 'onnx', files: ['iris.onnx'] });
  r = runCli(bin, ['predict', 'iris.bpm', csv, '--probabilities'], dir);
  assert.equal(r.code, 0, r.stderr);
  const predicted = readCsv(r.stdout);

  const bytes = new Uint8Array(readFileSync(join(dir, 'iris.onnx')));
  const onnx = decodeOnnx(bytes, { maxNodes: 1000, maxElements: 1e6 });
  const meta = new Map(onnx.metadata.map((p) => [p.key, p.value]));
  const features = onnx.graph.inputs.map((i) => i.name);
  assert.deepEqual(onnx.graph.inputs.map((i) => i.shape), features.map(() => ['N', 1]), 'one [N, 1] input per raw column');
  const classes = JSON.parse(meta.get('classes')!) as string[];
  assert.deepEqual(classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(predicted.header, ['prediction', ...classes.map((c) => `p(${c})`)]);
  // The raw columns by name, as the CSV holds them: no scaling on our side.
  const data = readCsv(readFileSync(csv, 'utf8'));
  const x = data.rows.map((row) => features.map((f) => Number(row[data.header.indexOf(f)])));
  const session = await ort.InferenceSession.create(bytes);
  const feeds = Object.fromEntries(features.map((f, j) => [f, new ort.Tensor('float32', Float32Array.from(x, (row) => row[j]!), [x.length, 1])]));
  const out = await session.run(feeds);
  const p = out.output!.data as Float32Array;
  let worst = 0;
  predicted.rows.forEach((row, i) => {
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(Number(row[c + 1]) - p[i * 3 + c]!));
    const best = [0, 1, 2].reduce((a, b) => (p[i * 3 + b]! > p[i * 3 + a]! ? b : a));
    assert.equal(row[0], classes[best]);
  });
  assert.ok(worst <= 1e-5, `largest difference ${worst}`);

  // The exported files are models the other commands read, with the same predictions.
  r = runCli(bin, ['export', 'iris.bpm', '--out', 'tfjs', '--format', 'tfjs'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'tfjs', 'model.json')) && existsSync(join(dir, 'tfjs', 'model.weights.bin')));
  for (const model of ['iris.onnx', 'tfjs/model.json']) {
    r = runCli(bin, ['predict', model, csv, '--probabilities'], dir);
    assert.equal(r.code, 0, r.stderr);
    const again = readCsv(r.stdout);
    again.rows.forEach((row, i) => row.slice(1).forEach((v, c) => assert.ok(Math.abs(Number(v) - Number(predicted.rows[i]![c + 1])) <= 1e-5, `${model} row ${i}`)));
    r = runCli(bin, ['evaluate', model, csv, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    r = runCli(bin, ['summary', model], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dense/);
  }
  r = runCli(bin, ['export', 'iris.bpm', '--out', 'bare.onnx', '--network-only'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /inputs: 4 features as the network takes them/);
  // The imported networks are the native one: the same outputs on the network's own inputs.
  const inputs = [[0.5, -1, 1.2, 0.3], [-0.7, 0.2, 0.1, -1.1]];
  const outputs = ['iris.bpm', 'iris.onnx', 'bare.onnx'].map((model) => loadModel(join(dir, model)).network.predict(inputs));
  for (const o of outputs.slice(1)) o.forEach((row, i) => row.forEach((v, c) => assert.ok(Math.abs(v - outputs[0]![i]![c]!) <= 1e-5, 'the imported network')));
  // explain's backprop step is for small networks: the tabular 3×128 one is refused at once, naming the ways out.
  r = runCli(bin, ['explain', 'iris.onnx', '--x', JSON.stringify(inputs), '--y', '["setosa", "virginica"]'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /parameters; one backprop step prints each of them three times .* Give --all/);
  assert.deepEqual(loadModel(join(dir, 'iris.onnx')).preprocessing.featureNames, features);
  r = runCli(bin, ['export', 'iris.bpm', '--out', 'iris.model'], dir);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot tell the format/);
});
