import { UnsupportedError } from '../core/errors.js';
import { adagradKind } from './adagrad.js';
import { adamKind } from './adam.js';
import type { OptimizerKind } from './kind.js';
import type { Optimizer } from './optimizer.js';
import { rmspropKind } from './rmsprop.js';
import { sgdKind } from './sgd.js';

/**
 * The one table of optimisers: getOptimizer, the model file's loader (config keys, slot count),
 * explainUpdate's written-out rule and the spec's validation walk it.
 */
export const optimizerRegistry = { sgd: sgdKind, adam: adamKind, rmsprop: rmspropKind, adagrad: adagradKind } as const;

/** The optimiser names, one spelling in the API, the model file and the CLI. */
export type OptimizerName = keyof typeof optimizerRegistry;

/** Every optimiser name. */
export const optimizerNames = Object.keys(optimizerRegistry) as readonly OptimizerName[];

/** The registry entry for a name, or undefined (own keys only: "__proto__" is not an optimiser). */
export function optimizerKind(name: string): OptimizerKind | undefined {
  return Object.hasOwn(optimizerRegistry, name) ? (optimizerRegistry[name as OptimizerName] as unknown as OptimizerKind) : undefined;
}

/** The registered kind of an optimiser instance; an UnsupportedError for one defined outside the registry. */
export function kindOf(opt: Optimizer): OptimizerKind {
  const kind = optimizerKind(opt.name);
  if (kind === undefined || !kind.is(opt)) throw new UnsupportedError(`optimizer ${JSON.stringify(opt.name)} is not registered; known: ${optimizerNames.join(', ')}`);
  return kind;
}
