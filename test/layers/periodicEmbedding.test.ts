// layers.periodicEmbedding (PLR numeric embeddings): its values by hand, its gradients by central
// differences in float64 (inputs, frequencies, projection, bias; passed-through inputs too), a
// model file round trip, the training spec's architecture.embedding on a seeded table where the
// class is periodic in a numeric column (the same network without it: 0.60), the ONNX export run
// by ONNX Runtime, and TensorFlow.js' named refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Matrix, Rng, layers, sequential, modelToBytes, modelFromBytes, modelToOnnx, modelToTfjs, trainingSpec, prepareTraining, startRun,
  pipelineInputs, classCodes, TableBuilder, UnexportableLayerError, InputError, SpecError, PeriodicEmbedding,
} from '../../src/index.js';
import * as ort from 'onnxruntime-node';
import { centralDifference, randomMatrix } from '../helpers/gradcheck.js';

test('periodicEmbedding: ReLU([cos 2πfx, sin 2πfx]·W + b) per embedded input, the other inputs copied after them', () => {
  const layer = layers.periodicEmbedding({ frequencies: 2, units: 3, columns: [1], inputShape: [3] });
  const model = sequential([layer], { seed: 5, dtype: 'float64' });
  assert.equal(model.outputUnits, 3 + 2);
  const f = layer.frequencies.value;
  const w = layer.projection.value;
  const b = layer.bias.value;
  const x = Matrix.fromArray([[7, 0.3, -2], [8, -1.1, 4]], 'float64');
  const y = model.predictMatrix(x);
  for (let r = 0; r < 2; r++) {
    const xv = x.data[r * 3 + 1]!;
    const p = [Math.cos(2 * Math.PI * f[0]! * xv), Math.cos(2 * Math.PI * f[1]! * xv), Math.sin(2 * Math.PI * f[0]! * xv), Math.sin(2 * Math.PI * f[1]! * xv)];
    for (let o = 0; o < 3; o++) {
      const z = b[o]! + p.reduce((s, pv, t) => s + pv * w[t * 3 + o]!, 0);
      assert.ok(Math.abs(y.data[r * 5 + o]! - Math.max(0, z)) < 1e-12, `row ${r} unit ${o}`);
    }
    assert.deepEqual([y.data[r * 5 + 3], y.data[r * 5 + 4]], [x.data[r * 3], x.data[r * 3 + 2]]);
  }
  // Initial frequencies: normal with spread σ, cut at 3σ.
  assert.ok(Array.from(f).every((v) => Math.abs(v) <= 0.3));
});

test('periodicEmbedding: gradients of inputs and every weight match central differences (float64), ReLU active and not, inputs also passed on', () => {
  const layer = layers.periodicEmbedding({ frequencies: 4, units: 5, sigma: 0.4, columns: [0, 1, 3], includeInputs: true });
  const model = sequential([layers.dense({ units: 5, inputShape: [5] }), layer], { seed: 21, dtype: 'float64' });
  const x = randomMatrix(7, 5, 2, 1.5);
  const weight = randomMatrix(7, layer.outputUnits, 3);
  const objective = (): number => {
    const y = layer.forward(x, true);
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i]! * weight.data[i]!;
    return s;
  };
  assert.equal(layer.outputUnits, 3 * 5 + 5);
  const out = layer.forward(x, true);
  const zeros = Array.from(out.data).filter((v) => v === 0).length;
  assert.ok(zeros > 0 && zeros < 7 * 15, `some ReLUs off, some on (${zeros} of ${7 * 15})`);
  for (let r = 0; r < 7; r++) assert.deepEqual(Array.from(out.data.subarray(r * 20 + 15, r * 20 + 20)), Array.from(x.data.subarray(r * 5, r * 5 + 5)));
  for (const p of layer.weights()) p.grad.fill(0);
  const dX = layer.backward(weight, true).clone();
  const rx = centralDifference(x.data as Float64Array, dX.data, objective);
  assert.ok(rx.maxRelativeError < 1e-6, `dX ${JSON.stringify(rx)}`);
  for (const p of layer.weights()) {
    const analytic = Float64Array.from(p.grad);
    const r = centralDifference(p.value as Float64Array, analytic, objective);
    assert.ok(r.maxRelativeError < 1e-6, `${p.name}: ${JSON.stringify(r)}`);
  }
  // accumulate = false overwrites the gradients instead of adding.
  layer.forward(x, true);
  const once = layer.weights().map((p) => Array.from(p.grad));
  layer.backward(weight, false, false);
  assert.deepEqual(layer.weights().map((p) => Array.from(p.grad)), once);
  void model;
});

test('periodicEmbedding: a bad option or a column past the inputs is an InputError naming it', () => {
  assert.throws(() => layers.periodicEmbedding({ units: 0 }), (e: unknown) => e instanceof InputError && /units must be an integer ≥ 1/.test(e.message));
  assert.throws(() => layers.periodicEmbedding({ columns: [2, 1] }), (e: unknown) => e instanceof InputError && /columns must be ascending/.test(e.message));
  assert.throws(() => sequential([layers.periodicEmbedding({ columns: [0, 4], inputShape: [3] })]), (e: unknown) => e instanceof InputError && /column 4 to embed is past the 3 inputs/.test(e.message));
  assert.throws(() => trainingSpec({ architecture: { embedding: { sigma: 0 } } }), (e: unknown) => e instanceof SpecError && e.field === 'architecture.embedding.sigma');
});

