import { BackpropError, UnsupportedError } from '../../core/errors.js';
import type { Activation } from '../../activations.js';
import type { Sequential } from '../../model/sequential.js';
import type { Layer } from '../../layers/layer.js';
import type { Param } from '../../layers/param.js';
import { visitLayer, type PerLayerClass } from '../../layers/registry.js';
import { METADATA_JSON_LIMITS, TFJS_CAPS, checkAsReader, checkCap, checkJsonCaps } from '../caps.js';
import { UnexportableLayerError, checkExportWeights, checkPortableReadable, checkPreprocessingReadable, foldPreprocessing, portableInfo, refuseUnexportable } from '../portable.js';
import { validatePreprocessing, type Preprocessing } from '../preprocessing.js';
import { Reader, type JsonObject } from '../json.js';

/** The version of tfjs-layers whose files these are (what `generatedBy` and `keras_version` say). */
export const TFJS_VERSION = '4.22.0';
/** The weights file name `tf.io.browserDownloads` uses. */
export const TFJS_WEIGHTS_FILE = 'model.weights.bin';
/** The file beside model.json that holds the pipeline `applyPreprocessing` applies. */
export const TFJS_PREPROCESSING_FILE = 'preprocessing.json';

/** A tfjs weight spec as in `weightsManifest[0].weights`. */
export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
}

/** model.json as tfjs 4.x writes it, plus the bytes of its weights file. */
export interface TfjsArtifacts {
  readonly modelJson: JsonObject;
  readonly weightSpecs: readonly TfjsWeightSpec[];
  readonly weightData: Uint8Array;
  /**
   * The pipeline from raw records to the network's inputs (`preprocessing.json`), for
   * `applyPreprocessing`; present when the model has a column schema and the export is not
   * network-only. The regression target scaling is folded into the last layer instead.
   */
  readonly preprocessing?: JsonObject;
}

/** Options of the TensorFlow.js exporter. */
export interface TfjsExportArgs {
  /**
   * The model's pipeline. With a column schema it goes into `preprocessing` (applied by
   * `applyPreprocessing`) and only the target scaling is folded; without one the input scaling is
   * folded into the first layer. Class labels, feature names and schema go into userDefinedMetadata.
   */
  preprocessing?: Preprocessing;
  /** Only the bare network: nothing folded, no preprocessing.json (apply the pipeline yourself). */
  networkOnly?: boolean;
  /** The weights file name written in the manifest; default "model.weights.bin". */
  weightsFile?: string;
}

/** Name suffix of the LeakyReLU layer a Dense layer's leaky ReLU is written as. */
export const LEAKY_SUFFIX = '_leaky_re_lu';

/** tfjs' own activation names, for the activations it has. */
const TFJS_ACTIVATIONS: Partial<Record<Activation['name'], string>> = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax' };

const initializer = (className: string, config: JsonObject = {}): JsonObject => ({ class_name: className, config });
const GLOROT = initializer('VarianceScaling', { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null });

interface Emitted {
  readonly className: string;
  readonly config: JsonObject;
  /** Weights in tfjs order with their tfjs names (`<layer>/kernel`, `<layer>/moving_mean`, ...). */
  readonly weights: readonly { readonly suffix: string; readonly param: Param }[];
  /** A layer the exporter added (the LeakyReLU after a Dense layer), whose name it chose. */
  readonly generated?: boolean;
}

/** The tfjs layer for an activation: an Activation layer, or LeakyReLU for leaky ReLU. */
function activationLayers(act: Activation, name: string): Emitted[] {
  if (act.name === 'leakyRelu') {
    // tfjs has no 'leaky_relu' activation string; a LeakyReLU layer carries alpha.
    const alpha = typeof act.spec === 'object' ? act.spec.alpha : 0.01;
    return [{ className: 'LeakyReLU', config: { alpha, name, trainable: true }, weights: [] }];
  }
  const tf = TFJS_ACTIVATIONS[act.name];
  if (tf === undefined) throw new UnsupportedError(`TensorFlow.js export: layer ${JSON.stringify(name)} uses the '${act.name}' activation, which TensorFlow.js does not have (ONNX export supports it)`);
  return [{ className: 'Activation', config: { activation: tf, name, trainable: true }, weights: [] }];
}

function param(layer: Layer, suffix: string): Param {
  return layer.weights().find((p) => p.name.endsWith(`/${suffix}`))!;
}

