import { InputError } from '../core/errors.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';

/** What a pruner sees when a trial reports an intermediate value (losses: lower is better). */
export interface PruneQuery {
  readonly number: number;
  readonly step: number;
  /** The trial's own reports so far, step → loss. */
  readonly own: ReadonlyMap<number, number>;
  /** Every other trial's reports, step → loss. */
  readonly others: ReadonlyMap<number, ReadonlyMap<number, number>>;
  /** Numbers of the complete trials. */
  readonly complete: ReadonlySet<number>;
}

/** Decides after each report whether a trial should stop early. */
export interface Pruner {
  readonly name: string;
  /** True when the trial, at the step and value in `q`, should stop now. */
  shouldPrune(q: PruneQuery): boolean;
}

/** Options of the median pruner (Optuna's MedianPruner). */
export interface MedianPrunerArgs {
  /** Complete trials needed before anything is pruned. */
  startupTrials?: number;
  /** Steps of every trial that are never pruned. */
  warmupSteps?: number;
}

/**
 * Median stopping rule (Optuna's MedianPruner): stop a trial whose best loss so far is worse
 * than the median of the complete trials' losses at the same step.
 */
export function medianPruner(args: MedianPrunerArgs = {}): Pruner {
  checkKeys('medianPruner', args, ['startupTrials', 'warmupSteps']);
  const startup = integerAtLeast('medianPruner', 'startupTrials', args.startupTrials ?? 5, 0);
  const warmup = integerAtLeast('medianPruner', 'warmupSteps', args.warmupSteps ?? 0, 0);
  return {
    name: 'median',
    shouldPrune(q) {
      if (q.complete.size < startup || q.step < warmup) return false;
      const atStep: number[] = [];
      for (const n of q.complete) {
        const v = q.others.get(n)?.get(q.step);
        if (v !== undefined && Number.isFinite(v)) atStep.push(v);
      }
      if (atStep.length === 0) return false;
      atStep.sort((a, b) => a - b);
      const mid = atStep.length >> 1;
      const median = atStep.length % 2 ? atStep[mid]! : 0.5 * (atStep[mid - 1]! + atStep[mid]!);
      let best = Infinity;
      for (const v of q.own.values()) if (v < best) best = v;
      return !(best <= median);
    },
  };
}

/** Options of the successive-halving pruner (asynchronous successive halving). */
export interface SuccessiveHalvingArgs {
  /** Step of the first rung. */
  minResource?: number;
  /** Rung k is at minResource·factor^k steps; the best 1/factor of a rung goes on. */
  reductionFactor?: number;
}

/**
 * Asynchronous successive halving (ASHA, Optuna's SuccessiveHalvingPruner): at each rung a
 * trial continues only if its loss is among the best 1/factor of all losses reported at that rung
 * so far (the best one when fewer than `factor` have reached it).
 */
export function successiveHalvingPruner(args: SuccessiveHalvingArgs = {}): Pruner {
  checkKeys('successiveHalvingPruner', args, ['minResource', 'reductionFactor']);
  const min = integerAtLeast('successiveHalvingPruner', 'minResource', args.minResource ?? 1, 1);
  const factor = integerAtLeast('successiveHalvingPruner', 'reductionFactor', args.reductionFactor ?? 3, 2);
  return {
    name: 'halving',
    shouldPrune(q) {
      const rungIndex = Math.log(q.step / min) / Math.log(factor);
      if (q.step < min || Math.abs(rungIndex - Math.round(rungIndex)) > 1e-9) return false;
      const mine = q.own.get(q.step);
      if (mine === undefined || !Number.isFinite(mine)) return true;
      const competing = [mine];
      for (const reports of q.others.values()) {
        const v = reports.get(q.step);
        if (v !== undefined) competing.push(Number.isFinite(v) ? v : Infinity);
      }
      competing.sort((a, b) => a - b);
      const keep = Math.max(1, Math.floor(competing.length / factor));
      return mine > competing[keep - 1]!;
    },
  };
}

/** The pruners by name: none, median, successive halving. */
export type PrunerName = 'none' | 'median' | 'halving';
/** Every pruner name, as the CLI's --pruner accepts them. */
export const prunerNames: readonly PrunerName[] = ['none', 'median', 'halving'];

/** A pruner by name (the CLI's --pruner). */
export function prunerByName(name: string): Pruner | undefined {
  if (name === 'none') return undefined;
  if (name === 'median') return medianPruner();
  if (name === 'halving') return successiveHalvingPruner();
  throw new InputError(`unknown pruner "${name}"; known pruners: ${prunerNames.join(', ')}`);
}
