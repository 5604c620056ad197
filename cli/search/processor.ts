// The sandboxed processor of `backprop worker`: BullMQ runs this file in a child process, so a
// CPU-bound trial never blocks the worker's lock renewal (an inline one would be declared stalled).
// A job is untrusted (anyone who can write to Redis can add one): only inline data is accepted,
// and a failure goes back as codes and fields (remote.ts), never as a message quoting cells.
import { hostname } from 'node:os';
import { runTrainingJob } from './trial.js';
import { acceptRemoteJob, remoteError } from './remote.js';
import type { QueueResult } from './queue.js';

export default async function processTrial(job: { data: unknown }): Promise<QueueResult> {
  const worker = `${hostname()}:${process.pid}`;
  try {
    const accepted = acceptRemoteJob(job.data);
    // Pruning needs a round trip per epoch to the coordinator; trials on the queue run to the end.
    const outcome = await runTrainingJob({ ...accepted, prune: false });
    return { ok: true, outcome, worker };
  } catch (e) {
    // A trial that fails (diverges, bad option) is a result, not a crash: BullMQ must not retry it.
    return { ok: false, error: remoteError(e), worker };
  }
}
