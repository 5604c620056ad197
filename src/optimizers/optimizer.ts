import type { FloatArray } from '../core/matrix.js';
import type { Block } from '../kernels/kernels.js';
import { InputError } from '../core/errors.js';
import { checkKeys, integerAtLeast, positiveNumber } from '../core/validate.js';
import type { Param } from '../layers/param.js';
import { getScheduleConfig, scheduleFromConfig, type LearningRateSchedule, type ScheduleConfig } from './schedules.js';

export type { LearningRateSchedule, ScheduleConfig } from './schedules.js';

/** Options every optimiser takes. */
export interface OptimizerBaseArgs {
  /** A positive number, a schedule of the step count, or a schedule's `{ name, config }` (from getConfig). */
  learningRate?: number | LearningRateSchedule | { readonly name: string; readonly config: ScheduleConfig };
  /** Rescale each gradient tensor whose L2 norm exceeds this (Keras' per-variable clipnorm). */
  clipNorm?: number;
  /** Clamp every gradient element to [−clipValue, clipValue]. */
  clipValue?: number;
}

/** Keys every optimiser's config may have; each kind adds its own (OptimizerKind.defaults). */
export const COMMON_OPTIMIZER_KEYS = ['learningRate', 'clipNorm', 'clipValue'] as const;

/** Saved optimiser state: the step count and each parameter's slots, by parameter name. */
export interface OptimizerState {
  readonly iterations: number;
  readonly learningRate: number | undefined;
  /** Each parameter's slots (moments) by parameter name: plain arrays from getState, typed copies from snapshot. */
  readonly slots: Readonly<Record<string, readonly ArrayLike<number>[]>>;
}

/** The optimiser's state as plain JSON arrays, for a model file (`getState`). */
export interface SavedOptimizerState extends OptimizerState {
  readonly slots: Readonly<Record<string, number[][]>>;
}

/** Every this many steps the optimiser's state is flushed (flushState). */
export const STATE_FLUSH_EVERY = 64;
/** 2⁻¹⁰⁰: state values below it become 0. */
export const STATE_FLUSH_BELOW = 2 ** -100;

/**
 * Owns per-parameter state (keyed by the Param, never by position), the step count, clipping
 * and the learning-rate schedule; subclasses write one update rule.
 */
export abstract class Optimizer {
  /** The registered name (optimizerRegistry's key). */
  abstract readonly name: string;
  /** Completed update steps. */
  iterations = 0;
  learningRate: number | LearningRateSchedule;
  readonly clipNorm: number | undefined;
  readonly clipValue: number | undefined;
  private readonly state = new Map<Param, Block[]>();
  /** The subclass's own settings: each is a field of that name and a key of getConfig. */
  private readonly settingKeys: readonly string[];

  protected constructor(where: string, args: OptimizerBaseArgs, extraKeys: readonly string[], defaultLearningRate: number) {
    checkKeys(where, args, [...COMMON_OPTIMIZER_KEYS, ...extraKeys]);
    this.settingKeys = extraKeys;
    const lr = args.learningRate ?? defaultLearningRate;
    this.learningRate = parseLearningRate(where, lr);
    this.clipNorm = args.clipNorm === undefined ? undefined : positiveNumber(where, 'clipNorm', args.clipNorm);
    this.clipValue = args.clipValue === undefined ? undefined : positiveNumber(where, 'clipValue', args.clipValue);
    // Keras applies only one kind of clipping and refuses both (base_optimizer.py).
    if (this.clipNorm !== undefined && this.clipValue !== undefined) {
      throw new InputError(`${where}: give clipNorm or clipValue, not both (got clipNorm ${this.clipNorm} and clipValue ${this.clipValue}), as Keras`);
    }
  }

  /** The rate the next step will use. */
  currentLearningRate(): number {
    return this.learningRateAt(this.iterations);
  }

