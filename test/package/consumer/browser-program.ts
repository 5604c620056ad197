// A typical browser program (the README's library example): the bundle-size figure of the README
// is this file bundled and minified for the browser, then gzipped.
import { sequential, layers, optimizers, datasets } from 'backprop-mlp';

const { x, y } = datasets.moons({ n: 1000, noise: 0.1, seed: 1 });
const model = sequential([
  layers.dense({ units: 4, inputShape: [2], activation: 'tanh' }),
  layers.dense({ units: 2, activation: 'tanh' }),
  layers.dense({ units: 1, activation: 'sigmoid' }),
], { seed: 42 });
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(x, y, { epochs: 100, batchSize: 32, validationSplit: 0.2, verbose: 0 });
document.body.textContent = JSON.stringify(model.evaluate(x, y));
