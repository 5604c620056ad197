// The sandboxed processor of `backprop worker`: BullMQ runs this file in a child process, so a
// CPU-bound trial never blocks the worker's lock renewal (an inline one would be declared stalled).
// A job is untrusted (anyone who can write to Redis can add one): only inline data is accepted,
// and a failure goes back as codes and fields (remote.ts), never as a message quoting cells.
// With pruning, each epoch's value goes to the coordinator as job progress and the trial waits
// for the answer on a Redis list (queue.ts answerKey).
import { hostname } from 'node:os';
import type { SandboxedJob } from 'bullmq';
import { runTrainingJob } from './trial.js';
import { acceptRemoteJob, remoteError } from './remote.js';
import { answerKey, WORKER_URL_ENV, type EpochProgress, type QueueResult } from './queue.js';

/** How long a trial waits for the coordinator's answer to a report before going on unpruned (a coordinator restarting). */
const ANSWER_WAIT_SECONDS = 60;

let answers: import('ioredis').Redis | undefined;

async function answerClient(): Promise<import('ioredis').Redis> {
  if (answers === undefined) {
    const { Redis } = await import('ioredis');
    answers = new Redis(process.env[WORKER_URL_ENV] ?? '', { maxRetriesPerRequest: null });
    answers.on('error', () => {});
  }
  return answers;
}

export default async function processTrial(job: SandboxedJob): Promise<QueueResult> {
  const worker = `${hostname()}:${process.pid}`;
  let prunedAt: number | undefined;
  const report = async (step: number, value: number): Promise<boolean> => {
    const attempt = job.attemptsMade;
    await job.updateProgress({ step, value: Number.isFinite(value) ? value : null, attempt } as unknown as EpochProgress as unknown as object);
    const client = await answerClient();
    for (;;) {
      const got = await client.blpop(answerKey(String(job.id), attempt), ANSWER_WAIT_SECONDS);
      if (got === null) return false;
      const answer = JSON.parse(got[1]) as { step: number; stop: boolean };
      if (answer.step !== step) continue; // an answer to an earlier report, late
      if (answer.stop === true) prunedAt = step;
      return answer.stop === true;
    }
  };
  try {
    const accepted = acceptRemoteJob(job.data);
    const outcome = await runTrainingJob(accepted, report);
    return { ok: true, outcome, worker, ...(prunedAt !== undefined ? { prunedAt } : {}) };
  } catch (e) {
    // A trial that fails (diverges, bad option) is a result, not a crash: BullMQ must not retry it.
    return { ok: false, error: remoteError(e), worker };
  }
}
