// A user's CommonJS file: the same as esm.mjs through require().
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { sequential, layers, optimizers, datasets, saveModel, loadModel, InputError } = require('backprop-mlp');

async function main() {
  const { x, y } = datasets.moons({ n: 400, noise: 0.1, seed: 1 });
  const model = sequential([
    layers.dense({ units: 8, inputShape: [2], activation: 'tanh' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 1 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0 });
  // The same fit on 2 worker threads: the shipped training-thread worker loads and trains.
  const threaded = sequential([
    layers.dense({ units: 8, inputShape: [2], activation: 'tanh' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 1 });
  threaded.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await threaded.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0, threads: 2 });
  const file = join(mkdtempSync(join(tmpdir(), 'consumer-cjs-')), 'moons.bpm');
  saveModel(model, file);
  const again = loadModel(file).model;
  let refused = '';
  try { datasets.load('no-such-set'); } catch (e) { refused = e instanceof InputError ? 'InputError' : String(e); }
  console.log(JSON.stringify({
    accuracy: model.evaluate(x, y).accuracy,
    threaded: threaded.evaluate(x, y).accuracy,
    prediction: model.predict([[0.5, -0.2]])[0][0],
    reloaded: again.predict([[0.5, -0.2]])[0][0],
    iris: datasets.load('iris').x.length,
    refused,
  }));
}
main().catch((e) => { console.error(e); process.exit(1); });
