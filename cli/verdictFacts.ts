import type { EarlyStopping, SetMetrics, VerdictArgs } from '../src/index.js';

/**
 * What the closing verdict is told about a finished run, the same for `train` and `train --stream`:
 * whether the weights are an earlier epoch's (stopped early, or the best epoch put back), whether
 * the model is no better than the baseline, and whether it fits the rows the verdict watches
 * perfectly (accuracy 1, R² ≥ 0.9999: no advice to grow the network then), and with validation
 * rows the training rows' score beside theirs (`training`: a clear gap is variance, not capacity).
 */
export function verdictFacts(early: Pick<EarlyStopping, 'bestEpoch' | 'stoppedEpoch'> | undefined, epochsDone: number, watched: Pick<SetMetrics, 'accuracy' | 'r2'> | undefined, atBaseline: boolean, training?: Pick<SetMetrics, 'accuracy' | 'r2'>): VerdictArgs {
  // With validation rows watched, the training rows' score beside theirs (variance or capacity).
  const scores = training === undefined || watched === undefined ? undefined
    : training.accuracy !== undefined && watched.accuracy !== undefined ? { metric: 'accuracy' as const, training: training.accuracy, validation: watched.accuracy }
      : training.r2 !== undefined && watched.r2 !== undefined ? { metric: 'R²' as const, training: training.r2, validation: watched.r2 } : undefined;
  return {
    restoredBest: early !== undefined && early.bestEpoch >= 0 && (early.stoppedEpoch >= 0 || early.bestEpoch < epochsDone - 1),
    atBaseline,
    perfectFit: watched !== undefined && (watched.accuracy === 1 || (watched.r2 !== undefined && watched.r2 >= 0.9999)),
    ...(scores !== undefined ? { scores } : {}),
  };
}
