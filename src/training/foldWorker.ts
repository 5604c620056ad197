import type * as WorkerThreads from 'node:worker_threads';
import { nodeModule } from '../core/nodeBuiltins.js';
import { tableFromClone, type Table } from '../data/table.js';
import { setDefaultThreads } from '../kernels/wasm/backend.js';
import { scoreHoldout } from './score.js';
import type { FromFoldWorker, ToFoldWorker } from './foldPool.js';

/*
 * A worker of crossValidate's jobs (foldPool.ts): keeps the table it was sent (its matrices
 * rebuilt from the structured clone) and trains folds as they come.
 */

const port = nodeModule<typeof WorkerThreads>('node:worker_threads')!.parentPort!;
let table: Table | undefined;

port.on('message', (m: ToFoldWorker) => {
  if (m.type === 'table') {
    table = tableFromClone(m.table);
    setDefaultThreads(m.threads);
    port.postMessage({ type: 'ready' } satisfies FromFoldWorker);
    return;
  }
  scoreHoldout(m.spec, table!, m.holdout, m.seed, m.f + 1, {}).then(
    (scores) => port.postMessage({ type: 'done', scores } satisfies FromFoldWorker),
    (e: unknown) => port.postMessage({ type: 'error', f: m.f, message: e instanceof Error ? e.message : String(e) } satisfies FromFoldWorker),
  );
});
