import { InputError } from '../core/errors.js';
import { lookupName } from '../core/names.js';
import { booleanOption, checkKeys, describe, integerAtLeast, numberInRange, positiveNumber } from '../core/validate.js';

/** Plain-JSON settings of a learning-rate schedule. */
export type ScheduleConfig = Readonly<Record<string, number | boolean | readonly number[]>>;

/** A learning rate that depends on the optimiser's step count (0 on the first update). */
export interface LearningRateSchedule {
  readonly name: string;
  readonly config: ScheduleConfig;
  /** The learning rate at optimiser step `step` (0-based). */
  at(step: number): number;
}

/**
 * Learning-rate schedules of the optimiser's step count t (0 on the first update), with Keras'
 * formulas and argument names (camelCase). Any of them can be given as `learningRate`:
 * @example
 * optimizers.sgd({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 }) });
 * A step decay (drop by a factor every k steps) is `exponentialDecay({ ..., staircase: true })`,
 * or `piecewiseConstantDecay` for arbitrary steps.
 */

export interface ExponentialDecayArgs {
  /** η₀, the rate at step 0. */
  initialLearningRate: number;
  /** Steps over which the rate is multiplied by decayRate once. */
  decaySteps: number;
  /** Factor per decaySteps, in (0, 1] for a decay. */
  decayRate: number;
  /** Use ⌊t/decaySteps⌋ (a step function) instead of t/decaySteps. Default false. */
  staircase?: boolean;
}

/** The validated options shared by the exponential and inverse-time decays. */
function decayConfig(where: string, args: ExponentialDecayArgs, rateMayBeZero: boolean): Required<ExponentialDecayArgs> {
  checkKeys(where, args, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
  return {
    initialLearningRate: positiveNumber(where, 'initialLearningRate', args.initialLearningRate),
    decaySteps: positiveNumber(where, 'decaySteps', args.decaySteps),
    decayRate: positiveNumber(where, 'decayRate', args.decayRate, rateMayBeZero),
    staircase: booleanOption(where, 'staircase', args.staircase ?? false),
  };
}

/** t/decaySteps, or ⌊t/decaySteps⌋ with staircase. */
function decayProgress(c: Required<ExponentialDecayArgs>, step: number): number {
  const p = step / c.decaySteps;
  return c.staircase ? Math.floor(p) : p;
}

/** ηₜ = η₀ · decayRate^(t/decaySteps)  (exponent ⌊t/decaySteps⌋ when staircase). */
export class ExponentialDecay implements LearningRateSchedule {
  readonly name = 'exponentialDecay';
  readonly config: Readonly<Required<ExponentialDecayArgs>>;
  constructor(args: ExponentialDecayArgs) {
    this.config = decayConfig('exponentialDecay', args, false);
  }
  at(step: number): number {
    const c = this.config;
    return c.initialLearningRate * Math.pow(c.decayRate, decayProgress(c, step));
  }
}

/** Options of schedules.inverseTimeDecay. */
export interface InverseTimeDecayArgs {
  /** η₀, the rate at step 0. */
  initialLearningRate: number;
  /** Steps per unit of decay. */
  decaySteps: number;
  /** How fast the rate falls (≥ 0). */
  decayRate: number;
  /** Use ⌊t/decaySteps⌋ instead of t/decaySteps. Default false. */
  staircase?: boolean;
}

/** ηₜ = η₀ / (1 + decayRate · t/decaySteps)  (⌊t/decaySteps⌋ when staircase). */
export class InverseTimeDecay implements LearningRateSchedule {
  readonly name = 'inverseTimeDecay';
  readonly config: Readonly<Required<InverseTimeDecayArgs>>;
  constructor(args: InverseTimeDecayArgs) {
    this.config = decayConfig('inverseTimeDecay', args, true);
  }
  at(step: number): number {
    const c = this.config;
    return c.initialLearningRate / (1 + c.decayRate * decayProgress(c, step));
  }
}

/** Options of schedules.cosineDecay. */
export interface CosineDecayArgs {
  initialLearningRate: number;
  /** Steps over which the rate falls from η₀ to α·η₀; it stays there afterwards. */
  decaySteps: number;
  /**
   * The final rate as a fraction of η₀, in [0, 1]; default 0 (Keras). A rate of 0 cannot train,
   * so with α = 0 the schedule serves at most decaySteps steps: `fit` checks this before it
   * starts and says so.
   */
  alpha?: number;
}

/** t' = min(t, decaySteps);  ηₜ = η₀ · ((1 − α) · ½(1 + cos(π t'/decaySteps)) + α). */
export class CosineDecay implements LearningRateSchedule {
  readonly name = 'cosineDecay';
  readonly config: Readonly<Required<CosineDecayArgs>>;
  constructor(args: CosineDecayArgs) {
    const where = 'cosineDecay';
    checkKeys(where, args, ['initialLearningRate', 'decaySteps', 'alpha']);
    this.config = {
      initialLearningRate: positiveNumber(where, 'initialLearningRate', args.initialLearningRate),
      decaySteps: positiveNumber(where, 'decaySteps', args.decaySteps),
      alpha: numberInRange(where, 'alpha', args.alpha ?? 0, 0, 1, true),
    };
  }
  at(step: number): number {
    const c = this.config;
    const t = Math.min(step, c.decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / c.decaySteps));
    return c.initialLearningRate * ((1 - c.alpha) * cosine + c.alpha);
  }
}

