import { countOf } from '../../src/core/format.js';
import type { JobPlacement } from '../../src/index.js';

/**
 * One line on where the tasks ran, e.g. "Jobs    4 folds: 2 on this thread, 2 on 1 worker
 * thread", so a run whose workers never joined (it was shorter than their start-up) says so.
 */
export function placementLine(p: JobPlacement, noun: 'trial' | 'fold'): string {
  const total = p.here + p.workers.reduce((a, b) => a + b, 0);
  const onWorkers = p.workers.length === 0 ? '' : `, ${p.workers.length === 1 ? p.workers[0] : p.workers.join('+')} on ${countOf(p.workers.length, 'worker thread')}`;
  const loading = p.loading === 0 ? '' : `; ${countOf(p.loading, 'worker thread')} still loading when they were done (a run this short gains nothing from more jobs)`;
  return `Jobs    ${countOf(total, noun)}: ${p.here} on this thread${onWorkers}${loading}`;
}