/** x periodic in the class (class a where sin(3x) > 0), a second numeric column and a categorical one of noise. */
function periodicRecords(rows: number): Record<string, string>[] {
  const rng = new Rng(8);
  return Array.from({ length: rows }, () => {
    const x = rng.uniform(-3, 3);
    return { x: x.toFixed(4), noise: rng.normal().toFixed(4), colour: ['red', 'green', 'blue'][rng.int(3)]!, y: Math.sin(3 * x) > 0 ? 'a' : 'b' };
  });
}

function periodicTable(rows: number) {
  const b = new TableBuilder(['x', 'noise', 'colour', 'y'], { target: 'y', task: 'classification' });
  periodicRecords(rows).forEach((r, i) => b.add([r.x!, r.noise!, r.colour!, r.y!], i + 2));
  return b.finish();
}

test('architecture.embedding trains through the spec: numeric columns embedded, one-hot passed through; 0.95 held-out accuracy on a periodic class; save/load bit-identical', async () => {
  const table = periodicTable(1000);
  const spec = trainingSpec({
    preprocessing: { scale: 'robust' },
    architecture: { hidden: [64], activation: 'relu', dropout: 0, embedding: { frequencies: 8, units: 8, sigma: 0.5 } },
    compile: { optimizer: 'adam', learningRate: 0.003 },
    fit: { epochs: 40, batchSize: 32, validationSplit: 0.25, seed: 3 },
  });
  const p = prepareTraining(spec, table);
  const model = p.network.model;
  const embedding = model.layers[0]!;
  assert.ok(embedding instanceof PeriodicEmbedding);
  assert.deepEqual(embedding.columns, [0, 1], 'the two numeric columns; the three one-hot inputs pass through');
  assert.equal(embedding.outputUnits, 2 * 8 + 3);
  await startRun(p).finish();
  const x = pipelineInputs(p.preprocessing, table, p.split.validation);
  const codes = classCodes(model.predictMatrix(x));
  const y = table.y!;
  assert.ok(y.kind === 'classes');
  const accuracy = p.split.validation.filter((r, i) => codes[i] === y.codes[r]).length / p.split.validation.length;
  assert.ok(accuracy >= 0.95, `held-out accuracy ${accuracy}`);
  const loaded = modelFromBytes(modelToBytes(model, { preprocessing: p.preprocessing })).network;
  assert.deepEqual(Array.from(loaded.predictMatrix(x).data), Array.from(model.predictMatrix(x).data));
  assert.equal(loaded.layers[0]!.className, 'PeriodicEmbedding');
});

test('ONNX export: the embedding as MatMul/Cos/Sin/Relu/Concat nodes gives ONNX Runtime predict\'s numbers (1e-5), on the raw columns with the pipeline too; TensorFlow.js refuses it with UnexportableLayerError naming the layer', async () => {
  const table = periodicTable(300);
  const spec = trainingSpec({
    preprocessing: { scale: 'robust' },
    architecture: { hidden: [16], activation: 'relu', dropout: 0, embedding: { frequencies: 4, units: 3, sigma: 0.5 } },
    compile: { optimizer: 'adam', learningRate: 0.003 },
    fit: { epochs: 3, batchSize: 32, validationSplit: 0, seed: 4 },
  });
  const p = prepareTraining(spec, table);
  await startRun(p).finish();
  const model = p.network.model;
  const rows = Array.from({ length: 40 }, (_, i) => i);
  const x = pipelineInputs(p.preprocessing, table, rows);
  const want = model.predictMatrix(x);
  // The network alone, on the scaled features.
  const bare = await ort.InferenceSession.create(modelToOnnx(model, { networkOnly: true }));
  const got = (await bare.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), [x.rows, x.cols]) })).output!.data as Float32Array;
  let worst = 0;
  want.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]!))));
  assert.ok(worst <= 1e-5, `network only: largest difference ${worst}`);
  // The raw columns through the whole pipeline (one input per column).
  const raw = await ort.InferenceSession.create(modelToOnnx(model, { preprocessing: p.preprocessing }));
  const feeds: Record<string, ort.Tensor> = {};
  const records = periodicRecords(300);
  for (const name of ['x', 'noise']) feeds[name] = new ort.Tensor('float32', Float32Array.from(rows.map((r) => Number(records[r]![name]))), [rows.length, 1]);
  feeds.colour = new ort.Tensor('string', rows.map((r) => records[r]!.colour!), [rows.length, 1]);
  const out = (await raw.run(feeds)).output!.data as Float32Array;
  worst = 0;
  want.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - out[i]!))));
  assert.ok(worst <= 1e-5, `raw columns: largest difference ${worst}`);

  const small = sequential([layers.periodicEmbedding({ inputShape: [2], name: 'plr' }), layers.dense({ units: 1 })], { seed: 1 });
  assert.throws(() => modelToTfjs(small), (e: unknown) => e instanceof UnexportableLayerError && e.layer === 'plr' && e.className === 'PeriodicEmbedding' && e.format === 'TensorFlow.js' && e.message.startsWith('TensorFlow.js export: layer "plr"'));
});
