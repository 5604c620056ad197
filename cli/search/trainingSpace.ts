import { activationNames, compileSpace, optimizerNames, search, type JsonValue, type Params, type SearchParam, type Space } from '../../src/index.js';
import { UsageError } from '../errors.js';
import type { TrainSettings } from '../settings.js';

/**
 * The train options a search space may hold (camelCase, as in TrainSettings), plus `units` and
 * `depth`, which build `layers` as depth × units when the space has no `layers`.
 */
export const SEARCHABLE = ['lr', 'layers', 'units', 'depth', 'activation', 'optimizer', 'batchSize', 'dropout', 'epochs', 'earlyStopping', 'scale'] as const;
export type Searchable = (typeof SEARCHABLE)[number];

/** What a search tries when no --space is given: the usual knobs of an MLP, over ranges that suit small tabular sets. */
export const DEFAULT_SPACE: Space = {
  lr: search.float(1e-4, 1e-1, { log: true }),
  layers: search.categorical([[16], [32], [64], [32, 16], [64, 32]]),
  activation: search.categorical(['relu', 'tanh']),
  batchSize: search.categorical([16, 32, 64]),
  dropout: search.float(0, 0.5),
};

function bad(name: string, message: string): never {
  throw new UsageError(`search space: parameter "${name}": ${message}`);
}

/** The values a parameter can take, for checking them before any trial runs. */
function possibleValues(spec: SearchParam): JsonValue[] {
  return spec.type === 'categorical' ? [...spec.choices] : [spec.low, spec.high];
}

function layersValue(v: JsonValue): number[] | undefined {
  const list = typeof v === 'string' ? (v.trim() === '' || v.trim() === '0' ? [] : v.split(',').map((s) => Number(s.trim()))) : v;
  if (!Array.isArray(list) || !list.every((u) => typeof u === 'number' && Number.isInteger(u) && u > 0)) return undefined;
  return list as number[];
}

/**
 * Checks a space for a training search: only searchable train options, values each option
 * accepts (activation and optimizer names, lr > 0, dropout in [0, 1), integer batch sizes and
 * epochs ≥ 1, layers as lists of sizes or "64,32"). Throws a UsageError naming the parameter.
 */
export function checkTrainingSpace(space: Space): void {
  compileSpace(space);
  for (const [name, spec] of Object.entries(space)) {
    if (!(SEARCHABLE as readonly string[]).includes(name)) {
      throw new UsageError(`search space: unknown train option "${name}"`, `searchable options: ${SEARCHABLE.join(', ')}`);
    }
    const values = possibleValues(spec);
    const each = (ok: (v: JsonValue) => boolean, what: string): void => {
      for (const v of values) if (!ok(v)) bad(name, `${what}, got ${JSON.stringify(v)}`);
    };
    const int = (min: number) => (v: JsonValue) => typeof v === 'number' && Number.isInteger(v) && v >= min;
    switch (name as Searchable) {
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
        each((v) => v === 'standard' || v === 'minmax' || v === 'none', 'scale is standard, minmax or none');
        break;
      case 'layers':
        if (spec.type !== 'categorical') bad('layers', 'layers must be categorical: a list of layer-size lists such as [[32], [64, 32]] or strings such as "64,32"');
        each((v) => layersValue(v) !== undefined, 'each choice must list positive layer sizes');
        break;
    }
  }
  if ('layers' in space && ('units' in space || 'depth' in space)) throw new UsageError('search space: give either "layers" or "units"/"depth", not both');
}

/** The train settings of one trial: the fixed ones with the trial's parameters put in. */
export function applyParams(fixed: TrainSettings, params: Params): TrainSettings {
  const s: TrainSettings = { ...fixed };
  for (const [name, v] of Object.entries(params)) {
    if (name === 'layers') s.layers = layersValue(v)!;
    else if (name !== 'units' && name !== 'depth') (s as unknown as Record<string, JsonValue>)[name] = v;
  }
  if ('units' in params || 'depth' in params) {
    const units = (params.units as number | undefined) ?? fixed.layers[0] ?? 32;
    const depth = (params.depth as number | undefined) ?? fixed.layers.length;
    s.layers = new Array<number>(depth).fill(units);
  }
  return s;
}
