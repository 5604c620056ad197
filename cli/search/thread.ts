// A worker thread of `backprop search --jobs N`: runs one trial at a time, on the kernel threads its job leaves (one when the jobs fill the cores), and
// asks the main thread (which holds the pruner) after each epoch whether to go on.
import { parentPort, workerData } from 'node:worker_threads';
import { setDefaultThreads, tableFromClone } from '../../src/index.js';
import { keepTable, runTrainingJob, type TrialJob } from './trial.js';
import type { FromThread, ToThread } from './pool.js';

const port = parentPort!;
setDefaultThreads((workerData as { threads?: number } | undefined)?.threads ?? 1);
const waiting = new Map<number, (stop: boolean) => void>();

function send(m: FromThread): void {
  port.postMessage(m);
}

port.on('message', (m: ToThread) => {
  if (m.type === 'table') {
    keepTable(m.key, tableFromClone(m.table));
    return;
  }
  if (m.type === 'prune') {
    waiting.get(m.id)?.(m.stop);
    waiting.delete(m.id);
    return;
  }
  const report = (step: number, value: number): Promise<boolean> =>
    new Promise((resolve) => {
      waiting.set(m.id, resolve);
      send({ type: 'report', id: m.id, step, value });
    });
  runTrainingJob(m.job as TrialJob, report).then(
    (outcome) => send({ type: 'done', id: m.id, outcome }),
    (e: unknown) => send({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) }),
  );
});
