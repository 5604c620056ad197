import { InputError } from '../core/errors.js';
import { activationNames, type ActivationName } from '../activations.js';
import { optimizerKind, optimizerNames, type OptimizerName } from '../optimizers/index.js';
import { DEFAULT_SPEC, OPTIMIZER_SETTINGS, trainingSpec, type CompileSpec, type ScaleKind, type TrainingSpec } from '../training/spec.js';
import { canonical, categorical, compileSpace, float, type JsonValue, type Params, type SearchParam, type Space } from './space.js';

/**
 * The training options a search space may hold, plus `units` and `depth`, which build the hidden
 * layers as depth × units when the space has no `layers`. Each maps to one TrainingSpec field:
 * lr → compile.learningRate, layers → architecture.hidden, activation, dropout → architecture,
 * optimizer → compile, batchSize, epochs, earlyStopping → fit, scale → preprocessing.
 */
export const TRAINING_PARAMS = ['lr', 'layers', 'units', 'depth', 'activation', 'optimizer', 'batchSize', 'dropout', 'epochs', 'earlyStopping', 'scale'] as const;
/** One name of {@link TRAINING_PARAMS}. */
export type TrainingParam = (typeof TRAINING_PARAMS)[number];

/**
 * What a training search tries when no space is given, around its base spec (trial 0): the
 * learning rate a decade either side of the base's (the optimizer's own when the spec has none),
 * on a log scale; one hidden layer of half, the same and twice the base's first width, the base's
 * layers, and all of them twice as wide; relu or tanh; half, the same and twice the base's batch
 * size; dropout from 0 to 0.5. Around the small preset (32-16, Adam 0.001, batch 32) that is lr
 * 1e-4 to 1e-2, layers 16 / 32 / 64 / 32-16 / 64-32 and batch 16 / 32 / 64; around the tabular
 * preset's 2×256 the layers are 128 / 256 / 512 / 256-256 / 512-512 and the batch sizes follow
 * the rows.
 */
export function defaultTrainingSpace(base: TrainingSpec = DEFAULT_SPEC): Space {
  const rate = base.compile.learningRate ?? optimizerKind(base.compile.optimizer)!.defaultLearningRate;
  const hidden = [...base.architecture.hidden];
  const width = hidden[0] ?? 32;
  const layers = [[half(width)], [width], [2 * width], ...(hidden.length > 0 ? [hidden, hidden.map((u) => 2 * u)] : [])];
  const activation = typeof base.architecture.activation === 'string' ? base.architecture.activation : 'relu';
  const batch = base.fit.batchSize;
  return {
    lr: float(rate / 10, rate * 10, { log: true }),
    layers: categorical(distinct(layers)),
    activation: categorical(distinct([activation, 'relu', 'tanh'])),
    batchSize: categorical(distinct([half(batch), batch, 2 * batch])),
    dropout: float(0, 0.5),
  };
}

/** What a training search tries by default around DEFAULT_SPEC (the small preset's network): see {@link defaultTrainingSpace}. */
export const DEFAULT_TRAINING_SPACE: Space = defaultTrainingSpace(DEFAULT_SPEC);

function half(n: number): number {
  return Math.max(1, Math.round(n / 2));
}

