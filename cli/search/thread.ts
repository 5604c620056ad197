// A worker thread of `backprop search --jobs N`: keeps the search's parsed table, says it is
// ready, then runs one trial at a time on the kernel threads its job leaves (one when the jobs
// fill the cores), asking the main thread (which holds the pruner) after each epoch whether to go on.
import { parentPort, workerData } from 'node:worker_threads';
import { setDefaultThreads, tableFromClone } from '../../src/index.js';
import { keepTable, runTrainingJob, type TrialJob } from './trial.js';
import type { FromThread, ThreadData, ToThread } from './pool.js';

const port = parentPort!;
const given = workerData as ThreadData;
setDefaultThreads(given.threads);
if (given.table !== undefined) keepTable(given.table.key, tableFromClone(given.table.table));
const waiting = new Map<number, (stop: boolean) => void>();

function send(m: FromThread): void {
  port.postMessage(m);
}

port.on('message', (m: ToThread) => {
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
send({ type: 'ready' });
