import type { EarlyStopping, SetMetrics, VerdictArgs } from '../src/index.js';

/**
 * What the closing verdict is told about a finished run, the same for `train` and `train --stream`:
 * whether the weights are an earlier epoch's (stopped early, or the best epoch put back), whether
 * the model is no better than the baseline, and whether it fits the rows the verdict watches
 * perfectly (accuracy 1, R² ≥ 0.9999: no advice to grow the network then).
 */
export function verdictFacts(early: Pick<EarlyStopping, 'bestEpoch' | 'stoppedEpoch'> | undefined, epochsDone: number, watched: Pick<SetMetrics, 'accuracy' | 'r2'> | undefined, atBaseline: boolean): VerdictArgs {
  return {
    restoredBest: early !== undefined && early.bestEpoch >= 0 && (early.stoppedEpoch >= 0 || early.bestEpoch < epochsDone - 1),
    atBaseline,
    perfectFit: watched !== undefined && (watched.accuracy === 1 || (watched.r2 !== undefined && watched.r2 >= 0.9999)),
  };
}
