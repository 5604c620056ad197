import { moons, circles, spirals, xor, blobs } from './synthetic.js';
import { loadBundled, bundledNames } from './bundled.js';

export { type Dataset } from './synthetic.js';
export { type BundledDataset, dataDirectory } from './bundled.js';
export { standardScaler, minMaxScaler, scalerFromJSON, StandardScaler, MinMaxScaler, type Scaler } from './scalers.js';
export { trainTestSplit, trainTestSplitIndices, kFold, type SplitArgs } from './split.js';

/** Synthetic generators (seeded) and the bundled real sets by name. */
export const datasets = {
  moons,
  circles,
  spirals,
  xor,
  blobs,
  load: loadBundled,
  bundledNames,
};
