// A user's strict TypeScript compiled to CommonJS (require): the package's .d.cts declarations.
import backprop = require('backprop-mlp');

function tiny(): backprop.Sequential {
  return backprop.sequential([backprop.layers.dense({ units: 1, inputShape: [3] })], { seed: 1 });
}
const shape: backprop.DenseArgs['inputShape'] = [3];
export = { tiny, shape };
