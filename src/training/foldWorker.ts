import type * as WorkerThreads from 'node:worker_threads';
import { errorToData } from '../core/errors.js';
import { nodeModule } from '../core/nodeBuiltins.js';
import { tableFromClone, type Table } from '../data/table.js';
import { setDefaultThreads } from '../kernels/wasm/backend.js';
import { scoreHoldout } from './score.js';
import type { FoldWorkerData, FromFoldWorker, ToFoldWorker } from './foldPool.js';

/*
 * A worker of crossValidate's jobs (foldPool.ts): keeps the table it was given (its matrices
 * rebuilt from the structured clone; by message when it was started ahead, before the table was
 * read), says it is ready, and trains folds as they come.
 */

const wt = nodeModule<typeof WorkerThreads>('node:worker_threads')!;
const port = wt.parentPort!;
const given = wt.workerData as FoldWorkerData;
let table: Table | undefined;
const keep = (t: Table, threads: number): void => {
  table = tableFromClone(t);
  setDefaultThreads(threads);
  port.postMessage({ type: 'ready' } satisfies FromFoldWorker);
};

port.on('message', (m: ToFoldWorker) => {
  if (m.type === 'table') return keep(m.table, m.threads);
  scoreHoldout(m.spec, table!, m.holdout, m.seed, m.f + 1, {}).then(
    (scores) => port.postMessage({ type: 'done', scores } satisfies FromFoldWorker),
    (e: unknown) => port.postMessage({ type: 'error', f: m.f, error: errorToData(e) } satisfies FromFoldWorker),
  );
});
// Ready now, or (started ahead) once the table comes.
if (given.table !== undefined) keep(given.table, given.threads ?? 1);