  /** The rate at a given step count; throws when a schedule gives a rate that is not > 0. */
  learningRateAt(step: number): number {
    const schedule = this.learningRate;
    const lr = typeof schedule === 'number' ? schedule : schedule.at(step);
    if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) {
      const from = typeof schedule === 'number' ? '' : ` from the schedule ${schedule.name} ${JSON.stringify(schedule.config)}`;
      throw new InputError(`${this.name}: learning rate must be a finite number > 0, got ${String(lr)} at step ${step}${from}`);
    }
    return lr;
  }

  /**
   * One update of every trainable parameter from its accumulated gradient. Returns false when
   * an updated weight or state value is NaN or ±Infinity (an overflow): the training step then
   * restores the weights it saved. The check rides along in the update loops (each kernel
   * probes every value it stores) instead of passes over the weights and the state.
   */
  step(params: readonly Param[]): boolean {
    const lr = this.currentLearningRate();
    let probe = 0;
    for (const p of params) {
      if (!p.trainable) continue;
      this.clip(p);
      probe += this.update(p, lr);
    }
    this.iterations++;
    if (this.iterations % STATE_FLUSH_EVERY === 0) this.flushState();
    // A moment that overflowed (g² beyond float32 after inputs of 1e30) leaves the weights finite
    // but the state unusable and unsaveable: that is divergence too (R18), and the probe covers it.
    return probe === 0;
  }

  /**
   * Sets the state's values below 2⁻¹⁰⁰ in magnitude to 0 (kernels/optimizer.ts: flushBelow says
   * why). With Adam's ε = 10⁻⁷ such a moment moves its weight by under 10⁻²³·η; in STATE_FLUSH_EVERY
   * steps, a moment decaying at β = 0.9 shrinks by a factor of about 2¹⁰ (0.9⁶⁴), far above float32's
   * subnormal values (below 2⁻¹²⁶).
   */
  private flushState(): void {
    for (const [p, slots] of this.state) for (const s of slots) p.kernels.flushBelow(s.data, p.size, STATE_FLUSH_BELOW);
  }

  /** The first parameter whose state (moments, accumulators) holds NaN or ±Infinity, with the slot's name. */
  firstNonFiniteSlot(params: readonly Param[]): { param: Param; slot: string } | undefined {
    if (this.slotNames.length === 0) return undefined;
    for (const p of params) {
      const s = this.state.get(p);
      if (s === undefined) continue;
      for (let k = 0; k < s.length; k++) if (!p.kernels.allFinite(s[k]!.data, p.size)) return { param: p, slot: this.slotNames[k]! };
    }
    return undefined;
  }

  /**
   * Creates every parameter's state tensors now (in the parameters' memory), so that a step
   * never allocates; `step` creates any that are missing.
   */
  prepare(params: readonly Param[]): void {
    if (this.slotNames.length === 0) return;
    for (const p of params) if (p.trainable) this.slots(p);
  }

  /**
   * Applies the rule to one tensor with its fused kernel: p.value ← f(p.value, p.grad, slots).
   * Returns Σ x·0 over every value stored, the new weights and the new state (slots): 0 when
   * all are finite, NaN otherwise; `step` reads divergence from it alone.
   */
  protected abstract update(p: Param, lr: number): number;

  /** Names of the state tensors per parameter, in slot order (['m', 'v'] for Adam), each shaped as its parameter. */
  abstract readonly slotNames: readonly string[];
  /** Slots that hold sums of squares, so a saved negative value is corrupt (RELIABILITY R10). */
  protected readonly nonNegativeSlots: readonly number[] = [];

  /** Initial value of the state tensors. */
  protected initialSlotValue(): number {
    return 0;
  }

  /** The state tensors of `p`, allocated by the kernels that own p on first use. */
  protected slots(p: Param): readonly Block[] {
    let s = this.state.get(p);
    if (s === undefined) {
      s = [];
      for (let i = 0; i < this.slotNames.length; i++) {
        const t = p.kernels.alloc(p.size);
        t.data.fill(this.initialSlotValue());
        s.push(t);
      }
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * Keras' clipping, per tensor: clipValue clamps each element to [−c, c]; clipNorm rescales
   * g ← g·c / max(‖g‖₂, c), so a tensor whose norm exceeds c gets norm c and others are unchanged.
   */
  private clip(p: Param): void {
    const k = p.kernels;
    if (this.clipValue !== undefined) {
      k.clipByValue(p.grad, p.size, this.clipValue);
    } else if (this.clipNorm !== undefined) {
      const norm = Math.sqrt(k.sumOfSquares(p.grad, p.size));
      if (norm > this.clipNorm) k.scale(p.grad, p.size, this.clipNorm / norm);
    }
  }

  /** The same clipping on a plain copy of a gradient (explainUpdate writes out the step a rule takes). */
  clipCopy(g: Float64Array): void {
    if (this.clipValue !== undefined) {
      const c = this.clipValue;
      for (let i = 0; i < g.length; i++) g[i] = Math.min(c, Math.max(-c, g[i]!));
    } else if (this.clipNorm !== undefined) {
      let sq = 0;
      for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
      const norm = Math.sqrt(sq);
      if (norm > this.clipNorm) for (let i = 0; i < g.length; i++) g[i]! *= this.clipNorm / norm;
    }
  }

  /** Forgets all state (a fresh fit). */
  reset(): void {
    this.state.clear();
    this.iterations = 0;
  }

  /** Plain-JSON settings that rebuild this optimiser (its state is separate: getState). */
  getConfig(): Record<string, unknown> {
    const own = this as unknown as Readonly<Record<string, unknown>>;
    return { ...this.baseConfig(), ...Object.fromEntries(this.settingKeys.map((k) => [k, own[k]])) };
  }

  protected baseConfig(): Record<string, unknown> {
    const lr = this.learningRate;
    return {
      learningRate: typeof lr === 'number' ? lr : getScheduleConfig(lr),
      ...(this.clipNorm !== undefined ? { clipNorm: this.clipNorm } : {}),
      ...(this.clipValue !== undefined ? { clipValue: this.clipValue } : {}),
    };
  }

  /** The step count and every parameter's slots (moments), by parameter name, as plain arrays for a model file. */
  getState(params: readonly Param[]): SavedOptimizerState {
    return this.stateWith(params, (t) => Array.from(t));
  }

  /**
   * The same state as typed copies, for a run's own snapshot (the CLI's train takes one at every
   * epoch's start, to put back on Ctrl-C): plain arrays made that 30 % of a small table's run
   * (19 ms an epoch for Adam's 150,000 moments of a 34-256-256-1 network).
   */
  snapshot(params: readonly Param[]): OptimizerState {
    return this.stateWith(params, (t) => t.slice());
  }

  /** The step count, learning rate and every parameter's slots, each copied by `copy`. */
  private stateWith<A extends ArrayLike<number>>(params: readonly Param[], copy: (slot: FloatArray) => A): { iterations: number; learningRate: number | undefined; slots: Record<string, A[]> } {
    const slots = Object.create(null) as Record<string, A[]>;
    for (const p of params) {
      const s = this.state.get(p);
      if (s) slots[p.name] = s.map((t) => copy(t.data));
    }
    return { iterations: this.iterations, learningRate: typeof this.learningRate === 'number' ? this.learningRate : undefined, slots };
  }

  /**
   * Restores a saved state, checking it first (RELIABILITY R10): a step count that is a
   * non-negative integer, a learning rate > 0, finite slots, and no negative sum of squares.
   */
  setState(params: readonly Param[], state: OptimizerState): void {
    const where = `${this.name} state`;
    integerAtLeast(where, 'iterations', state.iterations, 0);
    if (state.learningRate !== undefined) positiveNumber(where, 'learningRate', state.learningRate);
    for (const p of params) {
      state.slots[p.name]?.forEach((values, k) => {
        const nonNegative = this.nonNegativeSlots.includes(k);
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!;
          if (!Number.isFinite(v) || (nonNegative && v < 0)) {
            throw new InputError(`${where}: slot ${k} of ${p.name}, entry ${i}, is ${v}; it must be finite${nonNegative ? ' and ≥ 0 (a sum of squares)' : ''}`);
          }
        }
      });
    }
    this.reset();
    this.iterations = state.iterations;
    if (state.learningRate !== undefined) this.learningRate = state.learningRate;
    for (const p of params) {
      const saved = state.slots[p.name];
      if (!saved) continue;
      const s = this.slots(p);
      saved.forEach((values, i) => s[i]?.data.set(values));
    }
  }
}

function parseLearningRate(where: string, lr: unknown): number | LearningRateSchedule {
  if (typeof lr === 'object' && lr !== null && !Array.isArray(lr)) {
    const candidate = lr as Partial<LearningRateSchedule>;
    if (typeof candidate.at === 'function') return lr as LearningRateSchedule;
    if (typeof candidate.name === 'string' && typeof candidate.config === 'object') return scheduleFromConfig(lr as { name: string; config: ScheduleConfig });
  }
  return positiveNumber(where, 'learningRate', lr);
}

