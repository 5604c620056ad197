import { InputError, SpecError } from '../core/errors.js';
import { nearestName } from '../core/names.js';
import { checkKeys, describe } from '../core/validate.js';
import type { MissingPolicy, TableArgs, UnknownPolicy } from '../data/table.js';
import { activationNames, type ActivationSpec } from '../activations.js';
import { initializerNames, type InitializerName } from '../initializers.js';
import { canonicalLossName, lossNames, type LossName } from '../losses/index.js';
import { optimizerKind, optimizerNames, type OptimizerName } from '../optimizers/index.js';

/**
 * Everything that decides what `train` trains, as plain JSON: it crosses a worker or a machine
 * boundary unchanged (search trials), is saved in the model file, and one builder turns it into a
 * network (buildNetwork) and training data (prepareTraining). The CLI, the playground and search
 * all go through it, so a trial runs exactly what `backprop train` runs.
 */
export interface TrainingSpec {
  readonly preprocessing: PreprocessingSpec;
  readonly architecture: ArchitectureSpec;
  readonly compile: CompileSpec;
  readonly fit: FitSpec;
}

/**
 * How inputs are scaled: standardised, onto [0, 1], robustly (median / IQR, then the smooth clip
 * z/√(1 + (z/3)²); see RobustScaler), or not at all.
 */
export type ScaleKind = 'standard' | 'minmax' | 'robust' | 'none';
/** The task: inferred from the target (`auto`), or forced. */
export type TaskChoice = 'auto' | 'classification' | 'regression';

/** How a table's columns become inputs and targets (roles, encodings, scaling), before fitting. */
export interface PreprocessingSpec {
  /** Target column(s); default the last column. */
  readonly target?: readonly string[];
  /** What the target is: inferred ('auto') or forced. */
  readonly task: TaskChoice;
  /** Columns one-hot encoded whatever they hold. */
  readonly categorical?: readonly string[];
  /** Columns read as numbers whatever they hold. */
  readonly numeric?: readonly string[];
  /** Columns left out. */
  readonly ignore?: readonly string[];
  /** Columns kept although they look like IDs or free text. */
  readonly keep?: readonly string[];
  /** Missing cells: filled in (median / most frequent, fitted on the training rows), rows dropped, or an error. Default 'impute'. */
  readonly missing?: MissingPolicy;
  /** Append a 0/1 "missing" input per column that had missing cells. Default false. */
  readonly indicator?: boolean;
  /** A category unseen in training at predict time: all zeros with a counted warning ('ignore', default) or an error. */
  readonly unknown?: UnknownPolicy;
  /** Exactly the cells that mean missing (pandas' na_values with keep_default_na=False); default blank, NA, N/A, ?, NaN, null, None in any case. */
  readonly naValues?: readonly string[];
  /** The decimal mark of numbers in the file: '.' (default) or ','. */
  readonly decimal?: '.' | ',';
  /** A column of dates or numbers that orders the rows in time: validation on the latest rows (instead of a random split). */
  readonly orderBy?: string;
  /** A frequency table's count column: each record read as many times as its count (whole numbers ≥ 0); not an input. */
  readonly count?: string;
  /** false: the file has no header row; its first record is data and the columns are named 0, 1, … (pandas' header=None). */
  readonly header?: false;
  /** Lines before the header (a row count, a title) to skip, as pandas' skiprows=n; evaluate and predict skip them too. */
  readonly skipRows?: number;
  /** Input scaling fitted on the training rows; regression targets are standardised too unless 'none'. */
  readonly scale: ScaleKind;
}

