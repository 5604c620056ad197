import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import { BackpropError, UnsupportedError, errorFromData, errorToData, type ErrorData } from '../core/errors.js';
import { nodeModule } from '../core/nodeBuiltins.js';
import type { Table } from '../data/table.js';
import { startWorker, workerEntry } from '../kernels/pool/workerStart.js';
import { JobQueue, type JobPlacement, type JobRunner } from './jobQueue.js';
import { scoreHoldout, type FoldScores, type Holdout } from './score.js';
import type { TrainingSpec } from './spec.js';

/*
 * crossValidate's jobs: this thread and jobs − 1 worker threads. This thread starts on the first
 * fold at once; each worker gets the table once (workerData) and joins when it has loaded, the
 * next fold going to whichever job is free first (JobQueue), so a cross-validation shorter than a
 * worker's start-up runs as with one job. Every job's models use the cores the jobs leave (one
 * kernel thread each when the jobs fill them).
 */

/** Given to a fold worker as workerData: the table and its models' kernel threads, or neither (started ahead: they come by message). */
export interface FoldWorkerData {
  readonly table?: Table;
  readonly threads?: number;
}
/** To a fold worker: the table (when started ahead), then folds to train; from it: ready (loaded, table kept), then scores or an error. */
export type ToFoldWorker = { type: 'table'; table: Table; threads: number } | { type: 'fold'; f: number; spec: TrainingSpec; holdout: Holdout; seed: number };
export type FromFoldWorker = { type: 'ready' } | { type: 'done'; scores: FoldScores } | { type: 'error'; f: number; error: ErrorData };


/** How foldsOnThreads runs: `jobs` at once, `here` false for worker threads only (tests of the workers' path). */
export interface FoldJobs {
  readonly jobs: number;
  readonly here?: boolean;
  readonly onFold?: (s: FoldScores) => void;
  readonly onPlacement?: (p: JobPlacement) => void;
  /** Told when a worker thread fails before it joined (its folds then run on the other jobs). */
  readonly onWarning?: (message: string) => void;
}

function newFoldWorker(wt: typeof WorkerThreads, workerData: FoldWorkerData): WorkerThreads.Worker {
  return startWorker(wt, workerEntry(import.meta.url, 'foldWorker'), { workerData });
}

/** Fold workers started ahead (prepareCrossValidationJobs), waiting for their table; what went wrong with one before it was used. */
const ahead: { worker: WorkerThreads.Worker; error?: string }[] = [];

/**
 * Starts the worker threads of a coming `crossValidate(..., { jobs })` now, so that they load
 * while the caller reads its data (the CLI's cv does, before parsing the CSV); the next
 * cross-validation with jobs > 1 takes them. Unused, they do not keep the process alive.
 * Nothing happens without Node.js worker threads.
 */
export function prepareCrossValidationJobs(jobs: number): void {
  const wt = nodeModule<typeof WorkerThreads>('node:worker_threads');
  if (wt === undefined) return;
  while (ahead.length < jobs - 1) {
    const a: { worker: WorkerThreads.Worker; error?: string } = { worker: newFoldWorker(wt, {}) };
    a.worker.on('error', (e) => { a.error ??= e.message; });
    a.worker.on('exit', (code) => { a.error ??= `exited (code ${code})`; });
    a.worker.unref();
    ahead.push(a);
  }
}

/** Fold workers started ahead and not yet taken (tests). */
export function workersAhead(): number {
  return ahead.length;
}

/** The scores of `folds` in fold order, trained by `jobs` jobs. */
export async function foldsOnThreads(spec: TrainingSpec, table: Table, folds: readonly Holdout[], seed: number, { jobs, here: useHere = true, onFold, onPlacement, onWarning }: FoldJobs): Promise<FoldScores[]> {
  const wt = nodeModule<typeof WorkerThreads>('node:worker_threads');
  if (wt === undefined) throw new UnsupportedError('crossValidate: jobs > 1 needs Node.js worker threads (>= 20.16); use jobs: 1');
  const os = nodeModule<typeof Os>('node:os');
  const cores = Math.max(1, os?.availableParallelism?.() ?? 1);
  const threads = Math.max(1, Math.floor(cores / jobs));
  const workerData: FoldWorkerData = { table, threads };
  const queue = new JobQueue<number, FoldScores>();
  const thisThread: JobRunner<number, FoldScores> = {
    run: (f) => scoreHoldout(spec, table, folds[f]!, seed, f + 1, { threads }).catch((e: unknown) => {
      throw Object.assign(errorFromData(errorToData(e), `crossValidate: fold ${f + 1} failed on this thread: `), { cause: e });
    }),
  };
  if (useHere) queue.join(thisThread);
  let failed: ((e: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => { failed = reject; });
  failure.catch(() => {});
  const workerRunners: JobRunner<number, FoldScores>[] = [];
  let closing = false;
  const workers = Array.from({ length: useHere ? jobs - 1 : jobs }, (_, i) => {
    // A worker started ahead is given the table now (one that failed meanwhile is replaced).
    let early = ahead.shift();
    while (early?.error !== undefined) early = ahead.shift();
    const w = early?.worker ?? newFoldWorker(wt, workerData);
    if (early !== undefined) {
      w.ref();
      w.removeAllListeners();
      w.postMessage({ type: 'table', table, threads } satisfies ToFoldWorker);
    }
    let current: { resolve: (s: FoldScores) => void; reject: (e: Error) => void } | undefined;
    let joined = false;
    const runner: JobRunner<number, FoldScores> = {
      run: (f) => new Promise((resolve, reject) => {
        current = { resolve, reject };
        w.postMessage({ type: 'fold', f, spec, holdout: folds[f]!, seed } satisfies ToFoldWorker);
      }),
    };
    workerRunners.push(runner);
    const fail = (e: BackpropError): void => {
      queue.leave(runner);
      if (!joined && useHere) {
        // It never took a fold: the other jobs take its share (this thread always runs).
        joined = true;
        onWarning?.(`${e.message}; its folds run on the other jobs`);
        return;
      }
      current?.reject(e);
      current = undefined;
      failed!(e);
    };
    w.on('message', (m: FromFoldWorker) => {
      if (m.type === 'ready') {
        joined = true;
        return queue.join(runner);
      }
      const c = current;
      current = undefined;
      if (m.type === 'done') c?.resolve(m.scores);
      else c?.reject(errorFromData(m.error, `crossValidate: fold ${m.f + 1} failed on worker ${i + 1}: `));
    });
    w.on('error', (e) => fail(new BackpropError(`crossValidate: worker ${i + 1} failed: ${e.message}`)));
    w.on('exit', (code) => {
      if (!closing && (current !== undefined || !joined)) fail(new BackpropError(`crossValidate: worker ${i + 1} exited (code ${code}) before ${joined ? 'its fold was done' : 'it was ready'}`));
    });
    return w;
  });
  try {
    const scores = await Promise.race([
      Promise.all(folds.map((_, f) => queue.run(f).then((s) => {
        onFold?.(s);
        return s;
      }))),
      failure,
    ]);
    onPlacement?.(queue.placement(useHere ? thisThread : undefined, workerRunners));
    return scores;
  } finally {
    // After a failure no fold starts any more (one running here ends on its own).
    queue.stop(new BackpropError('crossValidate: stopped'));
    closing = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
