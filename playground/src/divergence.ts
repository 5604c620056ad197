import type { DivergenceData } from '../../src/index.js';

/** What the page says when training diverges (pure, so the tests can check it). */

/** The short reason shown on the page, from the DivergenceError's event (its data, not its text). */
export function divergenceReason(event: DivergenceData | undefined): string {
  if (event === undefined) return 'loss is not finite';
  switch (event.kind) {
    case 'loss':
      return `loss is ${event.loss}`;
    case 'gradient':
      return `gradient of ${event.param ?? 'a tensor'} is not finite; loss ${event.loss.toPrecision(3)}`;
    case 'weight':
      return `the update made ${event.param ?? 'a tensor'} non-finite`;
    case 'optimizer state':
      return `the optimiser state of ${event.param ?? 'a tensor'} overflowed`;
    case 'exploding':
      return `loss ${event.loss.toPrecision(3)} is exploding`;
  }
}
