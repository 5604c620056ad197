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

/** Every loss name. */
export const lossNames: readonly LossName[] = [...registry.keys()] as LossName[];

function crossentropyArgs(where: string, args: CrossentropyArgs): CrossentropyArgs {
  checkKeys(where, args, ['base', 'fromLogits', 'labelSmoothing']);
  if (args.base !== undefined && args.base !== 2 && args.base !== 'e') {
    throw new InputError(`${where}: base must be 'e' or 2, got ${JSON.stringify(args.base)}`);
  }
  return args;
}

/** Loss factories for options: `losses.categoricalCrossentropy({ base: 2 })`. */
export const losses = {
  /** Mean squared error over outputs and rows (`mse`). */
  meanSquaredError,
  /** ½‖r − a‖² summed over outputs, averaged over rows (`sse`, the lecture notes' form). */
  sumSquaredError,
  /** Mean absolute error (`mae`). */
  meanAbsoluteError,
  /** Binary cross-entropy of sigmoid outputs (one or several independent yes/no outputs). */
  binaryCrossentropy: (args: CrossentropyArgs = {}) => binaryCrossentropy(crossentropyArgs('binaryCrossentropy', args)),
  /** Cross-entropy of softmax outputs against one-hot targets. */
  categoricalCrossentropy: (args: CrossentropyArgs = {}) => categoricalCrossentropy(crossentropyArgs('categoricalCrossentropy', args)),
  /** Cross-entropy of softmax outputs against class indices. */
  sparseCategoricalCrossentropy: (args: CrossentropyArgs = {}) => sparseCategoricalCrossentropy(crossentropyArgs('sparseCategoricalCrossentropy', args)),
};

/** A loss by name, or a Loss made by one of the factories. */
export type LossSpec = LossName | Loss;

/** The Loss for a name or object; an unknown name is an InputError listing the known ones. */
export function getLoss(spec: LossSpec, config: CrossentropyArgs = {}): Loss {
  if (typeof spec === 'object' && spec !== null && typeof spec.value === 'function') return spec;
  const make = lookupName('loss', spec, registry);
  if (config.labelSmoothing && !['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'].includes(spec as string)) {
    throw new InputError(`${spec}: labelSmoothing applies to the cross-entropy losses only`);
  }
  return make(config);
}
