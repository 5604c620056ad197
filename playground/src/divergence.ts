/** What the page says when training diverges (pure, so the tests can check it). */

/** The short reason shown on the page, from the library's DivergenceError message. */
export function divergenceReason(message: string): string {
  const loss = /loss is (NaN|-?Infinity)/.exec(message);
  if (loss) return `loss is ${loss[1]}`;
  const finite = /gradient of (\S+) is not finite while the loss is (\S+?);/.exec(message);
  if (finite) return `gradient of ${finite[1]} is not finite; loss ${Number(finite[2]).toPrecision(3)}`;
  return 'loss is not finite';
}
