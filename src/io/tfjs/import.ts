import { BackpropError, ModelFormatError, UnsupportedError } from '../../core/errors.js';
import type { ActivationSpec } from '../../activations.js';
import { Sequential } from '../../model/sequential.js';
import { layerFromConfig, layerRegistry, type ConfigFields, type LayerClassName } from '../../layers/registry.js';
import { parseUntrustedJson, Reader, type Json, type JsonObject } from '../json.js';
import type { LoadedModel } from '../modelFile.js';
import { importedModel } from '../portable.js';
import { littleEndianFloats } from '../onnx/protobuf.js';
import { LEAKY_SUFFIX } from './export.js';

/** Options of the TensorFlow.js importer. */
export interface TfjsImportArgs {
  /** Most layers accepted; default 10,000. */
  maxLayers?: number;
  /** Most weight values accepted in total; default 2²⁸. */
  maxElements?: number;
  /**
   * The parsed preprocessing.json model.json names, when read with it (`loadModel` passes it):
   * its imputer's missing indicators are network inputs the schema in the metadata does not list.
   */
  pipeline?: Json;
}

/** The limits a model.json is parsed with (as the native header). */
export const TFJS_JSON_LIMITS = { maxDepth: 64, maxNodes: 2_000_000 };

/** Keras/tfjs activation names this library has. */
const ACTIVATIONS: Record<string, ActivationSpec> = {
  linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax',
  // Keras 3's activations.leaky_relu defaults to a slope of 0.2.
  leaky_relu: { name: 'leakyRelu', alpha: 0.2 },
};

/** One layer as found in model.json, already in our class and config, to be built through the layer registry. */
interface Found {
  readonly className: LayerClassName;
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** The layer's config in model.json, for the registry's messages. */
  readonly reader: Reader;
  /** Our tensors the file leaves out (Keras' center/scale false): built as γ = 1, β = 0. */
  readonly absent: readonly string[];
}

/** The weights manifest's paths in order, for a loader to read from beside model.json. */
export function tfjsWeightPaths(modelJson: Json): string[] {
  const r = new Reader('model.json');
  const o = r.object(modelJson);
  const groups = r.at('weightsManifest').array(o.weightsManifest ?? [], 1000);
  const out: string[] = [];
  groups.forEach((g, i) => {
    const rg = r.at('weightsManifest').at(i);
    const paths = rg.at('paths').array(rg.object(g).paths, 10_000);
    paths.forEach((p, k) => {
      const path = rg.at('paths').at(k).string(p, 1000);
      // Weights come from beside model.json, never from elsewhere on disk.
      if (path.includes('..') || path.startsWith('/') || path.includes('\\') || /^[a-z]+:/i.test(path)) throw rg.at('paths').at(k).fail(`${JSON.stringify(path)} is not a file name beside model.json`);
      out.push(path);
    });
  });
  return out;
}

/** Parses model.json text with the native loader's guards (nesting, size, prototype keys). */
export function parseTfjsJson(text: string): Json {
  return parseUntrustedJson(text, 'model.json', TFJS_JSON_LIMITS);
}

/**
 * Reads a TensorFlow.js Layers model (model.json and its weights concatenated in manifest order)
 * as tfjs and Keras write Sequential MLPs: Dense, Activation, Dropout, BatchNormalization,
 * LeakyReLU and InputLayer, with Keras 2 (`batch_input_shape`, `alpha`) or Keras 3
 * (`batch_shape`, `negative_slope`) spellings. Weight names must match their layers (as tfjs'
 * strict loading); anything else is an UnsupportedError naming the layer.
 */
export function modelFromTfjs(modelJson: Json, weightData: Uint8Array, args: TfjsImportArgs = {}): LoadedModel {
  try {
    return importTfjs(modelJson, weightData, args);
  } catch (e) {
    if (e instanceof ModelFormatError || e instanceof UnsupportedError) throw e;
    if (e instanceof BackpropError) throw new ModelFormatError(`TensorFlow.js model is invalid: ${e.message}`);
    throw new ModelFormatError(`TensorFlow.js model could not be read (unexpected ${e instanceof Error ? e.name : 'error'}: ${e instanceof Error ? e.message : String(e)})`);
  }
}

