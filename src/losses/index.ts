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

/** The names users of tf.js (camelCase) and Keras (snake_case) type for the same losses. */
export const lossAliases = {
  meanSquaredError: 'mse',
  mean_squared_error: 'mse',
  meanAbsoluteError: 'mae',
  mean_absolute_error: 'mae',
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
} as const satisfies Readonly<Record<string, LossName>>;

/** The loss name `name` stands for (itself, or what its tf.js/Keras alias means), undefined when unknown. */
export function canonicalLossName(name: unknown): LossName | undefined {
  if (typeof name !== 'string') return undefined;
  if (registry.has(name)) return name as LossName;
  return Object.hasOwn(lossAliases, name) ? lossAliases[name as keyof typeof lossAliases] : undefined;
}

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

/** A loss by name (or its tf.js/Keras alias, e.g. 'meanSquaredError', 'mean_squared_error'), or a Loss made by one of the factories. */
export type LossSpec = LossName | keyof typeof lossAliases | Loss;

/** The Loss for a name or object; an unknown name is an InputError listing the known ones. */
export function getLoss(spec: LossSpec, config: CrossentropyArgs = {}): Loss {
  if (typeof spec === 'object' && spec !== null && typeof spec.value === 'function') return spec;
  const name = canonicalLossName(spec) ?? spec;
  const make = lookupName('loss', name, registry);
  if (config.labelSmoothing && !['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'].includes(name as string)) {
    throw new InputError(`${String(spec)}: labelSmoothing applies to the cross-entropy losses only`);
  }
  return make(config);
}
