// What a user's program does with the package, written once: esm.mjs hands it the module it
// imported, cjs.cjs the one it required, so each module system's entry is the one exercised.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** Trains on moons (also a wider network on 2 kernel threads), predicts, saves and reloads, reads a bundled set; returns the numbers as plain JSON. */
async function exercise(lib, label) {
  const { sequential, layers, optimizers, datasets, saveModel, loadModel, InputError } = lib;
  const { x, y } = datasets.moons({ n: 400, noise: 0.1, seed: 1 });
  const trained = async (threads) => {
    // On 2 threads, a hidden 256×256 layer at batch 200: its products (200×256×256) are cut over the threads.
    const model = sequential([
      layers.dense({ units: threads === undefined ? 8 : 256, inputShape: [2], activation: 'tanh' }),
      ...(threads === undefined ? [] : [layers.dense({ units: 256, activation: 'tanh' })]),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ], { seed: 1 });
    model.compile({ optimizer: optimizers.adam({ learningRate: threads === undefined ? 0.05 : 0.005 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 40, batchSize: threads === undefined ? 32 : 200, verbose: 0, ...(threads === undefined ? {} : { threads }) });
    return model;
  };
  const model = await trained();
  // A fit on 2 kernel threads: the shipped kernel-thread worker of this module system loads and computes.
  const threaded = await trained(2);
  const file = join(mkdtempSync(join(tmpdir(), `consumer-${label}-`)), 'moons.bpm');
  saveModel(model, file);
  const again = loadModel(file).model;
  let refused = '';
  try { datasets.load('no-such-set'); } catch (e) { refused = e instanceof InputError ? 'InputError' : String(e); }
  return {
    accuracy: model.evaluate(x, y).accuracy,
    threaded: threaded.evaluate(x, y).accuracy,
    prediction: model.predict([[0.5, -0.2]])[0][0],
    reloaded: again.predict([[0.5, -0.2]])[0][0],
    iris: datasets.load('iris').x.length,
    refused,
  };
}

module.exports = { exercise };