/** The hidden layers; the output layer follows from the task (see planOutput). */
export interface ArchitectureSpec {
  /** Units per hidden layer, input side first ([] for none). */
  readonly hidden: readonly number[];
  /** One activation for every hidden layer, or one per layer (a name, or `{ name: 'leakyRelu', alpha }`). */
  readonly activation: ActivationSpec | readonly ActivationSpec[];
  /** Dropout rate after each hidden layer (0 = none). */
  readonly dropout: number;
  /** Dense → BatchNormalization → activation in each hidden layer. Default false. */
  readonly batchNorm?: boolean;
  /** Kernel initializer of every Dense layer; default glorotUniform. */
  readonly initializer?: InitializerName;
  /** L1 / L2 penalty on every kernel (0 = none). */
  readonly l1?: number;
  readonly l2?: number;
  /**
   * PLR embeddings of the numeric columns before the first hidden layer (layers.periodicEmbedding:
   * each numeric input becomes `units` values from `frequencies` learnt frequencies, first drawn
   * with spread `sigma`); one-hot and date inputs pass through. Default none.
   */
  readonly embedding?: NumericEmbeddingSpec;
}

/** The periodic (PLR) embedding of numeric inputs; each field defaults to the layer's own (16, 16, 0.1, false). */
export interface NumericEmbeddingSpec {
  readonly frequencies?: number;
  readonly units?: number;
  readonly sigma?: number;
  /** The numeric values themselves passed on too, after the embeddings. */
  readonly includeInputs?: boolean;
}

/**
 * A learning-rate schedule over the whole run, fixed by its total step count (epochs × batches
 * per epoch): 'constant'; 'warmupCosine', a linear warm-up over the first 5 % of the steps then a
 * cosine decay to 1 % of the peak (schedules.warmupCosineDecay); 'cosLog', RealMLP's "coslog4"
 * (schedules.cosLogDecay). The learning rate is the schedule's peak.
 */
export type ScheduleChoice = 'constant' | 'warmupCosine' | 'cosLog';

/** The compile fields that are one optimiser's own settings: valid only for an optimiser whose registry entry has them. */
export const OPTIMIZER_SETTINGS = ['momentum', 'beta2'] as const satisfies readonly (keyof CompileSpec)[];

/** The compile part of a TrainingSpec: optimiser, learning rate, momentum, loss. */
export interface CompileSpec {
  readonly optimizer: OptimizerName;
  /** Default: the optimizer's own. */
  readonly learningRate?: number;
  /** SGD momentum. */
  readonly momentum?: number;
  /** Adam's β2 (decay of the squared-gradient average); default 0.999, RealMLP uses 0.95. */
  readonly beta2?: number;
  /** Default: the task's (binaryCrossentropy, sparseCategoricalCrossentropy, mse). */
  readonly loss?: LossName;
  /** Label smoothing ε of a classification loss: targets (1 − ε)·y + ε/K. Default 0. */
  readonly labelSmoothing?: number;
  /** How the learning rate moves over the run; default 'constant'. */
  readonly schedule?: ScheduleChoice;
}

/** The fit part of a TrainingSpec: epochs, batch size, validation split, early stopping, seed. */
export interface FitSpec {
  /** Epochs, or the most epochs when early stopping is on. */
  readonly epochs: number;
  readonly batchSize: number;
  /** Share of rows held out (stratified for classes) when no validation data is given. */
  readonly validationSplit: number;
  /** Patience (epochs) of early stopping on the validation loss, best weights restored; undefined = off. */
  readonly earlyStopping?: number;
  /**
   * Keep the weights of the epoch with the lowest validation loss when training ends, without
   * stopping early (a decaying schedule needs its whole run). Default false.
   */
  readonly keepBest?: boolean;
  /** Seed of the weights, the split, the shuffling and dropout. */
  readonly seed: number;
  /** Class weights in the loss: 'balanced' (n / (k · count) per class, as scikit-learn) or weights by class label. */
  readonly classWeight?: 'balanced' | Readonly<Record<string, number>>;
}

/** `backprop train`'s defaults. */
export const DEFAULT_SPEC: TrainingSpec = {
  preprocessing: { task: 'auto', scale: 'standard' },
  architecture: { hidden: [32, 16], activation: 'relu', dropout: 0 },
  compile: { optimizer: 'adam' },
  fit: { epochs: 100, batchSize: 32, validationSplit: 0.2, seed: 1 },
};

