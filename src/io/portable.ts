import { NonFiniteWeightError, UnsupportedError } from '../core/errors.js';
import type { ScalerJSON } from '../data/scalers.js';
import { featureNames as schemaFeatureNames, type TableSchema } from '../data/schema.js';
import { sequentialFromConfig, type Sequential } from '../model/sequential.js';
import type { Label } from '../core/labels.js';
import { validateClasses, validatePreprocessing, type Preprocessing } from './preprocessing.js';
import { Reader, parseUntrustedJson, type Json, type JsonObject } from './json.js';
import { METADATA_JSON_LIMITS, checkAsReader, checkJsonCaps } from './caps.js';
import { LoadedModel } from './loadedModel.js';

/**
 * What travels with an exported model besides its layers: the class labels in output order,
 * the input feature names (one-hot columns as `colour=red`) and the table schema, so a model
 * read back from ONNX or TensorFlow.js predicts on raw CSV columns as the native file does.
 */
export interface PortableInfo {
  readonly classes?: readonly Label[];
  readonly featureNames?: readonly string[];
  readonly schema?: TableSchema;
}

/**
 * A layer class an export format has no operators for (PeriodicEmbedding in TensorFlow.js): thrown before anything
 * is folded or written, naming the layer (`layer`), its class (`className`) and the format.
 */
export class UnexportableLayerError extends UnsupportedError {
  constructor(readonly layer: string, readonly className: string, readonly format: string) {
    super(`${format} export: layer ${JSON.stringify(layer)} is a ${className}, which has no ${format} equivalent here; export to ONNX, keep the model in backprop's own format (.bpm), or train without it (--no-embedding; in a spec, leave architecture.embedding out)`);
  }
}

/** Layer classes TensorFlow.js has no layer for. */
const UNEXPORTABLE = new Set(['PeriodicEmbedding']);

/** Throws UnexportableLayerError for the first layer of `model` that `format` cannot hold. */
export function refuseUnexportable(model: Sequential, format: string): void {
  const layer = model.layers.find((l) => UNEXPORTABLE.has(l.className));
  if (layer !== undefined) throw new UnexportableLayerError(layer.name, layer.className, format);
}

/**
 * A copy of `model` for inference elsewhere with the numeric scaling folded into its weights:
 * the input scaler x' = (x − o)/s into the first Dense layer (W'ᵢⱼ = Wᵢⱼ/sᵢ,
 * b'ⱼ = bⱼ − Σᵢ oᵢWᵢⱼ/sᵢ), and a regression target scaler y = y'·s + o into the last Dense
 * layer. The only place scaling is folded; both exporters call it. Computed in float64.
 * The model itself is not touched.
 */
export function foldPreprocessing(model: Sequential, preprocessing: Preprocessing | undefined, options: { readonly input?: boolean } = {}): Sequential {
  model.requireBuilt('export');
  const copy = sequentialFromConfig({ ...model.getConfig(), dtype: 'float64' });
  copy.session.classes = model.classes;
  const from = model.params();
  copy.params().forEach((p, i) => p.value.set(from[i]!.value));
  if (preprocessing?.scaler !== undefined && options.input !== false) foldInput(copy, preprocessing.scaler);
  if (preprocessing?.targetScaler !== undefined) foldOutput(copy, preprocessing.targetScaler);
  return copy;
}

/**
 * Checks that every weight of an export's network (`folded`, what foldPreprocessing made of
 * `model`) is finite once rounded to float32, the exported dtype, before a byte is written
 * (R23, R24): a NaN or ±Infinity weight, a float64 weight beyond ±3.4e38, or an input scaling
 * folded into the first layer that overflowed (a column whose values are about 1e-41 has a scale
 * of about 1e-41; the folded weights are about 1e40). Throws NonFiniteWeightError naming the
 * layer and tensor, and the input column when folding its scaling made the weight overflow.
 */
export function checkExportWeights(model: Sequential, folded: Sequential, preprocessing: Preprocessing | undefined, format: string): void {
  const before = model.params();
  const names = portableInfo(model, preprocessing).featureNames;
  folded.params().forEach((p, i) => {
    const v = p.value;
    for (let k = 0; k < v.length; k++) {
      if (Number.isFinite(Math.fround(v[k]!))) continue;
      const original = before[i]!.value[k]!;
      const slash = p.name.lastIndexOf('/');
      const layer = slash < 0 ? p.name : p.name.slice(0, slash);
      const cols = p.shape.length === 2 ? p.shape[1]! : 1;
      const row = p.shape.length === 2 ? Math.floor(k / cols) : undefined;
      if (!Number.isFinite(original)) {
        throw new NonFiniteWeightError(`${format} export: ${p.name} holds ${original} at index ${k}; a model with non-finite weights cannot be exported (retrain it)`, layer, p.name);
      }
      if (Number.isFinite(Math.fround(original))) {
        // Folding the input scaling made it overflow: name the column whose scale did.
        const column = row !== undefined && p.name.endsWith('/kernel') ? names?.[row] ?? `feature ${row}` : undefined;
        throw new NonFiniteWeightError(
          `${format} export: folding the input scaling into ${p.name} gives ${v[k]!.toPrecision(3)}${column !== undefined ? ` for column ${JSON.stringify(column.slice(0, 100))}` : ''}, beyond float32 (±3.4e38); ` +
          `rescale that column's values (its spread is about ${column !== undefined && row !== undefined ? scaleOf(preprocessing, row) : 'tiny'}) or export with --network-only`,
          layer, p.name, column,
        );
      }
      throw new NonFiniteWeightError(`${format} export: ${p.name} holds ${original.toPrecision(3)} at index ${k}, beyond float32 (±3.4e38), the exported dtype; it would be written as ${original > 0 ? '' : '-'}Infinity`, layer, p.name);
    }
  });
}

