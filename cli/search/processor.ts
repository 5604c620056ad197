// The sandboxed processor of `backprop worker`: BullMQ runs this file in a child process, so a
// CPU-bound trial never blocks the worker's lock renewal (an inline one would be declared stalled).
import { hostname } from 'node:os';
import { runTrainingJob, type TrialJob } from './trial.js';
import type { QueueResult } from './queue.js';

export default async function processTrial(job: { data: TrialJob }): Promise<QueueResult> {
  const worker = `${hostname()}:${process.pid}`;
  try {
    // Pruning needs a round trip per epoch to the coordinator; trials on the queue run to the end.
    const outcome = await runTrainingJob({ ...job.data, prune: false });
    return { ok: true, outcome, worker };
  } catch (e) {
    // A trial that fails (diverges, bad option) is a result, not a crash: BullMQ must not retry it.
    return { ok: false, error: e instanceof Error ? e.message : String(e), worker };
  }
}
