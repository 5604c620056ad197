// R17: the LeakyReLU layer the TF.js exporter adds after a Dense layer ("d_leaky_re_lu") may
// clash with a layer of the model of that name: it gets a free name, and the file loads back
// with the same predictions (tfjs and the importer refuse repeated names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers, modelFromTfjs, modelToTfjs, sequential } from '../../src/index.js';

test('R17: a generated LeakyReLU name that clashes is renamed; the export loads back and predicts the same', () => {
  const m = sequential([
    layers.dense({ units: 3, activation: 'leakyRelu', inputShape: [2], name: 'd' }),
    layers.dense({ units: 2, activation: 'tanh', name: 'd_leaky_re_lu' }),
  ], { seed: 4 });
  const t = modelToTfjs(m);
  const names = ((t.modelJson.modelTopology as { config: { layers: { config: { name: string } }[] } }).config.layers).map((l) => l.config.name);
  assert.deepEqual(names, ['d', 'd_leaky_re_lu_2', 'd_leaky_re_lu']);
  const back = modelFromTfjs(t.modelJson, t.weightData);
  const x = [[0.3, -1.2], [-2, 0.5]];
  assert.deepEqual(back.network.predict(x), m.predict(x));
});

test('R17: without a clash the generated name stays and folds back into its Dense layer', () => {
  const m = sequential([layers.dense({ units: 3, activation: 'leakyRelu', inputShape: [2], name: 'd' }), layers.dense({ units: 1, name: 'out' })], { seed: 4 });
  const back = modelFromTfjs(modelToTfjs(m).modelJson, modelToTfjs(m).weightData);
  assert.deepEqual(back.network.layers.map((l) => l.name), ['d', 'out']);
});
