import { moons, circles, spirals, xor, blobs, gaussianQuadrants, truthTable, regression1d } from './synthetic.js';
import { loadBundled, bundledNames } from './bundled.js';

export { type Dataset, type TruthTableName, type RegressionFunctionName, regressionFunctionNames } from './synthetic.js';
export { type BundledDataset, dataDirectory, bundledFile } from './bundled.js';
export { standardScaler, minMaxScaler, scalerFromJSON, StandardScaler, MinMaxScaler, type Scaler, type ScalerJSON, type ScalerKind } from './scalers.js';
export { trainTestSplit, trainTestSplitIndices, kFold, type SplitArgs } from './split.js';
export { oneHot, labelEncoder, labelEncoderFromJSON, LabelEncoder } from './encoding.js';
export { parseNumberCell, isMissingCell, type CellNumber } from './cells.js';
export { featureNames, sortLabels, MAX_NAME_CHARS, type TableSchema, type InputColumn, type NumericColumn, type CategoricalColumn, type TargetSpec } from './schema.js';
export { TableBuilder, tableFromRecords, findColumn, emptyTableError, MAX_AUTO_CLASSES, MAX_CATEGORIES, type Table, type TableArgs, type TableTarget } from './table.js';
export { syntheticSets, syntheticSet, type SyntheticSet, type GenerateArgs } from './catalog.js';

/** Synthetic generators (seeded) and the bundled real sets by name. */
export const datasets = {
  moons,
  circles,
  spirals,
  xor,
  blobs,
  gaussianQuadrants,
  truthTable,
  regression1d,
  load: loadBundled,
  bundledNames,
};
