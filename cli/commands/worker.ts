/**
 * `backprop worker --queue redis://host:port`: runs search trials from the queue on this machine,
 * each in a sandboxed child process, printing each trial it starts and how it ended, until
 * SIGINT or SIGTERM (which finish the running trials first, then exit 0).
 */
import { countOf } from '../../src/core/format.js';
import { EXIT_INTERRUPTED, EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { showAddress, startWorker } from '../search/queue.js';

export interface WorkerRun {
  readonly queue: string;
  readonly concurrency: number;
  readonly lockSeconds: number;
}

export async function workerCommand(run: WorkerRun, io: Io): Promise<number> {
  const stamp = (): string => new Date().toISOString().slice(11, 19);
  const worker = await startWorker(run.queue, { concurrency: run.concurrency, lockSeconds: run.lockSeconds, onEvent: (text) => io.stdout.write(`${stamp()} ${text}\n`) });
  io.stdout.write(`${stamp()} worker ready on ${showAddress(run.queue)} (${countOf(run.concurrency, 'trial')} at a time, pid ${process.pid})\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      // A second signal (or a Redis that went away and makes closing hang) ends the process at once;
      // the trials it ran go back to the queue when their locks expire.
      if (stopping) process.exit(EXIT_INTERRUPTED);
      stopping = true;
      io.stdout.write(`${stamp()} stopping after the running trials (signal again to quit now)\n`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await worker.close();
  io.stdout.write(`${stamp()} stopped\n`);
  return EXIT_OK;
}
