/**
 * The playground's whole configuration as one plain object, with its defaults, its limits and
 * its encoding in the URL hash (so a configuration can be shared as a link). Pure: no DOM.
 */
import { activationNames, initializerNames, type ActivationName, type InitializerName } from '../../src/index.js';
import { canonicalFeatures, DEFAULT_FEATURES, featureNames, type FeatureName } from './features.js';
import { lessonIds, type LessonId } from './lessonIds.js';

export const datasetNames = ['circles', 'moons', 'xor', 'quadrants', 'spirals', 'blobs', 'regression', 'csv'] as const;
export type DatasetName = (typeof datasetNames)[number];

/** The optimisers offered: 'momentum' is sgd with momentum 0.9. */
export const playgroundOptimizers = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type PlaygroundOptimizer = (typeof playgroundOptimizers)[number];

export const regularizationNames = ['none', 'l1', 'l2'] as const;
export type RegularizationName = (typeof regularizationNames)[number];

/** 'default' is the loss the task implies (BCE, cross-entropy or MSE); 'sse' is ½‖r − a‖². */
export const lossChoices = ['default', 'sse'] as const;
export type LossChoice = (typeof lossChoices)[number];

export const learningRates = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const regularizationRates = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1] as const;
/** Epochs per second offered while playing (0 = as fast as the machine goes). */
export const speeds = [1, 5, 20, 60, 250, 0] as const;
/** Factors on the initial weights offered (100 shows what too large initial weights do). */
export const initScales = [0, 0.1, 0.5, 1, 2, 5, 10, 100] as const;

export const LIMITS = {
  hiddenLayers: 6,
  units: 16,
  points: { min: 50, max: 1000 },
  noise: { min: 0, max: 0.5 },
  trainRatio: { min: 0.1, max: 0.9 },
  batchSize: { min: 1, max: 1000 },
  dropout: { min: 0, max: 0.9 },
  spiralClasses: { min: 2, max: 5 },
} as const;

export interface PlaygroundConfig {
  dataset: DatasetName;
  /** Arms of the spirals data set (2–5). */
  spiralClasses: number;
  /** Standard deviation of the noise added by the generator. */
  noise: number;
  /** Number of generated points (train + test). */
  points: number;
  /** Fraction of the points used for training; the rest are the test set. */
  trainRatio: number;
  dataSeed: number;
  /** Units of each hidden layer, input side first (0–6 layers of 1–16 units). */
  hidden: number[];
  /** One activation per hidden layer. */
  activations: ActivationName[];
  initializer: InitializerName;
  optimizer: PlaygroundOptimizer;
  learningRate: number;
  batchSize: number;
  regularization: RegularizationName;
  regularizationRate: number;
  /** Dropout rate after each hidden layer (0 = none). */
  dropout: number;
  batchNorm: boolean;
  loss: LossChoice;
  /** Seed of the initial weights, shuffling and dropout masks. */
  seed: number;
  /** Most epochs trained per second while playing, so the learning can be watched; 0 = as fast as possible. */
  speed: number;
  /** The network's inputs, functions of the two coordinates (at least one; 1-D data use x alone). */
  features: FeatureName[];
  /** Factor on the initial weights (kernels; biases start at 0): 1 is the initialiser's own scale. */
  initScale: number;
  /** Draw the output as hard classes (or a threshold) instead of blended probabilities. */
  discretize: boolean;
  /** The lesson whose text is shown ('' for none). */
  lesson: LessonId | '';
}

export function defaultConfig(): PlaygroundConfig {
  return {
    dataset: 'moons',
    spiralClasses: 3,
    noise: 0.1,
    points: 400,
    trainRatio: 0.5,
    dataSeed: 1,
    hidden: [4, 2],
    activations: ['tanh', 'tanh'],
    initializer: 'glorotUniform',
    optimizer: 'adam',
    learningRate: 0.03,
    batchSize: 10,
    regularization: 'none',
    regularizationRate: 0,
    dropout: 0,
    batchNorm: false,
    loss: 'default',
    seed: 1,
    speed: 60,
    features: [...DEFAULT_FEATURES],
    initScale: 1,
    discretize: false,
    lesson: '',
  };
}