/** Options of schedules.piecewiseConstantDecay. */
export interface PiecewiseConstantDecayArgs {
  /** Increasing step counts where the rate changes. */
  boundaries: readonly number[];
  /** One more rate than boundaries, each > 0. */
  values: readonly number[];
}

/**
 * A step function (Keras' PiecewiseConstantDecay): values[0] while t ≤ boundaries[0],
 * values[i] while boundaries[i−1] < t ≤ boundaries[i], the last value after the last boundary.
 */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  readonly name = 'piecewiseConstantDecay';
  readonly config: { readonly boundaries: readonly number[]; readonly values: readonly number[] };
  constructor(args: PiecewiseConstantDecayArgs) {
    const where = 'piecewiseConstantDecay';
    checkKeys(where, args, ['boundaries', 'values']);
    const { boundaries, values } = args;
    if (!Array.isArray(boundaries)) throw new InputError(`${where}: boundaries must be an array of step counts, got ${describe(boundaries)}`);
    if (!Array.isArray(values)) throw new InputError(`${where}: values must be an array of rates, got ${describe(values)}`);
    if (values.length !== boundaries.length + 1) {
      throw new InputError(`${where}: values must have one more entry than boundaries; got ${values.length} values for ${boundaries.length} boundaries`);
    }
    boundaries.forEach((b, i) => {
      integerAtLeast(where, `boundaries[${i}]`, b, 0);
      if (i > 0 && b <= boundaries[i - 1]!) throw new InputError(`${where}: boundaries must increase; boundaries[${i}] = ${b} after ${boundaries[i - 1]}`);
    });
    values.forEach((v, i) => positiveNumber(where, `values[${i}]`, v));
    this.config = { boundaries: [...boundaries], values: [...values] };
  }
  at(step: number): number {
    const { boundaries, values } = this.config;
    let i = 0;
    while (i < boundaries.length && step > boundaries[i]!) i++;
    return values[i]!;
  }
}

type AnySchedule = ExponentialDecay | InverseTimeDecay | CosineDecay | PiecewiseConstantDecay;

export const exponentialDecay = (args: ExponentialDecayArgs): ExponentialDecay => new ExponentialDecay(args);
export const inverseTimeDecay = (args: InverseTimeDecayArgs): InverseTimeDecay => new InverseTimeDecay(args);
export const cosineDecay = (args: CosineDecayArgs): CosineDecay => new CosineDecay(args);
export const piecewiseConstantDecay = (args: PiecewiseConstantDecayArgs): PiecewiseConstantDecay => new PiecewiseConstantDecay(args);

const registry = new Map<string, (config: never) => AnySchedule>([
  ['exponentialDecay', exponentialDecay],
  ['inverseTimeDecay', inverseTimeDecay],
  ['cosineDecay', cosineDecay],
  ['piecewiseConstantDecay', piecewiseConstantDecay],
]);

export const scheduleNames: readonly string[] = [...registry.keys()];

/** The plain-JSON form an optimiser's getConfig holds: `{ name, config }`. */
export function getScheduleConfig(schedule: LearningRateSchedule): { name: string; config: ScheduleConfig } {
  return { name: schedule.name, config: JSON.parse(JSON.stringify(schedule.config)) as ScheduleConfig };
}

/** Rebuilds a schedule from `{ name, config }`; unknown names throw and list the known ones. */
export function scheduleFromConfig(spec: { name: string; config: ScheduleConfig }): LearningRateSchedule {
  if (typeof spec !== 'object' || spec === null) throw new InputError(`learning-rate schedule: expected { name, config }, got ${describe(spec)}`);
  const make = lookupName('learning-rate schedule', spec.name, registry) as (config: ScheduleConfig) => AnySchedule;
  return make(spec.config);
}
