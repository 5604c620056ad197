import type { Dim, Params } from '../space.js';

/** A finished trial as the samplers see it: `loss` is oriented so that lower is better. */
export interface Observation {
  readonly number: number;
  readonly params: Params;
  readonly loss: number;
  readonly state: 'complete' | 'pruned';
}

/** What a sampler may look at when asked for trial `number`'s parameters. */
export interface SamplerContext {
  readonly number: number;
  /** Complete and pruned trials finished before this one was asked for. */
  readonly finished: readonly Observation[];
  /** Parameters of trials still running (the constant liar treats them as bad). */
  readonly running: readonly Params[];
  /** Keys (paramsKey) of every trial already proposed: finished, failed or running. */
  readonly tried: ReadonlySet<string>;
}

/** Proposes a trial's parameters; undefined when a finite space is exhausted. */
export interface Sampler {
  propose(ctx: SamplerContext): Params | undefined;
  /** How many distinct points the sampler can propose, when finite (the grid's size). */
  readonly size: number | undefined;
  /** Whether a finite sampler would propose these parameters (so an enqueued grid point is not counted twice). */
  has?(params: Params): boolean;
}

/** Purposes of derived seeds (numeric.derivedSeed), fixed so that results stay reproducible across versions. */
export const PURPOSE = { sample: 1, permutation: 2, training: 3, model: 4 } as const;

export type SamplerFactory = (dims: readonly Dim[], seed: number) => Sampler;