/** The hash keys, short so that links stay readable. */
const KEY = {
  dataset: 'data',
  spiralClasses: 'arms',
  noise: 'noise',
  points: 'n',
  trainRatio: 'train',
  dataSeed: 'dseed',
  hidden: 'layers',
  activations: 'act',
  initializer: 'init',
  optimizer: 'opt',
  learningRate: 'lr',
  batchSize: 'batch',
  regularization: 'reg',
  regularizationRate: 'regRate',
  dropout: 'dropout',
  batchNorm: 'bn',
  loss: 'loss',
  seed: 'seed',
  speed: 'speed',
  features: 'features',
  initScale: 'initScale',
  discretize: 'discretize',
  lesson: 'lesson',
} as const satisfies Record<keyof PlaygroundConfig, string>;

/** Encodes every field into a URL hash (without the leading '#'), in a fixed order. */
export function toHash(c: PlaygroundConfig): string {
  const p = new URLSearchParams();
  p.set(KEY.dataset, c.dataset);
  p.set(KEY.spiralClasses, String(c.spiralClasses));
  p.set(KEY.noise, String(c.noise));
  p.set(KEY.points, String(c.points));
  p.set(KEY.trainRatio, String(c.trainRatio));
  p.set(KEY.dataSeed, String(c.dataSeed));
  p.set(KEY.hidden, c.hidden.join(','));
  p.set(KEY.activations, c.activations.join(','));
  p.set(KEY.initializer, c.initializer);
  p.set(KEY.optimizer, c.optimizer);
  p.set(KEY.learningRate, String(c.learningRate));
  p.set(KEY.batchSize, String(c.batchSize));
  p.set(KEY.regularization, c.regularization);
  p.set(KEY.regularizationRate, String(c.regularizationRate));
  p.set(KEY.dropout, String(c.dropout));
  p.set(KEY.batchNorm, c.batchNorm ? '1' : '0');
  p.set(KEY.loss, c.loss);
  p.set(KEY.seed, String(c.seed));
  p.set(KEY.speed, String(c.speed));
  p.set(KEY.features, c.features.join(','));
  p.set(KEY.initScale, String(c.initScale));
  p.set(KEY.discretize, c.discretize ? '1' : '0');
  if (c.lesson) p.set(KEY.lesson, c.lesson);
  return p.toString();
}

/** A configuration read from a hash, with a note for every value that was ignored. */
export interface ParsedHash {
  config: PlaygroundConfig;
  problems: string[];
}

/**
 * Reads a hash written by `toHash` (or typed by hand). Missing keys keep their defaults; a value
 * that is not valid is ignored with a note naming the key and the value, so a mangled link still
 * opens a working page.
 */