function activationOf(r: Reader, v: Json | undefined, layer: string): ActivationSpec {
  if (v === undefined || v === null) return 'linear';
  // Keras 3 may serialise an activation as {"module": ..., "class_name": ..., "config": ...}.
  // ({"class_name": "function", "config": "tanh"}); read the function's name.
  const name = typeof v === 'object' && !Array.isArray(v) ? r.string(typeof v.config === 'string' ? v.config : v.class_name, 100) : r.string(v, 100);
  if (!Object.hasOwn(ACTIVATIONS, name)) throw new UnsupportedError(`${r.path}: layer ${JSON.stringify(layer)} uses activation ${JSON.stringify(name)}; supported: ${Object.keys(ACTIVATIONS).join(', ')}`);
  return ACTIVATIONS[name]!;
}

/** Input width from batch_input_shape / batch_shape ([null, n]) or input_shape ([n]). */
function declaredInput(r: Reader, c: JsonObject, maxElements: number): number | undefined {
  const batch = c.batch_input_shape ?? c.batch_shape;
  if (batch !== undefined && batch !== null) {
    const s = r.at('batch_input_shape').array(batch, 2);
    if (s.length !== 2) throw r.at('batch_input_shape').fail(`expected [null, features], got ${s.length} dimensions`);
    return r.at('batch_input_shape').at(1).integer(s[1], 1, maxElements);
  }
  if (c.input_shape !== undefined && c.input_shape !== null) {
    const s = r.at('input_shape').array(c.input_shape, 1);
    return r.at('input_shape').at(0).integer(s[0], 1, maxElements);
  }
  if (c.input_dim !== undefined && c.input_dim !== null) return r.at('input_dim').integer(c.input_dim, 1, maxElements);
  return undefined;
}

