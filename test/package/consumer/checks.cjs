// What a user's program does with the package, written once: esm.mjs hands it the module it
// imported, cjs.cjs the one it required, so each module system's entry is the one exercised.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** Trains on moons (also on 2 threads), predicts, saves and reloads, reads a bundled set; returns the numbers as plain JSON. */
async function exercise(lib, label) {
  const { sequential, layers, optimizers, datasets, saveModel, loadModel, InputError } = lib;
  const { x, y } = datasets.moons({ n: 400, noise: 0.1, seed: 1 });
  const trained = async (threads) => {
    const model = sequential([
      layers.dense({ units: 8, inputShape: [2], activation: 'tanh' }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ], { seed: 1 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0, ...(threads === undefined ? {} : { threads }) });
    return model;
  };
  const model = await trained();
  // The same fit on 2 worker threads: the shipped training-thread worker of this module system loads and trains.
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
