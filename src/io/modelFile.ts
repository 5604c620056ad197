import { BackpropError, DivergenceError, InputError, ModelFormatError, UnsupportedError } from '../core/errors.js';
import type { FloatArray } from '../core/matrix.js';
import type { RngState } from '../core/rng.js';
import { getLoss, type LossName } from '../losses/index.js';
import { getOptimizer, type OptimizerName } from '../optimizers/index.js';
import { Sequential, sequentialFromConfig } from '../model/sequential.js';
import type { Label } from '../core/labels.js';
import { MAX_LAYERS, checkAsReader, checkCap } from './caps.js';
import { DEFAULT_LIMITS, FORMAT_VERSION, decodeContainer, encodeContainer, readFloats, readInt32, type ContainerLimits, type StoredTensor, type TensorEntry } from './container.js';
import { Reader, checkJsonWritable, type Json, type JsonObject } from './json.js';
import { validateCompile, validateModelConfig, type ExpectedParam } from './validateModel.js';
import { validateClasses, validatePreprocessing, type Preprocessing } from './preprocessing.js';
import { LoadedModel, type TrainingState } from './loadedModel.js';

export { type Preprocessing, type ImputerJSON } from './preprocessing.js';
export { LoadedModel, type TrainingState } from './loadedModel.js';


/** What modelToBytes and saveModel store besides the model. */
export interface ModelFileArgs {
  /** Scalers, column schema, class and feature names to store with the model. */
  preprocessing?: Preprocessing;
  /** Epoch counter and history for resuming. */
  training?: TrainingState;
  /** Any other plain JSON (finite numbers only), e.g. the command that trained the model. */
  metadata?: JsonObject;
}

/** Options of modelFromBytes and loadModel. */
export interface LoadArgs {
  /** Caps on file size, header size, tensor count and total elements (defaults: 1 GiB, 32 MiB, 100,000, 2²⁸). */
  limits?: Partial<ContainerLimits>;
  /** Most layers accepted; default 10,000. */
  maxLayers?: number;
}

/** The `format` field of a native model file's header. */
export const MODEL_FORMAT = 'backprop-model';
/** The permutation of training rows a resumed fit continues from. */
const SHUFFLE_ORDER = 'state:shuffleOrder';
const HEADER_KEYS = ['format', 'formatVersion', 'model', 'classes', 'compile', 'rng', 'preprocessing', 'training', 'metadata', 'tensors'];

/**
 * Serialises a built model to the native format: topology, compile settings, weights, optimiser
 * state, RNG states (shuffling, dropout masks), class names, preprocessing and training state.
 * Everything needed for `modelFromBytes` to give bit-identical predictions and an exact resume.
 */