/** The values once each, in their first order. */
function distinct<T extends JsonValue>(values: readonly T[]): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = canonical(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function bad(name: string, message: string): never {
  throw new InputError(`search space: parameter "${name}": ${message}`);
}

/** The values a parameter can take, for checking them before any trial runs. */
function possibleValues(spec: SearchParam): JsonValue[] {
  return spec.type === 'categorical' ? [...spec.choices] : [spec.low, spec.high];
}

/** Hidden layer sizes from a list such as [64, 32] or a string such as "64,32" ("" or "0" for none), or undefined when invalid. */
function layersValue(v: JsonValue): number[] | undefined {
  const list = typeof v === 'string' ? (v.trim() === '' || v.trim() === '0' ? [] : v.split(',').map((s) => Number(s.trim()))) : v;
  if (!Array.isArray(list) || !list.every((u) => typeof u === 'number' && Number.isInteger(u) && u > 0)) return undefined;
  return list as number[];
}

/**
 * Checks a space for a training search: only {@link TRAINING_PARAMS}, values each option accepts
 * (activation and optimizer names, lr > 0, dropout in [0, 1), integer batch sizes and epochs ≥ 1,
 * layers as lists of sizes or "64,32"). Throws an InputError naming the parameter.
 */
export function checkTrainingSpace(space: Space): void {
  compileSpace(space);
  for (const [name, spec] of Object.entries(space)) {
    if (!(TRAINING_PARAMS as readonly string[]).includes(name)) {
      throw new InputError(`search space: unknown train option "${name}" (searchable options: ${TRAINING_PARAMS.join(', ')})`);
    }
    const values = possibleValues(spec);
    const each = (ok: (v: JsonValue) => boolean, what: string): void => {
      for (const v of values) if (!ok(v)) bad(name, `${what}, got ${JSON.stringify(v)}`);
    };
    const int = (min: number) => (v: JsonValue) => typeof v === 'number' && Number.isInteger(v) && v >= min;
    switch (name as TrainingParam) {
      case 'lr':
        each((v) => typeof v === 'number' && v > 0, 'the learning rate must be > 0');
        break;
      case 'dropout':
        each((v) => typeof v === 'number' && v >= 0 && v < 1, 'dropout must be in [0, 1)');
        break;
      case 'batchSize':
      case 'epochs':
      case 'units':
      case 'depth':
        each(int(name === 'depth' ? 0 : 1), `${name} must be an integer ≥ ${name === 'depth' ? 0 : 1}`);
        break;
      case 'earlyStopping':
        each(int(1), 'the early-stopping patience must be an integer ≥ 1');
        break;
      case 'activation':
        each((v) => typeof v === 'string' && (activationNames as readonly string[]).includes(v), `activations are ${activationNames.join(', ')}`);
        break;
      case 'optimizer':
        each((v) => typeof v === 'string' && (optimizerNames as readonly string[]).includes(v), `optimizers are ${optimizerNames.join(', ')}`);
        break;
      case 'scale':
        each((v) => v === 'standard' || v === 'minmax' || v === 'robust' || v === 'none', 'scale is standard, minmax, robust or none');
        break;
      case 'layers':
        if (spec.type !== 'categorical') bad('layers', 'layers must be categorical: a list of layer-size lists such as [[32], [64, 32]] or strings such as "64,32"');
        each((v) => layersValue(v) !== undefined, 'each choice must list positive layer sizes');
        break;
    }
  }
  if ('layers' in space && ('units' in space || 'depth' in space)) throw new InputError('search space: give either "layers" or "units"/"depth", not both');
}

/**
 * The hidden layers a trial's parameters ask for: `layers`, or depth × units (each defaulting to
 * the current layers' first size, else 32, and count); undefined when they name none.
 */
export function hiddenLayersOf(params: Params, current: readonly number[]): number[] | undefined {
  if (params.layers !== undefined) return layersValue(params.layers)!;
  if (!('units' in params || 'depth' in params)) return undefined;
  const units = (params.units as number | undefined) ?? current[0] ?? 32;
  const depth = (params.depth as number | undefined) ?? current.length;
  return new Array<number>(depth).fill(units);
}

/**
 * The spec of one trial: the base spec with the trial's parameters ({@link TRAINING_PARAMS}) put
 * in its fields, checked. A trial's value wins over the base's (a preset's). The base's learning
 * rate and Adam's β2 belong to the base's optimizer: a trial with another optimizer drops them
 * (its own `lr`, else the optimizer's own rate), as a typed `--optimizer` does over a preset.
 */
export function applyTrainingParams(base: TrainingSpec, params: Params): TrainingSpec {
  const has = (k: TrainingParam): boolean => params[k] !== undefined;
  const hidden = hiddenLayersOf(params, base.architecture.hidden);
  return trainingSpec({
    preprocessing: { ...base.preprocessing, ...(has('scale') ? { scale: params.scale as ScaleKind } : {}) },
    architecture: {
      ...base.architecture,
      ...(hidden !== undefined ? { hidden } : {}),
      ...(has('activation') ? { activation: params.activation as ActivationName } : {}),
      ...(has('dropout') ? { dropout: params.dropout as number } : {}),
    },
    compile: {
      ...(has('optimizer') ? compileWithOptimizer(base.compile, params.optimizer as OptimizerName) : base.compile),
      ...(has('lr') ? { learningRate: params.lr as number } : {}),
    },
    fit: {
      ...base.fit,
      ...(has('batchSize') ? { batchSize: params.batchSize as number } : {}),
      ...(has('epochs') ? { epochs: params.epochs as number } : {}),
      ...(has('earlyStopping') ? { earlyStopping: params.earlyStopping as number } : {}),
    },
  });
}

/**
 * A compile spec with another optimizer: the same one keeps everything; another drops the
 * learning rate chosen for the first (so it gets its own) and each optimiser setting (momentum,
 * β2) the new one does not have, by its registry entry.
 */
export function compileWithOptimizer<C extends Partial<CompileSpec>>(compile: C, optimizer: OptimizerName): C {
  if (optimizer === compile.optimizer) return compile;
  const { learningRate: _rate, ...rest } = compile as Partial<CompileSpec>;
  const own = optimizerKind(optimizer)!.defaults;
  const kept: Record<string, unknown> = { ...rest, optimizer };
  for (const key of OPTIMIZER_SETTINGS) if (!Object.hasOwn(own, key)) delete kept[key];
  return kept as unknown as C;
}

/**
 * The base spec's own values of a space's parameters: the parameters of the default
 * configuration (trial 0 of every training search). `lr` is left out when the spec uses the
 * optimizer's own rate; `units`/`depth` are read from the hidden layers. applyTrainingParams of
 * the base spec and these gives the base spec back.
 */
export function defaultTrainingParams(space: Space, base: TrainingSpec): Params {
  const hidden = [...base.architecture.hidden];
  const value: Record<TrainingParam, JsonValue | undefined> = {
    lr: base.compile.learningRate,
    layers: hidden,
    units: hidden.length > 0 && hidden.every((u) => u === hidden[0]) ? hidden[0]! : undefined,
    depth: hidden.length > 0 && hidden.every((u) => u === hidden[0]) ? hidden.length : undefined,
    activation: typeof base.architecture.activation === 'string' ? base.architecture.activation : undefined,
    optimizer: base.compile.optimizer,
    batchSize: base.fit.batchSize,
    dropout: base.architecture.dropout,
    epochs: base.fit.epochs,
    earlyStopping: base.fit.earlyStopping,
    scale: base.preprocessing.scale,
  };
  const out: Record<string, JsonValue> = {};
  for (const name of Object.keys(space)) {
    const v = value[name as TrainingParam];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
