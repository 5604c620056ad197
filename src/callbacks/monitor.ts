import { InputError } from '../core/errors.js';
import { nearestName } from '../core/names.js';
import { describe } from '../core/validate.js';
import type { TrainParams } from '../model/callback.js';

/** Whether a smaller ('min') or larger ('max') monitored value is better; 'auto' guesses from the name. */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Names that are better when larger (Keras' 'auto' rule, extended to our metrics). */
const LARGER_IS_BETTER = /acc|precision|recall|f1|r2|auc/i;

/** 'auto' → 'max' for accuracy-like names (`val_accuracy`, `f1Macro`, `r2`), 'min' otherwise. */
export function resolveMode(where: string, monitor: string, mode: unknown): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new InputError(`${where}: mode must be 'auto', 'min' or 'max', got ${describe(mode)}`);
  return LARGER_IS_BETTER.test(monitor.replace(/^val_/, '')) ? 'max' : 'min';
}

export function monitorName(where: string, monitor: unknown, fallback: string): string {
  const m = monitor ?? fallback;
  if (typeof m !== 'string' || m === '') throw new InputError(`${where}: monitor must be a log name such as 'val_loss', got ${describe(m)}`);
  return m;
}

/**
 * Throws a clear error when `monitor` is not among the names this fit logs, suggesting the
 * nearest one and saying when a val_ name needs validation data.
 */
export function checkMonitor(where: string, monitor: string, params: TrainParams): void {
  if (params.metrics.includes(monitor)) return;
  const guess = nearestName(monitor, params.metrics);
  const needsValidation = monitor.startsWith('val_') && !params.validation ? ' (val_ names need validationSplit or validationData in fit)' : '';
  throw new InputError(
    `${where}: monitor "${monitor}" is not logged by this fit${needsValidation}` +
      `${guess ? `; did you mean "${guess}"?` : ''} Logged: ${params.metrics.join(', ')}`,
  );
}

/** Is `current` better than `reference` by more than `minDelta` (≥ 0) in the given direction? */
export function improves(mode: 'min' | 'max', current: number, reference: number, minDelta: number): boolean {
  return mode === 'min' ? current < reference - minDelta : current > reference + minDelta;
}