export function modelToBytes(model: Sequential, args: ModelFileArgs = {}): Uint8Array {
  if (!(model instanceof Sequential)) throw new BackpropError('modelToBytes: expected a Sequential model');
  model.requireBuilt('save');
  checkCap('the number of layers', 'maxLayers', model.layers.length, MAX_LAYERS);
  const params = model.params();
  const tensors: TensorEntry[] = params.map((p) => ({ name: `weight:${p.name}`, shape: p.shape, data: p.value }));
  const header: JsonObject = {
    format: MODEL_FORMAT,
    formatVersion: FORMAT_VERSION,
    model: model.getConfig() as unknown as Json,
  };
  if (model.classes !== undefined) header.classes = [...model.classes];
  if (model.loss !== undefined && model.optimizer !== undefined) {
    const opt = model.optimizer;
    const state = opt.getState(params);
    const compile: JsonObject = {
      loss: { name: model.loss.name, config: { ...model.loss.config } },
      optimizer: {
        name: opt.name,
        config: opt.getConfig() as JsonObject,
        iterations: state.iterations,
        ...(state.learningRate !== undefined ? { learningRate: state.learningRate } : {}),
      },
      metrics: model.session.metricSpecs.filter((m): m is string => typeof m === 'string'),
    };
    header.compile = compile;
    for (const p of params) {
      const slots = state.slots[p.name];
      slots?.forEach((values, k) => {
        // The loader refuses non-finite state (R10): such a run diverged and is not saved (R18).
        const bad = values.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) {
          const layer = p.name.slice(0, Math.max(0, p.name.lastIndexOf('/')));
          throw new DivergenceError(`cannot save: the optimiser state ${opt.slotNames[k] ?? k} of ${p.name} holds ${values[bad]} at entry ${bad}; the run diverged (scale the inputs or lower the learning rate)`, {
            epoch: args.training?.epoch ?? 0, batch: 0, loss: NaN, kind: 'optimizer state', layer, param: p.name,
          });
        }
        const data = p.value instanceof Float64Array ? Float64Array.from(values) : Float32Array.from(values);
        tensors.push({ name: `slot:${p.name}:${k}`, shape: p.shape, data });
      });
    }
  }
  const order = model.session.shuffleOrder;
  if (order !== undefined) tensors.push({ name: SHUFFLE_ORDER, shape: [order.length], data: order });
  const dropout: JsonObject = {};
  for (const layer of model.layers) {
    const state = layer.getRngState();
    if (state !== undefined) dropout[layer.name] = rngJson(state);
  }
  header.rng = { shuffle: rngJson(model.session.shuffleRng.getState()), dropout };
  checkJsonWritable(args.preprocessing, 'preprocessing');
  checkJsonWritable(args.metadata, 'metadata');
  if (args.preprocessing !== undefined) header.preprocessing = JSON.parse(JSON.stringify(args.preprocessing)) as Json;
  if (args.training !== undefined) {
    const t = args.training;
    const keys = Object.keys(t.history?.history ?? {});
    header.training = { epoch: t.epoch, epochs: [...(t.history?.epoch ?? [])], historyKeys: keys };
    for (const k of keys) tensors.push({ name: `history:${k}`, shape: [t.history!.history[k]!.length], data: Float64Array.from(t.history!.history[k]!) });
  }
  if (args.metadata !== undefined) header.metadata = args.metadata;
  checkReadable(header, model);
  return encodeContainer(header, tensors);
}

/**
 * Runs the reader's own checks on the parts of the header a user supplies (classes,
 * preprocessing), so a file that saves also loads: the writer's limits are the reader's (R4).
 */
function checkReadable(header: JsonObject, model: Sequential): void {
  checkAsReader(() => {
    // The architecture as the reader will see it (JSON): layer names, sizes, activations (R4, R19).
    validateModelConfig(new Reader('model'), JSON.parse(JSON.stringify(header.model)) as Json, MAX_LAYERS, DEFAULT_LIMITS.maxElements);
    if (header.classes !== undefined) validateClasses(new Reader('classes'), header.classes);
    if (header.preprocessing !== undefined) validatePreprocessing(new Reader('preprocessing'), header.preprocessing, model.inputUnits, model.outputUnits);
  });
}

function rngJson(s: RngState): Json {
  return s.spare === undefined ? { s: [...s.s] } : { s: [...s.s], spare: s.spare };
}

/**
 * Reads a native model file, checking everything before building anything: sizes, magic,
 * version, checksum, header fields, layer classes and names, and every tensor's shape against
 * the one its layer will have. Throws ModelFormatError for a corrupt or hostile file and
 * UnsupportedError for what this version cannot restore; nothing in the file is evaluated.
 */
export function modelFromBytes(bytes: Uint8Array, args: LoadArgs = {}): LoadedModel {
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError('modelFromBytes: expected the file as a Uint8Array');
  const limits: ContainerLimits = { ...DEFAULT_LIMITS, ...(args.limits ?? {}) };
  const { header, tensors } = decodeContainer(bytes, limits);
  try {
    return decodeModel(header, tensors, limits, args.maxLayers ?? MAX_LAYERS);
  } catch (e) {
    if (e instanceof ModelFormatError || e instanceof UnsupportedError) throw e;
    // A library error while rebuilding (an InputError from a layer constructor, ...) means the file is invalid.
    if (e instanceof BackpropError) throw new ModelFormatError(`model file is invalid: ${e.message}`);
    throw new ModelFormatError(`model file could not be read (unexpected ${e instanceof Error ? e.name : 'error'}: ${e instanceof Error ? e.message : String(e)})`);
  }
}

