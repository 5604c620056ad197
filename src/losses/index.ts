import { lookupName } from '../core/names.js';
import { checkKeys } from '../core/validate.js';
import { InputError } from '../core/errors.js';
import type { Loss, LossName } from './loss.js';
import { meanAbsoluteError, meanSquaredError, sumSquaredError } from './regression.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, type CrossentropyArgs } from './crossentropy.js';

export type { Loss, LossName } from './loss.js';
export type { CrossentropyArgs } from './crossentropy.js';

type Factory = (config: CrossentropyArgs) => Loss;

const registry = new Map<string, Factory>([
  ['mse', () => meanSquaredError()],
  ['sse', () => sumSquaredError()],
  ['mae', () => meanAbsoluteError()],
  ['binaryCrossentropy', (c) => binaryCrossentropy(c)],
  ['categoricalCrossentropy', (c) => categoricalCrossentropy(c)],
  ['sparseCategoricalCrossentropy', (c) => sparseCategoricalCrossentropy(c)],
]);

export const lossNames: readonly LossName[] = [...registry.keys()] as LossName[];

function crossentropyArgs(where: string, args: CrossentropyArgs): CrossentropyArgs {
  checkKeys(where, args, ['base', 'fromLogits']);
  if (args.base !== undefined && args.base !== 2 && args.base !== 'e') {
    throw new InputError(`${where}: base must be 'e' or 2, got ${JSON.stringify(args.base)}`);
  }
  return args;
}

/** Loss factories for options: `losses.categoricalCrossentropy({ base: 2 })`. */
export const losses = {
  meanSquaredError,
  sumSquaredError,
  meanAbsoluteError,
  binaryCrossentropy: (args: CrossentropyArgs = {}) => binaryCrossentropy(crossentropyArgs('binaryCrossentropy', args)),
  categoricalCrossentropy: (args: CrossentropyArgs = {}) => categoricalCrossentropy(crossentropyArgs('categoricalCrossentropy', args)),
  sparseCategoricalCrossentropy: (args: CrossentropyArgs = {}) => sparseCategoricalCrossentropy(crossentropyArgs('sparseCategoricalCrossentropy', args)),
};

export type LossSpec = LossName | Loss;

export function getLoss(spec: LossSpec, config: CrossentropyArgs = {}): Loss {
  if (typeof spec === 'object' && spec !== null && typeof spec.value === 'function') return spec;
  return lookupName('loss', spec, registry)(config);
}
