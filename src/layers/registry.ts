import { InputError, UnsupportedError } from '../core/errors.js';
import { initializerFromConfig, type Initializer } from '../initializers.js';
import { regularizerFromConfig } from '../regularizers.js';
import type { ActivationSpec } from '../activations.js';
import { Dense, type DenseArgs } from './dense.js';
import { ActivationLayer, type ActivationArgs } from './activationLayer.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batchNormalization.js';
import { PeriodicEmbedding, type PeriodicEmbeddingArgs } from './periodicEmbedding.js';
import type { Layer, LayerConfig } from './layer.js';

/**
 * Every layer class the library has, by its saved class name. Adding a class here makes the
 * compiler point at each table that must learn it: `layerRegistry` below, and every format's
 * `PerLayerClass` mapping (tfjs, ONNX).
 */
export interface LayerClasses {
  Dense: Dense;
  Activation: ActivationLayer;
  Dropout: Dropout;
  BatchNormalization: BatchNormalization;
  PeriodicEmbedding: PeriodicEmbedding;
}

/** The registered layer class names (Dense, Activation, Dropout, BatchNormalization, PeriodicEmbedding), as saved in model files. */
export type LayerClassName = keyof LayerClasses;

/** A parameter tensor a layer will own, known from its config before anything is allocated. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
}

/** The type-checking reader a file loader validates a config with (io/json.ts's Reader fits). */
export interface ConfigFields {
  readonly path: string;
  /** The reader of field `key` (its path extended for messages). */
  at(key: string): ConfigFields;
  /** `v` as an integer in [min, max], or a ModelFormatError naming the field. */
  integer(v: unknown, min: number, max: number): number;
  /** `v` as a finite number, or a ModelFormatError naming the field. */
  number(v: unknown): number;
  /** `v` as a boolean, or a ModelFormatError naming the field. */
  boolean(v: unknown): boolean;
  /** A ModelFormatError about this field. */
  fail(message: string): Error;
}

/** What the library knows about one layer class, in one place. */
export interface LayerKind<K extends LayerClassName> {
  readonly className: K;
  /** Base of default names: `dense_1`, `batch_normalization_2` (Keras' snake case). */
  readonly defaultName: string;
  /** Keys `getConfig().config` may have. */
  readonly configKeys: readonly string[];
  /** Whether `layer` is of this class. */
  is(layer: Layer): layer is LayerClasses[K];
  /** Rebuilds a layer from its `getConfig().config` (already validated when read from a file). */
  fromConfig(config: Readonly<Record<string, unknown>>): LayerClasses[K];
  /**
   * Checks the class's own fields of a config read from a file and derives the units it outputs
   * and the parameters it will own for `inputUnits` inputs, before a buffer is allocated.
   */
  shapes(f: ConfigFields, config: Readonly<Record<string, unknown>>, name: string, inputUnits: number, maxElements: number): { outputUnits: number; params: ParamSpec[] };
}

/** The saved keys common to every class. */
const COMMON_KEYS = ['name', 'inputShape'];

function defined(c: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v;
  return out;
}

function initializerOf(value: unknown): Initializer | undefined {
  if (value === undefined) return undefined;
  const v = value as { name: string; config?: Record<string, number> };
  return initializerFromConfig(v.name, v.config ?? {});
}