function scaleOf(preprocessing: Preprocessing | undefined, row: number): string {
  const s = preprocessing?.scaler?.scale[row];
  return s === undefined ? 'tiny' : s.toPrecision(3);
}

function foldInput(model: Sequential, scaler: ScalerJSON): void {
  // The smooth clip is not affine: no weight change reproduces it.
  if (scaler.clip !== undefined) throw new UnsupportedError(`export: the ${scaler.kind} input scaling ends in a smooth clip, which cannot be folded into the first layer of this format; export to ONNX (which writes the clip as operators), or train with --scale standard`);
  // Dropout before the first Dense layer is the identity at inference, so scaling commutes with it.
  const index = model.layers.findIndex((l) => l.className !== 'Dropout');
  const first = model.layers[index];
  const kernel = first?.weights().find((p) => p.name.endsWith('/kernel'));
  if (first === undefined || kernel === undefined) {
    throw new UnsupportedError(`export: the input scaling can only be folded into a first Dense layer, but the first layer is ${first?.className ?? 'missing'}; export without preprocessing and scale the inputs yourself`);
  }
  const [rows, cols] = kernel.shape as [number, number];
  const w = kernel.value;
  const bias = first.weights().find((p) => p.name.endsWith('/bias'))?.value;
  if (bias === undefined) {
    const shift = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) shift[j] = shift[j]! - (scaler.offset[i]! * w[i * cols + j]!) / scaler.scale[i]!;
    if (shift.some((v) => v !== 0)) throw new UnsupportedError(`export: ${first.name} has no bias to absorb the input scaler's offset`);
  }
  for (let i = 0; i < rows; i++) {
    const o = scaler.offset[i]!;
    const s = scaler.scale[i]!;
    for (let j = 0; j < cols; j++) {
      const scaled = w[i * cols + j]! / s;
      w[i * cols + j] = scaled;
      if (bias !== undefined) bias[j] = bias[j]! - o * scaled;
    }
  }
}

function foldOutput(model: Sequential, scaler: ScalerJSON): void {
  const last = model.layers[model.layers.length - 1]!;
  const kernel = last.weights().find((p) => p.name.endsWith('/kernel'));
  const bias = last.weights().find((p) => p.name.endsWith('/bias'));
  if (kernel === undefined || bias === undefined || last.outputActivation()?.name !== 'linear') {
    throw new UnsupportedError(`export: the target scaling can only be folded into a last Dense layer with a bias and a linear activation, not ${last.name}`);
  }
  const [rows, cols] = kernel.shape as [number, number];
  for (let j = 0; j < cols; j++) {
    const s = scaler.scale[j]!;
    for (let i = 0; i < rows; i++) kernel.value[i * cols + j] = kernel.value[i * cols + j]! * s;
    bias.value[j] = bias.value[j]! * s + scaler.offset[j]!;
  }
}

/** Labels, feature names and schema for an export's metadata. */
export function portableInfo(model: Sequential, preprocessing: Preprocessing | undefined): PortableInfo {
  const names = preprocessing?.featureNames ?? (preprocessing?.schema ? schemaFeatureNames(preprocessing.schema) : undefined);
  return {
    ...(model.classes !== undefined ? { classes: [...model.classes] } : {}),
    ...(names !== undefined ? { featureNames: [...names] } : {}),
    ...(preprocessing?.schema !== undefined ? { schema: preprocessing.schema } : {}),
  };
}

/** The preprocessing an imported model carries: names and schema, never a scaler (it was folded). */
function preprocessingOf(info: PortableInfo): Preprocessing {
  return {
    ...(info.schema !== undefined ? { schema: info.schema } : {}),
    ...(info.featureNames !== undefined ? { featureNames: info.featureNames } : {}),
  };
}

/**
 * An imported file's labels, feature names and schema as JSON; `imputer` is the pipeline's
 * (TF.js preprocessing.json) when the file has one: its missing indicators are inputs too.
 */
type PortableValues = { classes?: Json; featureNames?: Json; schema?: Json; imputer?: Json };

/**
 * Reads labels, feature names and schema from an imported file's metadata (JSON values from an
 * untrusted file), checked against the model's sizes as the native loader checks them.
 */
