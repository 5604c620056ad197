import type { FloatArray, Matrix } from '../core/matrix.js';
import type { Param } from '../layers/param.js';
import type { DivergenceEvent } from './callback.js';
import type { Backprop } from './step.js';

/**
 * Keeps a copy of every parameter (trainable and not: batch norm's moving statistics change in
 * the forward pass) taken before each step, so a step that produces a non-finite loss, gradient
 * or weight can be undone and the model left at its last finite state (RELIABILITY T1, T2).
 * Buffers are allocated once; `save` is a plain copy per tensor.
 */
export class WeightGuard {
  private readonly copies: FloatArray[];
  constructor(private readonly params: readonly Param[]) {
    this.copies = params.map((p) => p.value.slice());
  }

  /** Copies every parameter aside (bound: the step defers it to its first cut call). */
  readonly save = (): void => {
    for (let i = 0; i < this.params.length; i++) this.copies[i]!.set(this.params[i]!.value);
  };

  restore(): void {
    for (let i = 0; i < this.params.length; i++) this.params[i]!.value.set(this.copies[i]!);
  }

  /** The first parameter holding NaN or ±Infinity, if any. */
  firstNonFinite(): Param | undefined {
    for (const p of this.params) if (!p.kernels.allFinite(p.value, p.size)) return p;
    return undefined;
  }
}

/** The layer that owns a parameter named `layer/what`. */
function layerOf(p: Param): string {
  const slash = p.name.lastIndexOf('/');
  return slash < 0 ? p.name : p.name.slice(0, slash);
}

function largestMagnitude(p: Param): number {
  let m = 0;
  for (let i = 0; i < p.size; i++) m = Math.max(m, Math.abs(p.value[i]!));
  return m;
}

/** What went wrong in a step; the step returns this instead of its loss. */
export interface Failure {
  readonly kind: 'loss' | 'gradient' | 'weight' | 'optimizer state';
  /** The batch loss (with the penalty); non-finite for kind 'loss'. */
  readonly loss: number;
  readonly param?: Param;
  /** For kind 'optimizer state': the slot that overflowed ('v', 'accumulator', ...). */
  readonly slot?: string;
}

/**
 * Describes a failed step after the weights were restored: where the non-finite values first
 * appear (forward order for the loss; backward order for gradients, as backprop computes them).
 * `at` is absent for trainOnBatch.
 */
export function describeDivergence(engine: Backprop, x: Matrix, failure: Failure, learningRate: number, at?: { epoch: number; batch: number }): DivergenceEvent {
  const prefix = at ? `epoch ${at.epoch + 1}, batch ${at.batch + 1}` : 'trainOnBatch';
  const tail = `Training stopped; the weights are those of the last finite step. Lower the learning rate (now ${learningRate}) or clip the gradients (clipNorm).`;
  let layer: string | undefined;
  let param: string | undefined;
  let what: string;
  if (failure.kind === 'loss') {
    const l = engine.firstNonFiniteLayer(x);
    layer = l?.name;
    // The layer's largest weight tells how far the run had already blown up.
    const candidates = l ? l.weights().filter((p) => p.trainable) : [];
    const worst = candidates.sort((a, b) => largestMagnitude(b) - largestMagnitude(a))[0];
    param = worst?.name;
    what = `loss is ${failure.loss}` + (l
      ? `; non-finite values first appear in the output of layer ${l.name}` + (worst ? ` (largest |weight| in ${worst.name}: ${largestMagnitude(worst).toPrecision(3)})` : '')
      : ' with finite layer outputs; check the targets');
  } else {
    const p = failure.param!;
    param = p.name;
    layer = layerOf(p);
    what = failure.kind === 'gradient'
      ? `the gradient of ${p.name} (layer ${layer}) is not finite while the loss is ${failure.loss}; the update was not applied`
      : failure.kind === 'optimizer state'
        ? `the optimiser state ${failure.slot} of ${p.name} (layer ${layer}) overflowed to a non-finite value (gradients too large for the dtype; scale the inputs); the weights were restored`
        : `the update made ${p.name} (layer ${layer}) non-finite; it was undone`;
  }
  return { epoch: at?.epoch ?? 0, batch: at?.batch ?? 0, loss: failure.loss, kind: failure.kind, layer, param, message: `${prefix}: ${what}. ${tail}` };
}

/**
 * How many times the first batch's loss an epoch's loss (training or validation) may reach
 * before the run counts as diverging: four orders of magnitude, far past any noise of a run that
 * converges, far below the 1e10–1e18 an adaptive optimiser reaches at a runaway learning rate.
 */
export const EXPLODING_LOSS_FACTOR = 1e4;

/**
 * The divergence of a finite but exploding loss (RELIABILITY R6), or undefined: the epoch's
 * `loss` or `val_loss` above EXPLODING_LOSS_FACTOR × `reference`, the run's first batch loss;
 * `batch` is the first of the epoch whose loss passed that limit (for val_loss, the epoch's last).
 */
export function explodingLoss(logs: Readonly<Record<string, number | undefined>>, reference: number, epoch: number, learningRate: number, batch = 0): DivergenceEvent | undefined {
  if (!(reference > 0)) return undefined;
  const limit = EXPLODING_LOSS_FACTOR * reference;
  const key = logs.loss! > limit ? 'loss' : logs.val_loss !== undefined && logs.val_loss > limit ? 'val_loss' : undefined;
  if (key === undefined) return undefined;
  const value = logs[key]!;
  const message =
    `epoch ${epoch + 1}, batch ${batch + 1}: ${key} ${value.toPrecision(3)} is ${(value / reference).toPrecision(2)}× the first batch's loss ${reference.toPrecision(3)}; ` +
    `training is diverging. Lower the learning rate (now ${learningRate}) or clip the gradients (clipNorm).`;
  return { epoch, batch, loss: value, kind: 'exploding', layer: undefined, param: undefined, message };
}

/** The first trainable parameter with a non-finite gradient, in backward order (last layer first). */
export function firstNonFiniteGradient(params: readonly Param[]): Param | undefined {
  for (let i = params.length - 1; i >= 0; i--) {
    const p = params[i]!;
    if (p.trainable && !p.kernels.allFinite(p.grad, p.size)) return p;
  }
  return undefined;
}