/** Any part of a TrainingSpec, each part itself partial: what trainingSpec fills with the defaults. */
export type TrainingSpecParts = { [K in keyof TrainingSpec]?: Partial<TrainingSpec[K]> };

/** A complete spec from the defaults and the given parts, checked (an InputError names the field). */
export function trainingSpec(parts: TrainingSpecParts = {}): TrainingSpec {
  checkKeys('training spec', parts, ['preprocessing', 'architecture', 'compile', 'fit']);
  const spec: TrainingSpec = {
    preprocessing: { ...DEFAULT_SPEC.preprocessing, ...parts.preprocessing },
    architecture: { ...DEFAULT_SPEC.architecture, ...parts.architecture },
    compile: { ...DEFAULT_SPEC.compile, ...parts.compile },
    fit: { ...DEFAULT_SPEC.fit, ...parts.fit },
  };
  checkSpec(spec);
  // A tf.js or Keras name of a loss ('meanSquaredError', 'mean_squared_error') is kept as ours.
  const loss = canonicalLossName(spec.compile.loss);
  return loss === undefined || loss === spec.compile.loss ? spec : { ...spec, compile: { ...spec.compile, loss } };
}

/** The error of spec field `where` ('spec.fit.batchSize', 'spec.architecture.hidden[1]'): its field is the path without 'spec.' and the index. */
function bad(where: string, problem: string): SpecError {
  return new SpecError(where.replace(/^spec\./, '').replace(/\[.*$/, '').replace(/\.alpha$/, ''), problem, `${where}: ${problem}`);
}

function oneOf<T extends string>(where: string, value: unknown, known: readonly T[]): T {
  if (typeof value === 'string' && (known as readonly string[]).includes(value)) return value as T;
  const guess = typeof value === 'string' ? nearestName(value, known) : undefined;
  const noun = where.slice(where.lastIndexOf('.') + 1);
  throw bad(where, `unknown ${noun} ${describe(value)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''} (known: ${known.join(', ')})`);
}

function num(where: string, v: unknown, lo: number, hi: number, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw bad(where, `expected ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${describe(v)}`);
  }
}

function names(where: string, v: unknown): void {
  if (v !== undefined && (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))) throw bad(where, `expected a list of column names, got ${describe(v)}`);
}

