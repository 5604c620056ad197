import { moons, circles, spirals, xor, blobs, gaussianQuadrants, truthTable, regression1d } from './synthetic.js';
import { loadBundled, bundledNames } from './bundled.js';

export { type Dataset, type TruthTableName, type RegressionFunctionName, regressionFunctionNames } from './synthetic.js';
export { type BundledDataset, dataDirectory, bundledFile } from './bundled.js';
export { standardScaler, minMaxScaler, scalerFromJSON, StandardScaler, MinMaxScaler, type Scaler, type ScalerJSON, type ScalerKind } from './scalers.js';
export { trainTestSplit, trainTestSplitIndices, kFold, type SplitArgs } from './split.js';
export { oneHot, labelEncoder, labelEncoderFromJSON, LabelEncoder } from './encoding.js';
export { parseNumberCell, isMissingCell, isInfiniteCell, MISSING_TOKENS, type CellNumber } from './cells.js';
export { dateFormatOf, parseDate, dateFeatures, dateFeatureSuffixes, type DateFormat, type ParsedDate } from './dates.js';
export { MAX_INFERRED_CATEGORIES, type ColumnKind } from './columns.js';
export { featureNames, columnWidth, sortLabels, MAX_NAME_CHARS, type TableSchema, type InputColumn, type NumericColumn, type CategoricalColumn, type DateColumn, type TargetSpec } from './schema.js';
export { TableBuilder, tableFromRecords, findColumn, emptyTableError, MAX_AUTO_CLASSES, MAX_CATEGORIES, type Table, type TableArgs, type TableTarget, type TableReport, type MissingPolicy, type UnknownPolicy } from './table.js';
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