/** Each layer class as tfjs layers (the compiler rejects a class missing here). */
const TO_TFJS: PerLayerClass<Emitted[]> = {
  Dense(layer) {
    const act = layer.activation;
    const inline = act.name !== 'leakyRelu' ? TFJS_ACTIVATIONS[act.name] : 'linear';
    if (inline === undefined) activationLayers(act, layer.name); // throws the UnsupportedError
    const dense: Emitted = {
      className: 'Dense',
      config: {
        units: layer.units, activation: inline ?? 'linear', use_bias: layer.useBias,
        kernel_initializer: GLOROT, bias_initializer: initializer('Zeros'),
        kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
        name: layer.name, trainable: true,
      },
      weights: [{ suffix: 'kernel', param: param(layer, 'kernel') }, ...(layer.useBias ? [{ suffix: 'bias', param: param(layer, 'bias') }] : [])],
    };
    return act.name === 'leakyRelu' ? [dense, ...activationLayers(act, `${layer.name}${LEAKY_SUFFIX}`).map((e) => ({ ...e, generated: true }))] : [dense];
  },
  Activation(layer) {
    return activationLayers(layer.activation, layer.name);
  },
  Dropout(layer) {
    return [{ className: 'Dropout', config: { rate: layer.rate, noise_shape: null, seed: null, name: layer.name, trainable: true }, weights: [] }];
  },
  BatchNormalization(layer) {
    return [{
      className: 'BatchNormalization',
      config: {
        axis: -1, momentum: layer.momentum, epsilon: layer.epsilon, center: true, scale: true,
        beta_initializer: initializer('Zeros'), gamma_initializer: initializer('Ones'),
        moving_mean_initializer: initializer('Zeros'), moving_variance_initializer: initializer('Ones'),
        beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
        name: layer.name, trainable: true,
      },
      weights: [
        { suffix: 'gamma', param: layer.gamma }, { suffix: 'beta', param: layer.beta },
        { suffix: 'moving_mean', param: layer.movingMean }, { suffix: 'moving_variance', param: layer.movingVariance },
      ],
    }];
  },
  PeriodicEmbedding(layer) {
    throw new UnexportableLayerError(layer.name, layer.className, 'TensorFlow.js');
  },
};

/**
 * The model in the TensorFlow.js Layers format, as tfjs-layers 4.x saves it: `model.json`
 * (`format: "layers-model"`, Keras-2-style `batch_input_shape` on the first layer) and one
 * weights file holding every trainable tensor in layer order, then the batch-norm moving
 * statistics, float32 little-endian. `tf.loadLayersModel` reads it with strict weight names.
 * A leaky ReLU becomes a LeakyReLU layer; step, sign and piecewiseLinear are UnsupportedError.
 */