const dense: LayerKind<'Dense'> = {
  className: 'Dense',
  defaultName: 'dense',
  configKeys: [...COMMON_KEYS, 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer'],
  is: (layer): layer is Dense => layer instanceof Dense,
  fromConfig(c) {
    const args: DenseArgs = { units: c.units as number, activation: c.activation as ActivationSpec | undefined, useBias: c.useBias as boolean | undefined, name: c.name as string };
    const ki = initializerOf(c.kernelInitializer);
    const bi = initializerOf(c.biasInitializer);
    if (ki) args.kernelInitializer = ki;
    if (bi) args.biasInitializer = bi;
    if (c.kernelRegularizer !== undefined) args.kernelRegularizer = regularizerFromConfig(c.kernelRegularizer as { name: string; l1: number; l2: number });
    if (c.inputShape !== undefined) args.inputShape = c.inputShape as number[];
    return new Dense(defined(args as unknown as Record<string, unknown>) as unknown as DenseArgs);
  },
  shapes(f, c, name, units, maxElements) {
    const out = f.at('units').integer(c.units, 1, maxElements);
    const useBias = c.useBias === undefined ? true : f.at('useBias').boolean(c.useBias);
    if (units * out > maxElements) throw f.fail(`kernel [${units}, ${out}] has more than ${maxElements} elements`);
    const params: ParamSpec[] = [{ name: `${name}/kernel`, shape: [units, out], trainable: true }];
    if (useBias) params.push({ name: `${name}/bias`, shape: [out], trainable: true });
    return { outputUnits: out, params };
  },
};

const activation: LayerKind<'Activation'> = {
  className: 'Activation',
  defaultName: 'activation',
  configKeys: [...COMMON_KEYS, 'activation'],
  is: (layer): layer is ActivationLayer => layer instanceof ActivationLayer,
  fromConfig: (c) => new ActivationLayer(defined(c) as unknown as ActivationArgs),
  shapes(f, c, _name, units) {
    if (c.activation === undefined) throw f.at('activation').fail('an Activation layer needs an activation');
    return { outputUnits: units, params: [] };
  },
};

const dropout: LayerKind<'Dropout'> = {
  className: 'Dropout',
  defaultName: 'dropout',
  configKeys: [...COMMON_KEYS, 'rate', 'monteCarlo'],
  is: (layer): layer is Dropout => layer instanceof Dropout,
  fromConfig: (c) => new Dropout(defined(c) as unknown as DropoutArgs),
  shapes(f, c, _name, units) {
    const rate = f.at('rate').number(c.rate);
    if (rate < 0 || rate >= 1) throw f.at('rate').fail(`must be in [0, 1), got ${rate}`);
    if (c.monteCarlo !== undefined) f.at('monteCarlo').boolean(c.monteCarlo);
    return { outputUnits: units, params: [] };
  },
};

const batchNormalization: LayerKind<'BatchNormalization'> = {
  className: 'BatchNormalization',
  defaultName: 'batch_normalization',
  configKeys: [...COMMON_KEYS, 'momentum', 'epsilon'],
  is: (layer): layer is BatchNormalization => layer instanceof BatchNormalization,
  fromConfig: (c) => new BatchNormalization(defined(c) as BatchNormalizationArgs),
  shapes(f, c, name, units) {
    if (c.momentum !== undefined) f.at('momentum').number(c.momentum);
    if (c.epsilon !== undefined) f.at('epsilon').number(c.epsilon);
    const params = (['gamma', 'beta', 'movingMean', 'movingVariance'] as const).map((p) => ({ name: `${name}/${p}`, shape: [units], trainable: p === 'gamma' || p === 'beta' }));
    return { outputUnits: units, params };
  },
};

const periodicEmbedding: LayerKind<'PeriodicEmbedding'> = {
  className: 'PeriodicEmbedding',
  defaultName: 'periodic_embedding',
  configKeys: [...COMMON_KEYS, 'frequencies', 'units', 'sigma', 'columns', 'includeInputs'],
  is: (layer): layer is PeriodicEmbedding => layer instanceof PeriodicEmbedding,
  fromConfig: (c) => new PeriodicEmbedding(defined(c) as PeriodicEmbeddingArgs),
  shapes(f, c, name, units, maxElements) {
    const k = c.frequencies === undefined ? 16 : f.at('frequencies').integer(c.frequencies, 1, maxElements);
    const d = c.units === undefined ? 16 : f.at('units').integer(c.units, 1, maxElements);
    if (c.sigma !== undefined && !(f.at('sigma').number(c.sigma) > 0)) throw f.at('sigma').fail('must be > 0');
    let e = units;
    if (c.columns !== undefined) {
      const cols = c.columns;
      if (!Array.isArray(cols)) throw f.at('columns').fail('expected a list of input indices');
      cols.forEach((v, i) => {
        const at = f.at('columns').at(String(i));
        const col = at.integer(v, 0, units - 1);
        if (i > 0 && col <= (cols[i - 1] as number)) throw at.fail('input indices must be ascending');
      });
      e = cols.length;
    }
    const includeInputs = c.includeInputs === undefined ? false : f.at('includeInputs').boolean(c.includeInputs);
    if (e * 2 * k * d > maxElements) throw f.fail(`projection [${e * 2 * k}, ${d}] has more than ${maxElements} elements`);
    const params: ParamSpec[] = [
      { name: `${name}/frequencies`, shape: [e, k], trainable: true },
      { name: `${name}/projection`, shape: [e * 2 * k, d], trainable: true },
      { name: `${name}/bias`, shape: [e, d], trainable: true },
    ];
    return { outputUnits: PeriodicEmbedding.outputUnitsFor(units, e, d, includeInputs), params };
  },
};

/** The one table of layer classes: the loader's validation, layerFromConfig, default names and each format walk it. */
export const layerRegistry: { readonly [K in LayerClassName]: LayerKind<K> } = { Dense: dense, Activation: activation, Dropout: dropout, BatchNormalization: batchNormalization, PeriodicEmbedding: periodicEmbedding };

/** Every registered layer class name. */
export const layerClassNames = Object.keys(layerRegistry) as readonly LayerClassName[];

/** The registry entry for a saved class name, or undefined (own keys only: "__proto__" is not a class). */
export function layerKind(className: string): LayerKind<LayerClassName> | undefined {
  return Object.hasOwn(layerRegistry, className) ? layerRegistry[className as LayerClassName] : undefined;
}

/** The registered class of a layer instance; an UnsupportedError for a class defined outside the registry. */
export function classOf(layer: Layer): LayerClassName {
  for (const name of layerClassNames) if (layerRegistry[name].is(layer)) return name;
  throw new UnsupportedError(`layer ${JSON.stringify(layer.name)}: class ${JSON.stringify(layer.className)} is not registered; known: ${layerClassNames.join(', ')}`);
}

/** A function per layer class: a format's mapping, which the compiler rejects if a class is missing. */
export type PerLayerClass<R, A extends unknown[] = []> = { readonly [K in LayerClassName]: (layer: LayerClasses[K], ...args: A) => R };

/** Calls the table's function for the layer's class. */
export function visitLayer<R, A extends unknown[]>(table: PerLayerClass<R, A>, layer: Layer, ...args: A): R {
  return (table[classOf(layer)] as (l: Layer, ...a: A) => R)(layer, ...args);
}

/** Rebuilds a layer from `getConfig()` output. Only registered classes; nothing is evaluated. */
export function layerFromConfig(layerConfig: LayerConfig): Layer {
  if (typeof layerConfig.className !== 'string') throw new InputError('layer config: className must be a string');
  const kind = layerKind(layerConfig.className);
  if (kind === undefined) throw new UnsupportedError(`unknown layer class ${JSON.stringify(layerConfig.className.slice(0, 60))}; known: ${layerClassNames.join(', ')}`);
  return kind.fromConfig(layerConfig.config);
}

/** Default-name base for a layer: its registered snake-case name, or the lower-cased class. */
export function defaultNameOf(layer: Layer): string {
  const kind = layerKind(layer.className);
  return kind !== undefined && kind.is(layer) ? kind.defaultName : layer.className.toLowerCase();
}