function readPortableInfo(r: Reader, values: PortableValues, inputUnits: number, outputUnits: number): PortableInfo {
  const pre = validatePreprocessing(r, {
    ...(values.schema !== undefined ? { schema: values.schema } : {}),
    ...(values.featureNames !== undefined ? { featureNames: values.featureNames } : {}),
    ...(values.imputer !== undefined && values.schema !== undefined ? { imputer: values.imputer } : {}),
  }, inputUnits, outputUnits);
  const info: { classes?: Label[]; featureNames?: readonly string[]; schema?: TableSchema } = {};
  if (values.classes !== undefined) {
    info.classes = validateClasses(r.at('classes'), values.classes);
    if (info.classes.length > Math.max(outputUnits, 2) || (outputUnits > 1 && info.classes.length > outputUnits)) {
      throw r.at('classes').fail(`${info.classes.length} classes do not fit ${outputUnits} output units`);
    }
  }
  if (pre.featureNames !== undefined) info.featureNames = pre.featureNames;
  if (pre.schema !== undefined) info.schema = pre.schema;
  return info;
}

/**
 * The end of every import (ONNX, TensorFlow.js): the labels, feature names and schema the file's
 * metadata holds (absent ones undefined) checked against the built model through `r`, the model
 * compiled for its output, and the load result with the format's own `metadata`.
 */
export function importedModel(model: Sequential, r: Reader, values: PortableValues, metadata: JsonObject, formatVersion: number): LoadedModel {
  checkImportedWeights(model, typeof metadata.format === 'string' ? metadata.format : 'imported');
  const info = readPortableInfo(r, values, model.inputUnits, model.outputUnits);
  if (info.classes !== undefined) model.session.classes = [...info.classes];
  compileImported(model);
  return new LoadedModel(model, preprocessingOf(info), undefined, metadata, formatVersion);
}

/**
 * An imported file's weights must all be finite (R25): NaN weights make every output NaN, which
 * the class decoding turned into the first class for every row with no error. Throws
 * NonFiniteWeightError naming the layer, the tensor and the first bad index.
 */
function checkImportedWeights(model: Sequential, format: string): void {
  for (const p of model.params()) {
    if (p.kernels.allFinite(p.value, p.size)) continue;
    const k = p.value.findIndex((v) => !Number.isFinite(v));
    const slash = p.name.lastIndexOf('/');
    const layer = slash < 0 ? p.name : p.name.slice(0, slash);
    throw new NonFiniteWeightError(`${format === 'tfjs' ? 'TensorFlow.js' : format === 'onnx' ? 'ONNX' : format} model: ${p.name} (layer ${layer}) holds ${p.value[k]} at index ${k}; a model with non-finite weights predicts nothing meaningful`, layer, p.name);
  }
}

/** Parses a metadata value written as JSON text, with the native loader's guards. */
export function parseMetadataJson(text: string, what: string): Json {
  return parseUntrustedJson(text, what, METADATA_JSON_LIMITS);
}

/**
 * The native writer's check of a pipeline given to an exporter (R33): one the native file would
 * refuse (an imputer or scaler of the wrong width, names that do not match the inputs) would be
 * folded or written into a graph that does not load; refused naming the field, before anything is built.
 */
export function checkPreprocessingReadable(model: Sequential, preprocessing: Preprocessing | undefined): void {
  if (preprocessing === undefined) return;
  model.requireBuilt('export');
  const json = JSON.parse(JSON.stringify(preprocessing)) as Json;
  checkAsReader(() => validatePreprocessing(new Reader('preprocessing'), json, model.inputUnits, model.outputUnits));
}

/**
 * The importer's checks on an export's labels, feature names and schema, run by the exporter
 * before anything is written (R33): what the importer would refuse (feature names that do not
 * match the inputs, a name past its cap, more columns than a schema may hold, JSON past the
 * metadata limits when each part is its own JSON value, as in ONNX) is refused now, naming the field.
 */
export function checkPortableReadable(model: Sequential, info: PortableInfo, format: string, separateValues: boolean, imputer?: Preprocessing['imputer']): void {
  const values = JSON.parse(JSON.stringify({ ...info, ...(imputer !== undefined ? { imputer } : {}) })) as PortableValues;
  if (separateValues) {
    for (const [key, value] of Object.entries(values)) checkJsonCaps(value as Json, `the ${format} metadata ${key}`, METADATA_JSON_LIMITS);
  }
  checkAsReader(() => readPortableInfo(new Reader(`${format} metadata`), values, model.inputUnits, model.outputUnits));
}

/**
 * Compiles an imported model with the loss its output activation pairs with (sigmoid → binary
 * cross-entropy, softmax → sparse categorical cross-entropy, else mean squared error) and plain
 * SGD, so that evaluate, explain and further training work on it as on a native model.
 */
function compileImported(model: Sequential): void {
  const out = model.layers[model.layers.length - 1]?.outputActivation()?.name;
  const loss = out === 'sigmoid' ? 'binaryCrossentropy' : out === 'softmax' ? 'sparseCategoricalCrossentropy' : 'mse';
  model.compile({ optimizer: 'sgd', loss, metrics: loss === 'mse' ? [] : ['accuracy'] });
}
