import { lookupName } from '../core/names.js';
import { Adagrad, type AdagradArgs } from './adagrad.js';
import { Adam, type AdamArgs } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { optimizerRegistry, type OptimizerName } from './registry.js';
import { Rmsprop, type RmspropArgs } from './rmsprop.js';
import { Sgd, type SgdArgs } from './sgd.js';
import * as sched from './schedules.js';

export { Optimizer, type OptimizerBaseArgs, type OptimizerState, type SavedOptimizerState, type LearningRateSchedule, type ScheduleConfig } from './optimizer.js';
export {
  ExponentialDecay, InverseTimeDecay, CosineDecay, PiecewiseConstantDecay, WarmupCosineDecay, CosLogDecay, scheduleFromConfig, getScheduleConfig, scheduleNames,
  type ExponentialDecayArgs, type InverseTimeDecayArgs, type CosineDecayArgs, type PiecewiseConstantDecayArgs, type WarmupCosineDecayArgs, type CosLogDecayArgs,
} from './schedules.js';

/**
 * Learning-rate schedules of the step count, usable as any optimiser's `learningRate`
 * (Keras' keras.optimizers.schedules): exponentialDecay, inverseTimeDecay, cosineDecay,
 * piecewiseConstantDecay; `fromConfig` rebuilds one from its `{ name, config }`.
 */
export const schedules = {
  /** lr(step) = initialLearningRate · decayRate^(step / decaySteps). */
  exponentialDecay: sched.exponentialDecay,
  /** lr(step) = initialLearningRate / (1 + decayRate · step / decaySteps). */
  inverseTimeDecay: sched.inverseTimeDecay,
  /** A half cosine from initialLearningRate down to alpha · initialLearningRate over decaySteps. */
  cosineDecay: sched.cosineDecay,
  /** Constant values between step boundaries. */
  piecewiseConstantDecay: sched.piecewiseConstantDecay,
  /** Linear warm-up over warmupSteps, then a half cosine down to alpha · initialLearningRate over decaySteps. */
  warmupCosineDecay: sched.warmupCosineDecay,
  /** RealMLP's "coslog4": cosine cycles on a log scale of the step, from 0 up and back to 0 over decaySteps. */
  cosLogDecay: sched.cosLogDecay,
  /** Rebuilds a schedule from its saved `{ name, config }`. */
  fromConfig: sched.scheduleFromConfig,
};
export { Sgd, type SgdArgs, Adam, type AdamArgs, Rmsprop, type RmspropArgs, Adagrad, type AdagradArgs };

/** Optimiser factories with Keras' argument names and defaults. */
export const optimizers = {
  /** Stochastic gradient descent, with optional momentum and Nesterov momentum. */
  sgd: (args: SgdArgs = {}): Sgd => new Sgd(args),
  /** Adam: bias-corrected first and second moment estimates. */
  adam: (args: AdamArgs = {}): Adam => new Adam(args),
  /** RMSprop: steps scaled by a running root mean square of the gradient. */
  rmsprop: (args: RmspropArgs = {}): Rmsprop => new Rmsprop(args),
  /** Adagrad: steps scaled by the root of the summed squared gradients. */
  adagrad: (args: AdagradArgs = {}): Adagrad => new Adagrad(args),
};

export { optimizerRegistry, optimizerNames, optimizerKind, kindOf, type OptimizerName } from './registry.js';
export type { OptimizerKind, RuleTerm, RuleDescription } from './kind.js';

const registryMap = new Map<string, { fromConfig(config: Readonly<Record<string, unknown>>): Optimizer }>(Object.entries(optimizerRegistry));

/** An optimiser by name (with its defaults), or an Optimizer made by one of the factories. */
export type OptimizerSpec = OptimizerName | Optimizer;

/** A name gets the optimiser with its defaults; an instance is used as is. */
export function getOptimizer(spec: OptimizerSpec, args: Record<string, unknown> = {}): Optimizer {
  if (typeof spec === 'object' && spec !== null && typeof spec.step === 'function') return spec;
  return lookupName('optimizer', spec, registryMap).fromConfig(args);
}
