import { moons, circles, spirals, xor, blobs, gaussianQuadrants, truthTable, regression1d } from './synthetic.js';
import { loadBundled, bundledNames } from './bundled.js';

export { type Dataset, type CommonArgs as SyntheticArgs, type TruthTableName, type RegressionFunctionName, regressionFunctionNames } from './synthetic.js';
export { type BundledDataset, dataDirectory, bundledFile } from './bundled.js';
export { standardScaler, minMaxScaler, robustScaler, scalerFromJSON, smoothClip, smoothUnclip, StandardScaler, MinMaxScaler, RobustScaler, type RobustScalerArgs, type Rows, type Scaler, type ScalerJSON, type ScalerKind } from './scalers.js';
export { trainTestSplit, trainTestSplitIndices, timeSplitIndices, kFold, type SplitArgs } from './split.js';
export { oneHot, labelEncoder, labelEncoderFromJSON, LabelEncoder } from './encoding.js';
export { parseNumberCell, isMissingCell, isInfiniteCell, MISSING_TOKENS, CellRules, type CellNumber, type CellOptions } from './cells.js';
export { dateFormatOf, parseDate, dateFeatures, dateFeatureSuffixes, type DateFormat, type ParsedDate } from './dates.js';
export { MAX_INFERRED_CATEGORIES, MAX_STRAY_SHARE, type ColumnKind, type NamedCell } from './columns.js';
export { featureNames, columnWidth, numericFeatureIndices, sortLabels, MAX_NAME_CHARS, type TableSchema, type InputColumn, type NumericColumn, type CategoricalColumn, type DateColumn, type TargetSpec } from './schema.js';
export { TableBuilder, tableFromRecords, tableFromClone, findColumn, emptyTableError, MAX_AUTO_CLASSES, MAX_CATEGORIES, FREQUENT_TOKEN_SHARE, UNNAMED_FIRST, type Table, type TableArgs, type RowOrder, type ColumnDecision, type StrayCells, type FrequentMissingToken, type TableTarget, type TableReport, type MissingPolicy, type UnknownPolicy } from './table.js';
export { tableFromObjects, MAX_OBJECT_KEYS, type ObjectRows } from './objects.js';
export { rowHashes, rowsFingerprint, FingerprintBuilder, rowsSeen, fingerprintFromJson, FINGERPRINT_SIZE, type RowsFingerprint, type RowsSeen, type HashableRows } from './fingerprint.js';
export { QuantileSketch } from './quantileSketch.js';
export { ShuffleBuffer } from './shuffleBuffer.js';
export { rowUniform, isValidationRow } from './rowHash.js';
export { syntheticSets, syntheticSet, type SyntheticSet, type GenerateArgs } from './catalog.js';

/** Synthetic generators (seeded) and the bundled real sets by name. */
export const datasets = {
  /** Two interleaving half circles; binary labels. */
  moons,
  /** A small circle inside a large one; binary labels. */
  circles,
  /** Interleaved spiral arms, one class each (2 by default). */
  spirals,
  /** Points of the square [−1, 1]², labelled 1 where x and y have opposite signs. */
  xor,
  /** Gaussian blobs around centres on a circle, one class each. */
  blobs,
  /** Gaussian clusters in the quadrants (TensorFlow Playground's "gaussian" set). */
  gaussianQuadrants,
  /** The rows of a logic gate's truth table (and, or, not, xor, nand, nor). */
  truthTable,
  /** Samples of a 1-D function with noise, for regression. */
  regression1d,
  /** Loads a bundled real data set by name (Node only): iris, wine, breast-cancer, digits, pima-indians-diabetes, diabetes-progression. */
  load: loadBundled,
  bundledNames,
};