export function modelToTfjs(model: Sequential, args: TfjsExportArgs = {}): TfjsArtifacts {
  if (typeof model !== 'object' || model === null || typeof model.requireBuilt !== 'function') throw new BackpropError('modelToTfjs: expected a Sequential model');
  refuseUnexportable(model, 'TensorFlow.js');
  const pre = args.preprocessing;
  checkPreprocessingReadable(model, pre);
  const raw = pre?.schema !== undefined && args.networkOnly !== true;
  const folded = args.networkOnly === true ? foldPreprocessing(model, undefined) : raw ? foldTarget(model, pre) : foldPreprocessing(model, pre);
  checkExportWeights(model, folded, raw ? undefined : pre, 'TensorFlow.js');
  const emitted = folded.layers.flatMap((l) => visitLayer(TO_TFJS, l));
  if (emitted.length === 0) emitted.push({ className: 'Activation', config: { activation: 'linear', name: 'activation_linear', trainable: true }, weights: [] });
  uniqueGeneratedNames(emitted, new Set(folded.layers.map((l) => l.name)));

  checkCap('the TensorFlow.js layers', 'maxLayers', emitted.length, TFJS_CAPS.maxLayers);
  for (const e of emitted) checkCap(`the layer name ${JSON.stringify((e.config.name as string).slice(0, 50))} (characters)`, 'maxLayerNameChars', (e.config.name as string).length, TFJS_CAPS.maxLayerNameChars);
  const layersJson = emitted.map((e, i) => ({
    class_name: e.className,
    config: i === 0 ? { ...e.config, batch_input_shape: [null, folded.inputUnits], dtype: 'float32' } : e.config,
  }));
  const all = emitted.flatMap((e) => e.weights.map((w) => ({ name: `${e.config.name as string}/${w.suffix}`, param: w.param })));
  // tfjs orders trainable weights first, then the non-trainable moving statistics.
  const ordered = [...all.filter((w) => w.param.trainable), ...all.filter((w) => !w.param.trainable)];
  const weightSpecs: TfjsWeightSpec[] = ordered.map((w) => ({ name: w.name, shape: [...w.param.shape], dtype: 'float32' }));
  const total = ordered.reduce((n, w) => n + w.param.size, 0);
  const floats = new Float32Array(total);
  let at = 0;
  for (const w of ordered) {
    floats.set(w.param.value, at);
    at += w.param.size;
  }
  const weightData = littleEndian(floats);
  const info = portableInfo(model, args.preprocessing);
  checkPortableReadable(model, info, 'TensorFlow.js', false, raw ? pre.imputer : undefined);
  const modelJson: JsonObject = {
    modelTopology: {
      class_name: 'Sequential',
      config: { name: model.name, layers: layersJson },
      keras_version: `tfjs-layers ${TFJS_VERSION}`,
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [`./${args.weightsFile ?? TFJS_WEIGHTS_FILE}`], weights: weightSpecs.map((s) => ({ ...s, shape: [...s.shape] })) }],
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${TFJS_VERSION}`,
    convertedBy: null,
  };
  const meta: JsonObject = JSON.parse(JSON.stringify(info)) as JsonObject;
  if (raw) meta.preprocessingFile = TFJS_PREPROCESSING_FILE;
  if (Object.keys(meta).length > 0) modelJson.userDefinedMetadata = meta;
  checkJsonCaps(modelJson, 'model.json', TFJS_CAPS.json);
  checkCap('model.json (bytes)', 'maxJsonBytes', new TextEncoder().encode(JSON.stringify(modelJson)).length, TFJS_CAPS.maxJsonBytes);
  if (!raw) return { modelJson, weightSpecs, weightData };
  const { targetScaler: _folded, ...steps } = pre;
  const preprocessing = JSON.parse(JSON.stringify(steps)) as JsonObject;
  checkPipelineReadable(preprocessing, folded);
  return { modelJson, weightSpecs, weightData, preprocessing };
}

/** preprocessing.json checked as the loader reads it (R33): its bytes, its JSON limits and its steps against the network. */
function checkPipelineReadable(preprocessing: JsonObject, network: Sequential): void {
  checkJsonCaps(preprocessing, TFJS_PREPROCESSING_FILE, METADATA_JSON_LIMITS);
  checkCap(`${TFJS_PREPROCESSING_FILE} (bytes)`, 'maxPipelineBytes', new TextEncoder().encode(JSON.stringify(preprocessing)).length, TFJS_CAPS.maxPipelineBytes);
  checkAsReader(() => validatePreprocessing(new Reader(TFJS_PREPROCESSING_FILE), preprocessing, network.inputUnits, network.outputUnits));
}

/**
 * A LeakyReLU layer generated after a Dense layer is named `<dense>_leaky_re_lu`; when the model
 * already has a layer of that name, a number is appended so that every name in model.json is
 * unique (tfjs and the importer refuse repeated names). Such a layer reads back as an Activation.
 */
function uniqueGeneratedNames(emitted: Emitted[], taken: Set<string>): void {
  emitted.forEach((e, i) => {
    if (e.generated !== true || !taken.has(e.config.name as string)) {
      taken.add(e.config.name as string);
      return;
    }
    let name = e.config.name as string;
    for (let k = 2; taken.has(name); k++) name = `${e.config.name as string}_${k}`;
    taken.add(name);
    emitted[i] = { ...e, config: { ...e.config, name } };
  });
}

/** The network with only the regression target scaling folded in; a step that cannot be carried is named. */
function foldTarget(model: Sequential, pre: Preprocessing): Sequential {
  try {
    return foldPreprocessing(model, pre.targetScaler === undefined ? undefined : { targetScaler: pre.targetScaler });
  } catch (e) {
    if (e instanceof UnsupportedError) throw new UnsupportedError(`export: the TensorFlow.js export cannot carry the target scaling (${e.message}); export with --network-only and scale the outputs yourself`);
    throw e;
  }
}

function littleEndian(floats: Float32Array): Uint8Array {
  const bytes = new Uint8Array(floats.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < floats.length; i++) view.setFloat32(i * 4, floats[i]!, true);
  return bytes;
}