export function fromHash(hash: string): ParsedHash {
  const c = defaultConfig();
  const problems: string[] = [];
  const p = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const bad = (key: string, value: string, why: string) => problems.push(`${key}=${JSON.stringify(value)} ignored: ${why}`);

  const oneOf = <T extends string>(key: string, known: readonly T[], set: (v: T) => void) => {
    const v = p.get(key);
    if (v === null) return;
    if ((known as readonly string[]).includes(v)) set(v as T);
    else bad(key, v, `expected one of ${known.join(', ')}`);
  };
  const num = (key: string, lo: number, hi: number, integer: boolean, set: (v: number) => void) => {
    const v = p.get(key);
    if (v === null) return;
    const x = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < lo || x > hi) {
      bad(key, v, `expected ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`);
    } else set(x);
  };

  oneOf(KEY.dataset, datasetNames, (v) => (c.dataset = v));
  num(KEY.spiralClasses, LIMITS.spiralClasses.min, LIMITS.spiralClasses.max, true, (v) => (c.spiralClasses = v));
  num(KEY.noise, LIMITS.noise.min, LIMITS.noise.max, false, (v) => (c.noise = v));
  num(KEY.points, LIMITS.points.min, LIMITS.points.max, true, (v) => (c.points = v));
  num(KEY.trainRatio, LIMITS.trainRatio.min, LIMITS.trainRatio.max, false, (v) => (c.trainRatio = v));
  num(KEY.dataSeed, 0, 2 ** 31 - 1, true, (v) => (c.dataSeed = v));

  const layers = p.get(KEY.hidden);
  if (layers !== null) {
    const units = layers === '' ? [] : layers.split(',').map(Number);
    if (units.length > LIMITS.hiddenLayers || units.some((u) => !Number.isInteger(u) || u < 1 || u > LIMITS.units)) {
      bad(KEY.hidden, layers, `expected up to ${LIMITS.hiddenLayers} comma-separated unit counts in [1, ${LIMITS.units}]`);
    } else c.hidden = units;
  }
  const acts = p.get(KEY.activations);
  const known = activationNames as readonly string[];
  if (acts !== null) {
    const names = acts === '' ? [] : acts.split(',');
    const unknown = names.find((a) => !known.includes(a));
    if (unknown !== undefined) bad(KEY.activations, acts, `unknown activation "${unknown}"; known: ${known.join(', ')}`);
    else c.activations = names as ActivationName[];
  }
  c.activations = fitActivations(c.activations, c.hidden.length);

  oneOf(KEY.initializer, initializerNames, (v) => (c.initializer = v));
  oneOf(KEY.optimizer, playgroundOptimizers, (v) => (c.optimizer = v));
  num(KEY.learningRate, Number.MIN_VALUE, 1e6, false, (v) => (c.learningRate = v));
  num(KEY.batchSize, LIMITS.batchSize.min, LIMITS.batchSize.max, true, (v) => (c.batchSize = v));
  oneOf(KEY.regularization, regularizationNames, (v) => (c.regularization = v));
  num(KEY.regularizationRate, 0, 1e3, false, (v) => (c.regularizationRate = v));
  num(KEY.dropout, LIMITS.dropout.min, LIMITS.dropout.max, false, (v) => (c.dropout = v));
  const flag = (key: string, set: (v: boolean) => void) => {
    const v = p.get(key);
    if (v === null) return;
    if (v === '1' || v === '0') set(v === '1');
    else bad(key, v, 'expected 0 or 1');
  };
  flag(KEY.batchNorm, (v) => (c.batchNorm = v));
  oneOf(KEY.loss, lossChoices, (v) => (c.loss = v));
  num(KEY.seed, 0, 2 ** 31 - 1, true, (v) => (c.seed = v));
  num(KEY.speed, 0, 10000, false, (v) => (c.speed = v));
  const fs = p.get(KEY.features);
  if (fs !== null) {
    const names = fs.split(',').map((f) => f.trim()).filter((f) => f !== '');
    const unknown = names.find((f) => !(featureNames as readonly string[]).includes(f));
    if (unknown !== undefined) bad(KEY.features, fs, `unknown feature "${unknown}"; known: ${featureNames.join(', ')}`);
    else if (names.length === 0) bad(KEY.features, fs, 'at least one feature is needed');
    else c.features = canonicalFeatures(names as FeatureName[]);
  }
  num(KEY.initScale, 0, 1000, false, (v) => (c.initScale = v));
  flag(KEY.discretize, (v) => (c.discretize = v));
  oneOf(KEY.lesson, lessonIds, (v) => (c.lesson = v));
  return { config: c, problems };
}

/** One activation per hidden layer: extra names dropped, missing ones copied from the last (or tanh). */
export function fitActivations(acts: readonly ActivationName[], layers: number): ActivationName[] {
  const out = acts.slice(0, layers);
  while (out.length < layers) out.push(out[out.length - 1] ?? 'tanh');
  return out;
}

/** Which changes need a fresh network (anything but the training settings the worker can swap live and what only the page shows). */
export function needsReset(a: PlaygroundConfig, b: PlaygroundConfig): boolean {
  const live: (keyof PlaygroundConfig)[] = ['learningRate', 'batchSize', 'optimizer', 'speed', 'discretize', 'lesson'];
  return (Object.keys(a) as (keyof PlaygroundConfig)[]).some((k) => !live.includes(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Which changes need new data (the network is then reset too). */
export function needsNewData(a: PlaygroundConfig, b: PlaygroundConfig): boolean {
  const keys: (keyof PlaygroundConfig)[] = ['dataset', 'spiralClasses', 'noise', 'points', 'trainRatio', 'dataSeed'];
  return keys.some((k) => a[k] !== b[k]);
}