function importTfjs(modelJson: Json, weightData: Uint8Array, args: TfjsImportArgs): LoadedModel {
  const maxElements = args.maxElements ?? 2 ** 28;
  const maxLayers = args.maxLayers ?? 10_000;
  const r = new Reader('model.json');
  const root = r.object(modelJson);
  if (root.format !== undefined && root.format !== 'layers-model') throw new UnsupportedError(`model.json: format ${JSON.stringify(root.format)}; only "layers-model" is supported (not graph models)`);
  let rt = r.at('modelTopology');
  let topology = rt.object(root.modelTopology);
  if (topology.model_config !== undefined) {
    rt = rt.at('model_config');
    topology = rt.object(topology.model_config);
  }
  const className = rt.at('class_name').string(topology.class_name, 100);
  if (className !== 'Sequential') throw new UnsupportedError(`${rt.path}: a ${JSON.stringify(className)} model; only Sequential models are supported`);
  const rc = rt.at('config');
  // Keras ≤ 2.1 wrote the layer list as the config itself.
  const list = Array.isArray(topology.config) ? rc.array(topology.config, maxLayers) : rc.at('layers').array(rc.object(topology.config).layers, maxLayers);
  const modelName = Array.isArray(topology.config) ? 'sequential' : typeof (topology.config as JsonObject).name === 'string' ? (topology.config as JsonObject).name as string : 'sequential';

  const found: Found[] = [];
  let inputUnits: number | undefined;
  const names = new Set<string>();
  list.forEach((entry, i) => {
    const rl = rc.at('layers').at(i);
    const lo = rl.object(entry);
    const cls = rl.at('class_name').string(lo.class_name, 100);
    const rcfg = rl.at('config');
    const c = rcfg.object(lo.config);
    const name = rcfg.at('name').string(c.name ?? `${cls.toLowerCase()}_${i}`, 200);
    if (names.has(name)) throw rcfg.at('name').fail(`layer name ${JSON.stringify(name)} is repeated`);
    names.add(name);
    const declared = declaredInput(rcfg, c, maxElements);
    if (declared !== undefined && found.length === 0) inputUnits ??= declared;
    const prev = found[found.length - 1];
    const push = (className: LayerClassName, config: Record<string, unknown>, absent: string[] = []) => found.push({ className, name, config: { name, ...config }, reader: rcfg, absent });
    switch (cls) {
      case 'InputLayer':
        if (declared === undefined) throw rcfg.fail('an InputLayer needs batch_input_shape, batch_shape or input_shape');
        if (found.length > 0) throw rl.fail('an InputLayer must come first');
        return;
      case 'Dense':
        push('Dense', { units: c.units as number, useBias: c.use_bias ?? true, activation: activationOf(rcfg.at('activation'), c.activation, name) });
        return;
      case 'Activation':
        push('Activation', { activation: activationOf(rcfg.at('activation'), c.activation, name) });
        return;
      case 'LeakyReLU': {
        const slope = c.negative_slope ?? c.alpha;
        const alpha = slope === undefined || slope === null ? 0.3 : rcfg.at(c.negative_slope !== undefined ? 'negative_slope' : 'alpha').number(slope);
        // Folded back into the Dense it was split from by modelToTfjs (named after it); otherwise a layer of its own.
        if (prev?.className === 'Dense' && prev.config.activation === 'linear' && name === `${prev.name}${LEAKY_SUFFIX}`) prev.config.activation = { name: 'leakyRelu', alpha };
        else push('Activation', { activation: { name: 'leakyRelu', alpha } });
        return;
      }
      case 'Dropout':
        push('Dropout', { rate: c.rate });
        return;
      case 'BatchNormalization': {
        const axis = c.axis === undefined ? -1 : Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis;
        if (axis !== -1 && axis !== 1) throw new UnsupportedError(`${rcfg.path}: batch normalization over axis ${JSON.stringify(axis)}; only the feature axis (-1 or 1) is supported`);
        const center = c.center === undefined ? true : rcfg.at('center').boolean(c.center);
        const scale = c.scale === undefined ? true : rcfg.at('scale').boolean(c.scale);
        push('BatchNormalization', { epsilon: c.epsilon ?? 1e-3, momentum: c.momentum ?? 0.99 }, [...(scale ? [] : ['gamma']), ...(center ? [] : ['beta'])]);
        return;
      }
      default:
        throw new UnsupportedError(`${rl.path}: layer ${JSON.stringify(name)} is a ${JSON.stringify(cls.slice(0, 60))}; supported: InputLayer, Dense, Activation, LeakyReLU, Dropout, BatchNormalization`);
    }
  });
  if (found.length === 0) throw rc.fail('the model has no layers');
  if (inputUnits === undefined) throw rc.fail('the first layer declares no input shape (batch_input_shape, batch_shape or input_shape)');

  checkWeightBytes(found, inputUnits, weightData.length, maxElements);
  const model = buildModel(found, inputUnits, modelName);
  setWeights(r, root, model, found, weightData, maxElements);
  const meta = root.userDefinedMetadata;
  const rm = r.at('userDefinedMetadata');
  const m = meta === undefined || meta === null ? {} : rm.object(meta);
  const pipeline = args.pipeline !== null && typeof args.pipeline === 'object' && !Array.isArray(args.pipeline) ? args.pipeline : undefined;
  return importedModel(model, rm, { classes: m.classes, featureNames: m.featureNames, schema: m.schema, imputer: pipeline?.imputer }, {
    format: 'tfjs', generatedBy: typeof root.generatedBy === 'string' ? root.generatedBy.slice(0, 200) : null,
  }, 1);
}

/**
 * Checks each layer's config and derives its tensors' shapes through the layer registry
 * (`kind.shapes`), then the bytes they need against the data given, before a buffer is allocated.
 */
function checkWeightBytes(found: readonly Found[], inputUnits: number, bytes: number, maxElements: number): void {
  let units = inputUnits;
  let total = 0;
  for (const f of found) {
    const shapes = layerRegistry[f.className].shapes(f.reader as ConfigFields, f.config, f.name, units, maxElements);
    for (const p of shapes.params) if (!f.absent.includes(p.name.slice(f.name.length + 1))) total += p.shape.reduce((x, y) => x * y, 1);
    if (total > maxElements) throw new ModelFormatError(`model.json: the layers need more than ${maxElements} weights`);
    units = shapes.outputUnits;
  }
  if (total * 4 !== bytes) throw new ModelFormatError(`weights: the layers need ${total * 4} bytes of float32 weights but the weights data has ${bytes}`);
}