function decodeModel(header: JsonObject, tensors: Map<string, StoredTensor>, limits: ContainerLimits, maxLayers: number): LoadedModel {
  const r = new Reader('model file header');
  r.keys(header, HEADER_KEYS);
  if (header.format !== MODEL_FORMAT) throw r.at('format').fail(`expected ${JSON.stringify(MODEL_FORMAT)}`);
  const formatVersion = r.at('formatVersion').integer(header.formatVersion, 1, FORMAT_VERSION);
  const { config, params: expected } = validateModelConfig(r.at('model'), header.model, maxLayers, limits.maxElements);
  const used = new Set<string>();
  const take = (name: string, what: ExpectedParam | { name: string; shape: readonly number[] }, dtype: string): StoredTensor => {
    const t = tensors.get(name);
    if (t === undefined) throw new ModelFormatError(`model file has no tensor ${JSON.stringify(name)}`);
    if (t.dtype !== dtype) throw new ModelFormatError(`tensor ${JSON.stringify(name)} is ${t.dtype}, the model is ${dtype}`);
    if (t.shape.length !== what.shape.length || t.shape.some((d, i) => d !== what.shape[i])) {
      throw new ModelFormatError(`tensor ${JSON.stringify(name)} has shape [${t.shape.join(', ')}], the layer expects [${what.shape.join(', ')}]`);
    }
    used.add(name);
    return t;
  };
  // Every weight is matched against its layer's shape before the model allocates anything.
  const weights = expected.map((p) => take(`weight:${p.name}`, p, config.dtype));
  const compile = header.compile === undefined ? undefined : validateCompile(r.at('compile'), header.compile);
  const classes = header.classes === undefined ? undefined : validateClasses(r.at('classes'), header.classes);

  const model = sequentialFromConfig(config);
  const params = model.params();
  if (params.length !== expected.length) throw new ModelFormatError(`model file: the model has ${params.length} tensors, the file ${expected.length}`);
  params.forEach((p, i) => copyInto(p.value, readFloats(weights[i]!)));
  if (classes !== undefined) {
    const out = model.outputUnits;
    if (classes.length > Math.max(out, 2) || (out > 1 && classes.length > out)) {
      throw r.at('classes').fail(`${classes.length} classes do not fit ${out} output units`);
    }
    model.session.classes = classes as Label[];
  }
  if (compile !== undefined) {
    model.compile({
      loss: getLoss(compile.loss.name as LossName, compile.loss.config),
      optimizer: getOptimizer(compile.optimizer.name as OptimizerName, compile.optimizer.config as Record<string, unknown>),
      metrics: compile.metrics,
    });
    const slots: Record<string, number[][]> = Object.create(null) as Record<string, number[][]>;
    // By name through a Map: a linear scan per slot made a 10,000-layer file quadratic (R11).
    const byName = new Map(params.map((p) => [p.name, p]));
    for (const name of tensors.keys()) {
      const m = /^slot:(.+):(\d)$/.exec(name);
      if (!m) continue;
      const p = byName.get(m[1]!);
      if (p === undefined || !p.trainable) throw new ModelFormatError(`optimizer slot ${JSON.stringify(name)} names no trainable tensor of the model`);
      const list = slots[p.name] ?? (slots[p.name] = []);
      list[Number(m[2])] = Array.from(readFloats(take(name, p, config.dtype)));
    }
    const slotNames = model.session.optimizer.slotNames;
    for (const [name, list] of Object.entries(slots)) {
      if (list.length > slotNames.length) {
        throw new ModelFormatError(`optimizer slots of ${JSON.stringify(name)}: ${list.length} in the file, but ${compile.optimizer.name} keeps ${slotNames.length} (${slotNames.join(', ') || 'none'})`);
      }
      if (list.some((x) => x === undefined)) throw new ModelFormatError(`optimizer slots of ${JSON.stringify(name)} are not numbered 0..${list.length - 1}`);
    }
    model.session.optimizer.setState(params, { iterations: compile.optimizer.iterations, learningRate: compile.optimizer.learningRate, slots });
  }
  if (header.rng !== undefined) restoreRng(r.at('rng'), header.rng, model);
  const order = tensors.get(SHUFFLE_ORDER);
  if (order !== undefined) {
    model.session.shuffleOrder = readPermutation(order);
    used.add(SHUFFLE_ORDER);
  }
  const preprocessing = header.preprocessing === undefined ? {} : validatePreprocessing(r.at('preprocessing'), header.preprocessing, model.inputUnits, model.outputUnits);
  const training = header.training === undefined ? undefined : readTraining(r.at('training'), header.training, tensors, used);
  const metadata = header.metadata === undefined ? {} : r.at('metadata').object(header.metadata);
  for (const name of tensors.keys()) if (!used.has(name)) throw new ModelFormatError(`model file has an unexpected tensor ${JSON.stringify(name)}`);
  return new LoadedModel(model, preprocessing, training, metadata, formatVersion);
}

