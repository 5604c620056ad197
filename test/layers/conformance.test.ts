import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sequential, layers, modelToBytes, modelFromBytes, layerRegistry, layerClassNames, layerFromConfig, Matrix,
  type Layer, type LayerClassName,
} from '../../src/index.js';
import { Rng } from '../../src/core/rng.js';
import { centralDifference, randomMatrix } from '../helpers/gradcheck.js';
import { Reader } from '../../src/io/json.js';

/** One sample of every registered class; a class added to the registry without a sample does not compile. */
const SAMPLES: { readonly [K in LayerClassName]: () => Layer } = {
  Dense: () => layers.dense({ units: 3, activation: 'tanh' }),
  Activation: () => layers.activation({ activation: 'sigmoid' }),
  Dropout: () => layers.dropout({ rate: 0.4 }),
  BatchNormalization: () => layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 }),
  PeriodicEmbedding: () => layers.periodicEmbedding({ frequencies: 3, units: 2, sigma: 0.5, columns: [0, 2] }),
};

const IN = 4;

function modelWith(className: LayerClassName, seed = 7, dtype: 'float32' | 'float64' = 'float64') {
  const model = sequential([layers.dense({ units: IN, inputShape: [IN], activation: 'relu' }), SAMPLES[className]()], { seed, dtype });
  return model;
}

for (const className of layerClassNames) {
  test(`conformance ${className}: shapes and parameter count agree with the registry`, () => {
    const model = modelWith(className);
    const layer = model.layers[1]!;
    assert.equal(layer.className, className);
    assert.ok(layerRegistry[className].is(layer));
    const config = layer.getConfig().config as Record<string, unknown>;
    const { outputUnits, params } = layerRegistry[className].shapes(new Reader('cfg'), config, layer.name, IN, 1e6);
    assert.equal(layer.outputUnits, outputUnits);
    assert.deepEqual(layer.weights().map((p) => ({ name: p.name, shape: [...p.shape], trainable: p.trainable })), params.map((p) => ({ ...p, shape: [...p.shape] })));
    assert.equal(layer.countParams(), params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0));
    const x = randomMatrix(5, IN, 3);
    const y = model.predictMatrix(x);
    assert.deepEqual([y.rows, y.cols], [5, outputUnits]);
    assert.ok(layer.name.startsWith(`${layerRegistry[className].defaultName}_`), layer.name);
  });

  test(`conformance ${className}: config round trip and only registered keys`, () => {
    const layer = SAMPLES[className]();
    layer.name = 'x_1';
    const config = layer.getConfig();
    for (const key of Object.keys(config.config)) assert.ok(layerRegistry[className].configKeys.includes(key), `${className}.${key} not in configKeys`);
    assert.deepEqual(JSON.parse(JSON.stringify(layerFromConfig(config).getConfig())), JSON.parse(JSON.stringify(config)));
  });

  test(`conformance ${className}: save/load gives bit-identical predictions; same seed same weights`, async () => {
    const model = modelWith(className, 11, 'float32');
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = randomMatrix(16, IN, 5);
    const yTrue = randomMatrix(16, model.outputUnits, 6);
    await model.fit(x, yTrue, { epochs: 2, batchSize: 8, verbose: 0 });
    const loaded = modelFromBytes(modelToBytes(model)).model;
    assert.deepEqual(Array.from(loaded.predictMatrix(x).data), Array.from(model.predictMatrix(x).data));
    assert.deepEqual(modelWith(className, 3).getWeights(), modelWith(className, 3).getWeights());
  });

  test(`conformance ${className}: training vs inference mode`, () => {
    const model = modelWith(className);
    const layer = model.layers[1]!;
    const x = randomMatrix(32, IN, 9);
    const inference = Array.from(layer.forward(x, false).data);
    assert.deepEqual(Array.from(layer.forward(x, false).data), inference, 'inference is deterministic');
    const training = Array.from(layer.forward(x, true).data);
    const randomOrBatchDependent = className === 'Dropout' || className === 'BatchNormalization';
    assert.equal(inference.some((v, i) => v !== training[i]), randomOrBatchDependent);
  });

  test(`conformance ${className}: backward matches central differences (float64, training mode)`, () => {
    const model = modelWith(className);
    const layer = model.layers[1]!;
    layer.freezeRandomness(true);
    const x = randomMatrix(6, IN, 13);
    const w = randomMatrix(6, layer.outputUnits, 14);
    const objective = (): number => {
      const y = layer.forward(x, true);
      let s = 0;
      for (let i = 0; i < y.data.length; i++) s += y.data[i]! * w.data[i]!;
      return s;
    };
    objective();
    for (const p of layer.weights()) if (p.trainable) p.grad.fill(0);
    const dX = layer.backward(w, true).clone();
    const res = centralDifference(x.data as Float64Array, dX.data, objective);
    assert.ok(res.maxRelativeError < 1e-6, `${className} dX: ${JSON.stringify(res)}`);
    for (const p of layer.weights().filter((q) => q.trainable)) {
      objective();
      const analytic = Float64Array.from(p.grad);
      const r = centralDifference(p.value as Float64Array, analytic, objective);
      assert.ok(r.maxRelativeError < 1e-6, `${p.name}: ${JSON.stringify(r)}`);
    }
  });
}

test('a softmax Activation output fuses with cross-entropy exactly as a softmax Dense does', () => {
  const rng = new Rng(1);
  const x = Matrix.fromArray(Array.from({ length: 8 }, () => [rng.normal(), rng.normal(), rng.normal()]), 'float64');
  const y = [0, 1, 2, 1, 0, 2, 2, 1];
  const split = sequential([layers.dense({ units: 3, inputShape: [3] }), layers.activation({ activation: 'softmax' })], { seed: 4, dtype: 'float64' });
  const fused = sequential([layers.dense({ units: 3, inputShape: [3], activation: 'softmax' })], { seed: 4, dtype: 'float64' });
  for (const m of [split, fused]) m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  fused.setWeights(split.getWeights());
  const a = split.computeGradients(x, y);
  const b = fused.computeGradients(x, y);
  assert.ok(split.backprop().fused());
  assert.ok(Math.abs(a.loss - b.loss) < 1e-12, `${a.loss} vs ${b.loss}`);
  assert.deepEqual(a.grads, b.grads);
});
