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

/** Options of schedules.warmupCosineDecay. */
export interface WarmupCosineDecayArgs {
  /** η, the peak rate reached at the end of the warm-up. */
  initialLearningRate: number;
  /** Steps of linear warm-up from η/warmupSteps to η (0 for none). */
  warmupSteps: number;
  /** Steps of the cosine decay after the warm-up, from η to α·η; it stays there afterwards. */
  decaySteps: number;
  /** The final rate as a fraction of η, in [0, 1]; default 0. */
  alpha?: number;
}

/**
 * Linear warm-up, then cosine decay (Goyal et al. 2017; Loshchilov & Hutter 2017):
 * ηₜ = η · (t + 1)/w for t < w; then with u = min(t − w, D)/D, ηₜ = η · ((1 − α) · ½(1 + cos πu) + α).
 * The warm-up keeps Adam's first, poorly estimated steps small; the decay settles the weights.
 */
export class WarmupCosineDecay implements LearningRateSchedule {
  readonly name = 'warmupCosineDecay';
  readonly config: Readonly<Required<WarmupCosineDecayArgs>>;
  constructor(args: WarmupCosineDecayArgs) {
    const where = 'warmupCosineDecay';
    checkKeys(where, args, ['initialLearningRate', 'warmupSteps', 'decaySteps', 'alpha']);
    this.config = {
      initialLearningRate: positiveNumber(where, 'initialLearningRate', args.initialLearningRate),
      warmupSteps: integerAtLeast(where, 'warmupSteps', args.warmupSteps, 0),
      decaySteps: positiveNumber(where, 'decaySteps', args.decaySteps),
      alpha: numberInRange(where, 'alpha', args.alpha ?? 0, 0, 1, true),
    };
  }
  at(step: number): number {
    const c = this.config;
    if (step < c.warmupSteps) return (c.initialLearningRate * (step + 1)) / c.warmupSteps;
    const u = Math.min(step - c.warmupSteps, c.decaySteps) / c.decaySteps;
    return c.initialLearningRate * ((1 - c.alpha) * 0.5 * (1 + Math.cos(Math.PI * u)) + c.alpha);
  }
}

/** Options of schedules.cosLogDecay. */
export interface CosLogDecayArgs {
  /** η, the peak rate. */
  initialLearningRate: number;
  /** Steps of the whole schedule (training's total step count); after it the rate stays at its last value. */
  decaySteps: number;
  /** Number of cosine cycles on the log scale; default 4 (RealMLP's "coslog4"). */
  cycles?: number;
}

/**
 * RealMLP's "coslog4" (Holzmüller et al. 2024): with u = (min(t, D − 1) + ½)/D and c cycles,
 * ηₜ = η · (½ − ½ cos(2π · log2(1 + (2^c − 1)·u))). It rises from 0, then runs c cosine cycles
 * of growing length and falls back towards 0: a warm-up and a decay with restarts, fixed by the
 * step count alone. Each step takes the rate at its middle (steps past the end that of the
 * last), so that no step has rate 0.
 */
export class CosLogDecay implements LearningRateSchedule {
  readonly name = 'cosLogDecay';
  readonly config: Readonly<Required<CosLogDecayArgs>>;
  constructor(args: CosLogDecayArgs) {
    const where = 'cosLogDecay';
    checkKeys(where, args, ['initialLearningRate', 'decaySteps', 'cycles']);
    this.config = {
      initialLearningRate: positiveNumber(where, 'initialLearningRate', args.initialLearningRate),
      decaySteps: positiveNumber(where, 'decaySteps', args.decaySteps),
      cycles: positiveNumber(where, 'cycles', args.cycles ?? 4),
    };
  }
  at(step: number): number {
    const c = this.config;
    // Steps sit at the middle of their interval, and a step past the end keeps the last step's
    // rate: no step has rate 0.
    const u = (Math.min(step, Math.ceil(c.decaySteps) - 1) + 0.5) / c.decaySteps;
    const phase = Math.log2(1 + (2 ** c.cycles - 1) * u);
    return c.initialLearningRate * (0.5 - 0.5 * Math.cos(2 * Math.PI * phase));
  }
}

type AnySchedule = ExponentialDecay | InverseTimeDecay | CosineDecay | PiecewiseConstantDecay | WarmupCosineDecay | CosLogDecay;

export const exponentialDecay = (args: ExponentialDecayArgs): ExponentialDecay => new ExponentialDecay(args);
export const inverseTimeDecay = (args: InverseTimeDecayArgs): InverseTimeDecay => new InverseTimeDecay(args);
export const cosineDecay = (args: CosineDecayArgs): CosineDecay => new CosineDecay(args);
export const piecewiseConstantDecay = (args: PiecewiseConstantDecayArgs): PiecewiseConstantDecay => new PiecewiseConstantDecay(args);
export const warmupCosineDecay = (args: WarmupCosineDecayArgs): WarmupCosineDecay => new WarmupCosineDecay(args);
export const cosLogDecay = (args: CosLogDecayArgs): CosLogDecay => new CosLogDecay(args);

const registry = new Map<string, (config: never) => AnySchedule>([
  ['exponentialDecay', exponentialDecay],
  ['inverseTimeDecay', inverseTimeDecay],
  ['cosineDecay', cosineDecay],
  ['piecewiseConstantDecay', piecewiseConstantDecay],
  ['warmupCosineDecay', warmupCosineDecay],
  ['cosLogDecay', cosLogDecay],
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
