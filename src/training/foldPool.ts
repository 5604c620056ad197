import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import { BackpropError, UnsupportedError } from '../core/errors.js';
import { nodeModule } from '../core/nodeBuiltins.js';
import type { Table } from '../data/table.js';
import type { FoldScores, Holdout } from './score.js';
import type { TrainingSpec } from './spec.js';

/*
 * crossValidate's jobs: worker threads (Node) that each receive the table once, then train the
 * folds handed to them, the next fold going to whichever worker is free first. A worker's models
 * use the cores its job leaves (setDefaultThreads), one when the jobs fill them.
 */

/** To a fold worker: the table (first), then folds; from it: scores or an error. */
export type ToFoldWorker = { type: 'table'; table: Table; threads: number } | { type: 'fold'; f: number; spec: TrainingSpec; holdout: Holdout; seed: number };
export type FromFoldWorker = { type: 'ready' } | { type: 'done'; scores: FoldScores } | { type: 'error'; f: number; message: string };

export async function foldsOnThreads(spec: TrainingSpec, table: Table, folds: readonly Holdout[], seed: number, jobs: number, onFold?: (s: FoldScores) => void): Promise<FoldScores[]> {
  const wt = nodeModule<typeof WorkerThreads>('node:worker_threads');
  if (wt === undefined) throw new UnsupportedError('crossValidate: jobs > 1 needs Node.js worker threads (>= 20.16); use jobs: 1');
  const os = nodeModule<typeof Os>('node:os');
  const cores = Math.max(1, os?.availableParallelism?.() ?? 1);
  const threads = Math.max(1, Math.floor(cores / jobs));
  const here = import.meta.url;
  const entry = new URL(here.endsWith('.ts') ? './foldWorker.ts' : './foldWorker.js', here);
  // From TypeScript sources the worker needs a loader: BACKPROP_THREAD_PRELOAD (as for the kernel threads).
  const preload = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.BACKPROP_THREAD_PRELOAD;
  const workers = Array.from({ length: jobs }, () => (preload
    ? new wt.Worker(`import(${JSON.stringify(preload)}).then(() => import(${JSON.stringify(entry.href)}));`, { eval: true })
    : new wt.Worker(entry)));
  const out: FoldScores[] = [];
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const give = (w: WorkerThreads.Worker): void => {
        if (next >= folds.length) {
          if (running === 0) resolve();
          return;
        }
        const f = next++;
        running++;
        w.postMessage({ type: 'fold', f, spec, holdout: folds[f]!, seed } satisfies ToFoldWorker);
      };
      workers.forEach((w, i) => {
        w.on('message', (m: FromFoldWorker) => {
          if (m.type === 'error') return reject(new BackpropError(`crossValidate: fold ${m.f + 1} failed on worker ${i + 1}: ${m.message}`));
          if (m.type === 'done') {
            running--;
            out.push(m.scores);
            onFold?.(m.scores);
          }
          give(w);
        });
        w.on('error', (e) => reject(new BackpropError(`crossValidate: worker ${i + 1} failed: ${e.message}`)));
        w.on('exit', (code) => { if (next < folds.length || running > 0) reject(new BackpropError(`crossValidate: worker ${i + 1} exited (code ${code}) before its folds were done`)); });
        w.postMessage({ type: 'table', table, threads } satisfies ToFoldWorker);
      });
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
