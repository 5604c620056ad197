import { formatScore } from '../core/format.js';
import { fallingWindow, stillFalling } from '../model/history.js';

/**
 * The closing verdict of a training run, read from its validation curve (the training curve when
 * there is no validation data): overfitting since the epoch of the lowest validation loss,
 * still improving, or flat; each with what to try. Keras and scikit-learn only say "maximum
 * epochs reached", which points a user who is overfitting to more epochs.
 */
export type VerdictKind = 'overfitting' | 'improving' | 'flat';

/** The closing verdict of a training run, read from its validation curve: what happened and what to try. */
export interface Verdict {
  readonly kind: VerdictKind;
  /** 1-based epoch of the lowest monitored loss. */
  readonly bestEpoch: number;
  /** The monitored series: 'val_loss', or 'loss' without validation data. */
  readonly monitor: 'val_loss' | 'loss';
  /** One or two sentences for the user. */
  readonly message: string;
}

/** What trainingVerdict reads: the history of a fit and how it was run. */
export interface VerdictArgs {
  /** The weights of the best epoch were restored (early stopping). */
  restoredBest?: boolean;
  /** Relative rise above the best that counts as overfitting; default 0.02. */
  tolerance?: number;
  /** The model scores no better than the trivial baseline: a flat curve is not a capacity question, so no advice to grow the network. */
  atBaseline?: boolean;
  /** The model fits the monitored rows perfectly (accuracy 1, R² ≈ 1): a larger network cannot do better on them, so none is advised. */
  perfectFit?: boolean;
  /**
   * The final score on the training rows and on the validation rows, when there are both: a
   * flat validation curve with the training rows fit clearly better (accuracy 0.05 or R² 0.1
   * higher) is variance, not a lack of capacity, so the advice is data or regularisation.
   */
  scores?: { readonly metric: 'accuracy' | 'R²'; readonly training: number; readonly validation: number };
}

/** The score gap between the training and validation rows past which a flat curve is variance. */
const VARIANCE_GAP = { accuracy: 0.05, 'R²': 0.1 } as const;

/** Reads the curve of `history` (Keras' History.history layout, one value per epoch). */
export function trainingVerdict(history: { readonly history: Readonly<Record<string, readonly number[]>> }, args: VerdictArgs = {}): Verdict | undefined {
  const hasVal = (history.history.val_loss?.length ?? 0) > 0;
  const monitor = hasVal ? 'val_loss' : 'loss';
  const v = (history.history[monitor] ?? []).filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return undefined;
  const tol = args.tolerance ?? 0.02;
  let b = 0;
  for (let i = 1; i < n; i++) if (v[i]! < v[b]!) b = i;
  const best = v[b]!;
  const last = v[n - 1]!;
  const window = fallingWindow(n);
  const name = hasVal ? 'validation loss' : 'training loss';
  if (hasVal && n - 1 - b >= 2 && last > best + tol * Math.abs(best) + 1e-12) {
    const kept = args.restoredBest ? ` The weights of epoch ${b + 1} were kept.` : ' Try --early-stopping (keeps the best epoch),';
    const advice = args.restoredBest ? ' To do better: --dropout 0.2, fewer or smaller --layers, or more data.' : ' --dropout 0.2, fewer or smaller --layers, or more data.';
    return { kind: 'overfitting', bestEpoch: b + 1, monitor, message: `Overfitting since epoch ${b + 1}: the validation loss was lowest there (${formatScore(best)}) and rose to ${formatScore(last)} by epoch ${n}.${kept}${advice}` };
  }
  const falling = stillFalling(v);
  if (falling !== undefined) {
    return { kind: 'improving', bestEpoch: b + 1, monitor, message: `Still improving: the ${name} fell from ${formatScore(falling.from)} to ${formatScore(falling.to)} over the last ${falling.over} epochs; more --epochs may help.` };
  }
  const sc = hasVal ? args.scores : undefined;
  const variance = sc !== undefined && sc.training - sc.validation >= VARIANCE_GAP[sc.metric];
  const after = args.atBaseline ? ' at the baseline\'s level (see above)'
    : args.perfectFit ? `, fitting the ${name.replace(' loss', ' rows')} perfectly (a larger network cannot do better on them)`
      : variance ? `; the training rows are fit better than the validation rows (${sc.metric} ${formatScore(sc.training)} against ${formatScore(sc.validation)}), so a larger network would not help: more data, --dropout 0.2 or fewer or smaller --layers may`
        : '. A larger network or another learning rate may do better';
  return { kind: 'flat', bestEpoch: b + 1, monitor, message: `Flat: the ${name} changed little over the last ${Math.min(window, n)} epochs (best ${formatScore(best)} at epoch ${b + 1}); training has converged${after}.${hasVal ? '' : ' (No validation data: overfitting cannot be seen.)'}` };
}