function copyInto(target: FloatArray, source: FloatArray): void {
  if (target.length !== source.length) throw new ModelFormatError(`tensor of ${source.length} values does not fit ${target.length}`);
  target.set(source);
}

/** The saved row order: int32, one dimension, each of 0..n−1 exactly once (they index the training rows). */
function readPermutation(t: StoredTensor): Int32Array {
  if (t.dtype !== 'int32' || t.shape.length !== 1) throw new ModelFormatError(`tensor ${JSON.stringify(t.name)} must be a 1-D int32 permutation`);
  const order = readInt32(t);
  const seen = new Uint8Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const k = order[i]!;
    if (k < 0 || k >= order.length || seen[k] === 1) throw new ModelFormatError(`tensor ${JSON.stringify(t.name)} is not a permutation of 0..${order.length - 1} (entry ${i} is ${k})`);
    seen[k] = 1;
  }
  return order;
}

function readRngState(r: Reader, v: Json | undefined): RngState {
  const o = r.object(v);
  r.keys(o, ['s', 'spare']);
  const words = r.at('s').array(o.s, 4);
  if (words.length !== 4) throw r.at('s').fail('expected 4 words');
  const s = words.map((w, i) => r.at('s').at(i).integer(w, -2147483648, 4294967295) | 0) as [number, number, number, number];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) throw r.at('s').fail('an all-zero state would make the generator constant');
  return { s, spare: o.spare === undefined ? undefined : r.at('spare').number(o.spare) };
}

function restoreRng(r: Reader, v: Json, model: Sequential): void {
  const o = r.object(v);
  r.keys(o, ['shuffle', 'dropout']);
  if (o.shuffle !== undefined) model.session.shuffleRng.setState(readRngState(r.at('shuffle'), o.shuffle));
  if (o.dropout === undefined) return;
  const d = r.at('dropout').object(o.dropout);
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  for (const [name, state] of Object.entries(d)) {
    const layer = byName.get(name);
    if (layer?.getRngState() === undefined) throw r.at('dropout').fail(`${JSON.stringify(name)} is not a dropout layer of the model`);
    layer.setRngState(readRngState(r.at('dropout').at(name), state));
  }
}

function readTraining(r: Reader, v: Json, tensors: Map<string, StoredTensor>, used: Set<string>): TrainingState {
  const o = r.object(v);
  r.keys(o, ['epoch', 'epochs', 'historyKeys']);
  const epoch = r.at('epoch').integer(o.epoch, 0, 1e9);
  const seen = new Set<string>();
  const epochs = r.at('epochs').array(o.epochs ?? [], 1e7).map((e, i) => r.at('epochs').at(i).integer(e, 0, 1e9));
  const keys = r.at('historyKeys').array(o.historyKeys ?? [], 1000).map((k, i) => {
    const key = r.at('historyKeys').at(i).string(k, 200);
    if (key === '__proto__' || key === 'constructor' || key === 'prototype' || seen.has(key)) throw r.at('historyKeys').at(i).fail(`${JSON.stringify(key)} is not a usable log name`);
    seen.add(key);
    return key;
  });
  const history: Record<string, number[]> = {};
  for (const k of keys) {
    const name = `history:${k}`;
    const t = tensors.get(name);
    if (t === undefined || t.dtype !== 'float64' || t.shape.length !== 1 || t.shape[0] !== epochs.length) {
      throw new ModelFormatError(`training history ${JSON.stringify(k)} is missing or does not have one float64 value per epoch (${epochs.length})`);
    }
    used.add(name);
    history[k] = Array.from(readFloats(t));
  }
  return { epoch, history: { epoch: epochs, history } };
}

/** For tests and tools: the header of a valid file, without building the model. */
export function readModelHeader(bytes: Uint8Array, args: LoadArgs = {}): JsonObject {
  return decodeContainer(bytes, { ...DEFAULT_LIMITS, ...(args.limits ?? {}) }).header;
}

