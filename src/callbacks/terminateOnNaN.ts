import { checkKeys } from '../core/validate.js';
import type { Sequential } from '../model/sequential.js';
import type { Callback, DivergenceEvent } from '../model/callback.js';

/**
 * Ends training cleanly at the first non-finite loss, gradient or weight, instead of the
 * DivergenceError fit throws without it. The weights stay at the last finite state (fit restores
 * them before this callback hears of it); `event.message` names the epoch, batch, layer and
 * parameter, and is also in `history.warnings`. Keras' TerminateOnNaN, checked before the
 * update rather than after it.
 */
export class TerminateOnNaN implements Callback {
  /** What stopped training, when something did. */
  event: DivergenceEvent | undefined;
  private model: Sequential | undefined;

  private readonly verbose: 0 | 1;

  /** `verbose: 1` also prints the message. */
  constructor(args: { verbose?: 0 | 1 } = {}) {
    checkKeys('terminateOnNaN', args, ['verbose']);
    this.verbose = args.verbose === 1 ? 1 : 0;
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.event = undefined;
  }

  onDivergence(event: DivergenceEvent): void {
    this.event = event;
    if (this.model) this.model.stopTraining = true;
    if (this.verbose) console.log(event.message);
  }
}