/** Checks every field of a spec (plain JSON from anywhere) and says which one is wrong. */
export function checkSpec(spec: TrainingSpec): void {
  const p = spec.preprocessing;
  checkKeys('spec.preprocessing', p, ['target', 'task', 'categorical', 'numeric', 'ignore', 'keep', 'missing', 'indicator', 'unknown', 'scale', 'naValues', 'decimal', 'orderBy', 'count', 'header', 'skipRows']);
  if (p.naValues !== undefined && (!Array.isArray(p.naValues) || !p.naValues.every((t) => typeof t === 'string'))) throw bad('spec.preprocessing.naValues', `expected a list of strings such as ["", "NA"], got ${describe(p.naValues)}`);
  if (p.decimal !== undefined) oneOf('spec.preprocessing.decimal', p.decimal, ['.', ','] as const);
  if (p.orderBy !== undefined && typeof p.orderBy !== 'string') throw bad('spec.preprocessing.orderBy', `expected a column name, got ${describe(p.orderBy)}`);
  if (p.count !== undefined && typeof p.count !== 'string') throw bad('spec.preprocessing.count', `expected a column name, got ${describe(p.count)}`);
  if (p.header !== undefined && p.header !== false) throw bad('spec.preprocessing.header', `expected false (a file without a header row) or no field, got ${describe(p.header)}`);
  if (p.skipRows !== undefined && !(Number.isInteger(p.skipRows) && p.skipRows >= 1)) throw bad('spec.preprocessing.skipRows', `expected a whole number of lines ≥ 1 to skip before the header, or no field, got ${describe(p.skipRows)}`);
  if (p.missing !== undefined) oneOf('spec.preprocessing.missing', p.missing, ['impute', 'drop', 'error'] as const);
  if (p.unknown !== undefined) oneOf('spec.preprocessing.unknown', p.unknown, ['ignore', 'error'] as const);
  if (p.indicator !== undefined && typeof p.indicator !== 'boolean') throw bad('spec.preprocessing.indicator', `expected true or false, got ${describe(p.indicator)}`);
  names('spec.preprocessing.numeric', p.numeric);
  names('spec.preprocessing.keep', p.keep);
  oneOf('spec.preprocessing.task', p.task, ['auto', 'classification', 'regression'] as const);
  oneOf('spec.preprocessing.scale', p.scale, ['standard', 'minmax', 'robust', 'none'] as const);
  names('spec.preprocessing.target', p.target);
  names('spec.preprocessing.categorical', p.categorical);
  names('spec.preprocessing.ignore', p.ignore);
  const a = spec.architecture;
  checkKeys('spec.architecture', a, ['hidden', 'activation', 'dropout', 'batchNorm', 'initializer', 'l1', 'l2', 'embedding']);
  if (a.embedding !== undefined) {
    if (typeof a.embedding !== 'object' || a.embedding === null || Array.isArray(a.embedding)) throw bad('spec.architecture.embedding', `expected {"frequencies": 16, "units": 16, "sigma": 0.1} (each optional), got ${describe(a.embedding)}`);
    checkKeys('spec.architecture.embedding', a.embedding, ['frequencies', 'units', 'sigma', 'includeInputs']);
    if (a.embedding.includeInputs !== undefined && typeof a.embedding.includeInputs !== 'boolean') throw bad('spec.architecture.embedding.includeInputs', `expected true or false, got ${describe(a.embedding.includeInputs)}`);
    if (a.embedding.frequencies !== undefined) num('spec.architecture.embedding.frequencies', a.embedding.frequencies, 1, 4096, true);
    if (a.embedding.units !== undefined) num('spec.architecture.embedding.units', a.embedding.units, 1, 4096, true);
    if (a.embedding.sigma !== undefined) num('spec.architecture.embedding.sigma', a.embedding.sigma, 1e-6, 1e6);
  }
  if (!Array.isArray(a.hidden)) throw bad('spec.architecture.hidden', `expected layer sizes like [32, 16], got ${describe(a.hidden)}`);
  a.hidden.forEach((u, i) => num(`spec.architecture.hidden[${i}]`, u, 1, 1_000_000, true));
  const single = !Array.isArray(a.activation);
  const acts = (single ? [a.activation] : a.activation) as unknown[];
  if (!single && acts.length !== a.hidden.length) {
    throw bad('spec.architecture.activation', `expected a name or one per hidden layer (${a.hidden.length}), got ${describe(a.activation)}`);
  }
  acts.forEach((x) => {
    if (typeof x === 'object' && x !== null && (x as { name?: unknown }).name === 'leakyRelu') num('spec.architecture.activation.alpha', (x as { alpha?: unknown }).alpha, 0, Infinity);
    else oneOf('spec.architecture.activation', x, activationNames);
  });
  num('spec.architecture.dropout', a.dropout, 0, 0.999);
  if (a.initializer !== undefined) oneOf('spec.architecture.initializer', a.initializer, initializerNames);
  if (a.l1 !== undefined) num('spec.architecture.l1', a.l1, 0, Infinity);
  if (a.l2 !== undefined) num('spec.architecture.l2', a.l2, 0, Infinity);
  const c = spec.compile;
  checkKeys('spec.compile', c, ['optimizer', 'learningRate', 'momentum', 'beta2', 'loss', 'labelSmoothing', 'schedule']);
  oneOf('spec.compile.optimizer', c.optimizer, optimizerNames);
  // An optimiser setting the chosen optimiser does not have (the registry's config keys) is refused here, naming the field.
  const own = optimizerKind(c.optimizer)!.defaults;
  for (const key of OPTIMIZER_SETTINGS) {
    if (c[key] !== undefined && !Object.hasOwn(own, key)) {
      const having = optimizerNames.filter((n) => Object.hasOwn(optimizerKind(n)!.defaults, key));
      throw bad(`spec.compile.${key}`, `the ${c.optimizer} optimizer has no ${key} (${having.join(' and ')} ${having.length === 1 ? 'has' : 'have'} one)`);
    }
  }
  if (c.beta2 !== undefined) num('spec.compile.beta2', c.beta2, 0, 0.999999);
  if (c.labelSmoothing !== undefined) num('spec.compile.labelSmoothing', c.labelSmoothing, 0, 0.999);
  if (c.schedule !== undefined) oneOf('spec.compile.schedule', c.schedule, ['constant', 'warmupCosine', 'cosLog'] as const);
  if (c.learningRate !== undefined && (typeof c.learningRate !== 'number' || !(c.learningRate > 0) || !Number.isFinite(c.learningRate))) {
    throw bad('spec.compile.learningRate', `expected a number > 0, got ${describe(c.learningRate)}`);
  }
  if (c.momentum !== undefined) num('spec.compile.momentum', c.momentum, 0, 1);
  if (c.loss !== undefined && canonicalLossName(c.loss) === undefined) oneOf('spec.compile.loss', c.loss, lossNames);
  const f = spec.fit;
  checkKeys('spec.fit', f, ['epochs', 'batchSize', 'validationSplit', 'earlyStopping', 'keepBest', 'seed', 'classWeight']);
  if (f.keepBest !== undefined && typeof f.keepBest !== 'boolean') throw bad('spec.fit.keepBest', `expected true or false, got ${describe(f.keepBest)}`);
  if (f.classWeight !== undefined && f.classWeight !== 'balanced') {
    if (typeof f.classWeight !== 'object' || f.classWeight === null || Array.isArray(f.classWeight)) throw bad('spec.fit.classWeight', `expected 'balanced' or {"label": weight, ...}, got ${describe(f.classWeight)}`);
    for (const [k, v] of Object.entries(f.classWeight)) num(`spec.fit.classWeight[${JSON.stringify(k)}]`, v, 0, Infinity);
  }
  num('spec.fit.epochs', f.epochs, 1, 1e9, true);
  num('spec.fit.batchSize', f.batchSize, 1, 1e9, true);
  num('spec.fit.validationSplit', f.validationSplit, 0, 0.99);
  if (f.earlyStopping !== undefined) num('spec.fit.earlyStopping', f.earlyStopping, 1, 1e9, true);
  num('spec.fit.seed', f.seed, 0, 2 ** 32 - 1, true);
}

/** How to read a training table for this plan (column roles, missing values, target). */
export function tableArgsOf(p: PreprocessingSpec): TableArgs {
  return {
    task: p.task,
    ...(p.target ? { target: p.target } : {}),
    ...(p.categorical ? { categorical: p.categorical } : {}),
    ...(p.numeric ? { numeric: p.numeric } : {}),
    ...(p.ignore ? { ignore: p.ignore } : {}),
    ...(p.keep ? { keep: p.keep } : {}),
    ...(p.missing ? { missing: p.missing } : {}),
    ...(p.naValues ? { naValues: p.naValues } : {}),
    ...(p.decimal ? { decimal: p.decimal } : {}),
    ...(p.orderBy ? { orderBy: p.orderBy } : {}),
    ...(p.count ? { count: p.count } : {}),
    ...(p.header === false ? { header: false } : {}),
    ...(p.skipRows ? { skipRows: p.skipRows } : {}),
  };
}

/** The activation of hidden layer i. */
export function hiddenActivation(a: ArchitectureSpec, i: number): ActivationSpec {
  return Array.isArray(a.activation) ? (a.activation as readonly ActivationSpec[])[i]! : (a.activation as ActivationSpec);
}