function buildModel(found: readonly Found[], inputUnits: number, name: string): Sequential {
  const model = new Sequential(found.map((f) => layerFromConfig({ className: f.className, config: f.config })), { name: name.slice(0, 200) });
  model.build(inputUnits);
  return model;
}

/** Our tensor names (`movingMean`) in tfjs/Keras spelling (`moving_mean`). */
const TFJS_WEIGHT_NAME: Record<string, string> = { kernel: 'kernel', bias: 'bias', gamma: 'gamma', beta: 'beta', movingMean: 'moving_mean', movingVariance: 'moving_variance' };

function setWeights(r: Reader, root: JsonObject, model: Sequential, found: readonly Found[], data: Uint8Array, maxElements: number): void {
  const rm = r.at('weightsManifest');
  const groups = rm.array(root.weightsManifest ?? [], 1000);
  const specs: { name: string; shape: number[]; offset: number; size: number }[] = [];
  let offset = 0;
  groups.forEach((g, i) => {
    const rg = rm.at(i);
    const go = rg.object(g);
    rg.at('weights').array(go.weights, 100_000).forEach((w, k) => {
      const rw = rg.at('weights').at(k);
      const wo = rw.object(w);
      const name = rw.at('name').string(wo.name, 1000);
      if (wo.quantization !== undefined && wo.quantization !== null) throw new UnsupportedError(`${rw.path}: weight ${JSON.stringify(name)} is quantized; only float32 weights are supported`);
      const dtype = wo.dtype === undefined ? 'float32' : rw.at('dtype').string(wo.dtype, 20);
      if (dtype !== 'float32') throw new UnsupportedError(`${rw.path}: weight ${JSON.stringify(name)} has dtype ${JSON.stringify(dtype)}; only float32 is supported`);
      const shape = rw.at('shape').array(wo.shape, 8).map((d, j) => rw.at('shape').at(j).integer(d, 0, maxElements));
      let size = 1;
      for (const d of shape) {
        size *= d;
        if (size > maxElements) throw rw.at('shape').fail(`[${shape.join(', ')}] has more than ${maxElements} elements`);
      }
      specs.push({ name, shape, offset, size });
      offset += size * 4;
      if (offset > maxElements * 4) throw rm.fail(`the weights hold more than ${maxElements} values`);
    });
  });
  if (offset !== data.length) throw new ModelFormatError(`weights: the manifest describes ${offset} bytes but the weights data has ${data.length}`);
  const byName = new Map(specs.map((s) => [s.name, s]));
  const used = new Set<string>();
  const renamed = new Map(found.map((f, i) => [model.layers[i]!.name, f.name]));
  for (const p of model.params()) {
    const [layerName, tensor] = p.name.split('/') as [string, string];
    const key = `${renamed.get(layerName) ?? layerName}/${TFJS_WEIGHT_NAME[tensor] ?? tensor}`;
    const spec = byName.get(key);
    if (spec === undefined) {
      if (found.find((x) => x.name === layerName)?.absent.includes(tensor)) continue; // γ = 1, β = 0 as built
      throw new ModelFormatError(`weights: no weight named ${JSON.stringify(key)} in the manifest (it lists ${specs.slice(0, 10).map((s) => s.name).join(', ')}${specs.length > 10 ? ', …' : ''})`);
    }
    if (spec.shape.length !== p.shape.length || spec.shape.some((d, i) => d !== p.shape[i])) {
      throw new ModelFormatError(`weights: ${JSON.stringify(key)} has shape [${spec.shape.join(', ')}], the layer needs [${p.shape.join(', ')}]`);
    }
    p.value.set(littleEndianFloats(data.subarray(spec.offset, spec.offset + spec.size * 4)));
    used.add(key);
  }
  const extra = specs.find((s) => !used.has(s.name));
  if (extra !== undefined) throw new ModelFormatError(`weights: ${JSON.stringify(extra.name)} belongs to no layer of the model`);
}
