import { SpecError, trainingSpec, type Json, type JsonObject, type ScaleKind, type TrainingSpec, type ActivationName, type OptimizerName, type LossName } from '../src/index.js';
import { UsageError } from './errors.js';
import { optionOfField } from './sharedOptions.js';

/** What `train` was asked to do; saved in the model file so that `--resume` repeats it exactly. */
export interface TrainSettings {
  data?: string;
  dataset?: string;
  samples?: number;
  noise?: number;
  target?: string[];
  categorical?: string[];
  numeric?: string[];
  ignore?: string[];
  keep?: string[];
  missing?: 'impute' | 'drop' | 'error';
  indicator?: boolean;
  /** CSV field separator; default: sniffed from the header line. */
  delimiter?: string;
  validationData?: string;
  classWeight?: 'balanced' | Record<string, number>;
  task: 'auto' | 'classification' | 'regression';
  layers: number[];
  activation: string;
  dropout: number;
  loss?: string;
  optimizer: string;
  lr?: number;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  earlyStopping?: number;
  scale: ScaleKind;
  seed: number;
}

/** The settings every run has, as train, cv and search parse them (lr may be unset). */
export type CoreFlags = Pick<TrainSettings, 'task' | 'layers' | 'activation' | 'dropout' | 'optimizer' | 'lr' | 'epochs' | 'batchSize' | 'validationSplit' | 'scale' | 'seed'>;

/** TrainSettings from a command's parsed flags: the core fields, then those of `optional` that were given (not undefined). */
export function settingsFromFlags(o: CoreFlags, optional: Partial<TrainSettings>): TrainSettings {
  const settings: TrainSettings = {
    task: o.task, layers: o.layers, activation: o.activation, dropout: o.dropout, optimizer: o.optimizer, lr: o.lr,
    epochs: o.epochs, batchSize: o.batchSize, validationSplit: o.validationSplit, scale: o.scale, seed: o.seed,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (settings as unknown as Record<string, unknown>)[k] = v;
  return settings;
}

export function settingsToJson(s: TrainSettings): JsonObject {
  return JSON.parse(JSON.stringify(s)) as JsonObject;
}

/** Reads the settings saved in a checkpoint, checking each field's type. */
export function settingsFromJson(v: Json | undefined, path: string): TrainSettings {
  const bad = (field: string) => new UsageError(`${path} has no usable training settings (${field}); it was not written by "backprop train"`);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('metadata.train');
  const o = v;
  const str = (k: string): string | undefined => {
    if (o[k] === undefined) return undefined;
    if (typeof o[k] !== 'string') throw bad(k);
    return o[k];
  };
  const num = (k: string): number | undefined => {
    if (o[k] === undefined) return undefined;
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) throw bad(k);
    return o[k];
  };
  const strs = (k: string): string[] | undefined => {
    if (o[k] === undefined) return undefined;
    const a = o[k];
    if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) throw bad(k);
    return a as string[];
  };
  const need = <T>(k: string, x: T | undefined): T => {
    if (x === undefined) throw bad(k);
    return x;
  };
  const layers = o.layers;
  if (!Array.isArray(layers) || !layers.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0)) throw bad('layers');
  const task = need('task', str('task'));
  const scale = need('scale', str('scale'));
  if (!['auto', 'classification', 'regression'].includes(task)) throw bad('task');
  if (!['standard', 'minmax', 'none'].includes(scale)) throw bad('scale');
  const s: TrainSettings = {
    task: task as TrainSettings['task'],
    layers: layers as number[],
    activation: need('activation', str('activation')),
    dropout: need('dropout', num('dropout')),
    optimizer: need('optimizer', str('optimizer')),
    epochs: need('epochs', num('epochs')),
    batchSize: need('batchSize', num('batchSize')),
    validationSplit: need('validationSplit', num('validationSplit')),
    scale: scale as ScaleKind,
    seed: need('seed', num('seed')),
  };
  const missing = str('missing');
  if (missing !== undefined && !['impute', 'drop', 'error'].includes(missing)) throw bad('missing');
  if (o.indicator !== undefined && typeof o.indicator !== 'boolean') throw bad('indicator');
  const cw = o.classWeight;
  if (cw !== undefined && cw !== 'balanced' && (cw === null || typeof cw !== 'object' || Array.isArray(cw) || !Object.values(cw).every((w) => typeof w === 'number'))) throw bad('classWeight');
  const optional = { data: str('data'), dataset: str('dataset'), samples: num('samples'), noise: num('noise'), target: strs('target'), categorical: strs('categorical'), numeric: strs('numeric'), ignore: strs('ignore'), keep: strs('keep'), missing, indicator: o.indicator as boolean | undefined, delimiter: str('delimiter'), validationData: str('validationData'), classWeight: cw as TrainSettings['classWeight'], loss: str('loss'), lr: num('lr'), earlyStopping: num('earlyStopping') };
  for (const [k, x] of Object.entries(optional)) if (x !== undefined) (s as unknown as Record<string, unknown>)[k] = x;
  return s;
}

/**
 * The library's training spec for these settings; a bad name (activation, optimizer, loss) is a
 * usage error naming the option.
 */
export function specOf(s: TrainSettings): TrainingSpec {
  try {
    return trainingSpec({
      preprocessing: {
        task: s.task, scale: s.scale,
        ...(s.target ? { target: s.target } : {}), ...(s.categorical ? { categorical: s.categorical } : {}), ...(s.ignore ? { ignore: s.ignore } : {}),
        ...(s.numeric ? { numeric: s.numeric } : {}), ...(s.keep ? { keep: s.keep } : {}), ...(s.missing ? { missing: s.missing } : {}), ...(s.indicator ? { indicator: true } : {}),
      },
      architecture: { hidden: s.layers, activation: s.activation as ActivationName, dropout: s.dropout },
      compile: { optimizer: s.optimizer as OptimizerName, ...(s.lr !== undefined ? { learningRate: s.lr } : {}), ...(s.loss !== undefined ? { loss: s.loss as LossName } : {}) },
      fit: { epochs: s.epochs, batchSize: s.batchSize, validationSplit: s.validationSplit, seed: s.seed, ...(s.earlyStopping !== undefined ? { earlyStopping: s.earlyStopping } : {}), ...(s.classWeight !== undefined ? { classWeight: s.classWeight } : {}) },
    });
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    throw new UsageError(`${optionOfField(e.field) ?? e.field}: ${e.problem}`);
  }
}
