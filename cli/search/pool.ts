import { availableParallelism } from 'node:os';
import * as workerThreads from 'node:worker_threads';
import { startWorker, workerEntry } from '../../src/kernels/pool/workerStart.js';
import { History, JobQueue, errorFromData, type ErrorData, modelFromBytes, refitSpec, type JobPlacement, type JobRunner, type Refit, type Table, type TrainingSpec, type TrialOutcome } from '../../src/index.js';
import { runTrainingJob, type Reporter, type TrialJob, type TrialRunner } from './trial.js';

/** A parsed table and what identifies it (tableKey). */
export interface KeyedTable {
  readonly key: string;
  readonly table: Table;
}
/** Given to a trial thread as workerData: its kernel threads and the search's parsed table, or word that it comes by message once parsed. */
export interface ThreadData {
  readonly threads: number;
  readonly table?: KeyedTable;
  readonly tableToCome?: boolean;
}
export type ToThread =
  | { type: 'table'; table: KeyedTable }
  | { type: 'run'; id: number; job: TrialJob }
  | { type: 'prune'; id: number; stop: boolean }
  /** Train `spec` on the search's table as refitSpec does; `abort[0]` turns 1 when a better trial ended (read between epochs). */
  | { type: 'refit'; id: number; spec: TrainingSpec; abort: Int32Array };
export type FromThread =
  | { type: 'ready' }
  | { type: 'report'; id: number; step: number; value: number }
  | { type: 'done'; id: number; outcome: TrialOutcome }
  | { type: 'refitted'; id: number; refit: RefitTransfer }
  | { type: 'error'; id: number; error: ErrorData };

/** A refit as it crosses from a worker thread: the model as model-file bytes (weights, optimiser state and pipeline, bit for bit). */
export interface RefitTransfer {
  readonly bytes: Uint8Array;
  readonly epoch: number[];
  readonly history: Record<string, number[]>;
  readonly converged: boolean;
  readonly iterations: number;
  readonly spec: TrainingSpec;
  readonly split: { readonly train: number[]; readonly validation: number[] };
}

/** The Refit a worker thread sent, rebuilt on this thread. */
export function refitFromTransfer(t: RefitTransfer): Refit {
  const loaded = modelFromBytes(t.bytes);
  const history = new History();
  history.epoch.push(...t.epoch);
  Object.assign(history.history, t.history);
  history.converged = t.converged;
  history.iterations = t.iterations;
  return { model: loaded.network, preprocessing: loaded.preprocessing!, history, spec: t.spec, split: t.split };
}

/** A job of the search lent out for a refit while it is free with no trial waiting (`TrialPool.takeIdle`). */
export interface IdleJob {
  /** This thread, or a worker thread (whose refit comes back as model-file bytes). */
  readonly where: 'here' | 'worker';
  /** Trains `spec` on the search's table as refitSpec does, on this job; rejects with the signal's reason within an epoch of an abort. */
  refit(spec: TrainingSpec, signal: AbortSignal): Promise<Refit>;
  /** Gives the job back to the search. */
  release(): void;
}

/** A worker thread's job, and how to ask it for a refit. */
interface WorkerJob {
  readonly runner: JobRunner<Task, TrialOutcome>;
  refit(spec: TrainingSpec, signal: AbortSignal): Promise<Refit>;
  /** Rejects the refits asked and not answered (the thread is being terminated). */
  cancel(reason: Error): void;
  dead: boolean;
}

interface Task {
  readonly job: TrialJob;
  readonly report: Reporter | undefined;
}

/** The default --jobs: the cores this process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

export interface TrialPoolArgs {
  /** Worker threads to start. */
  readonly workers: number;
  /** Whether this thread runs trials too (from the start, while the workers load). */
  readonly here: boolean;
  /**
   * The search's parsed table, given to each thread (a structured clone), so that no thread reads
   * or parses the data again; 'later' when the threads start while this thread parses it
   * (setTable sends it, and a thread is ready once it has it).
   */
  readonly table?: KeyedTable | 'later';
  /** Told when a worker thread fails before it could run a trial (its share then runs on the other jobs). */
  readonly onWarning?: (message: string) => void;
  /**
   * With `here`: start the worker threads only once the first trial has run this long (ms) and
   * not yet ended the search, so that a search shorter than a thread's start-up (about 0.2 s of
   * CPU) never pays for one. Default 0: at the first trial.
   */
  readonly startAfterMs?: number;
}

/**
 * A search's jobs: this thread (when `here`) and worker threads, one trial each at a time, a
 * trial going to whichever is free first (JobQueue). This thread starts on the first trial at
 * once; each worker thread joins when it has loaded, so a search shorter than a worker's
 * start-up runs as with one job. From the TypeScript sources the threads load through the loader
 * BACKPROP_THREAD_PRELOAD names (the CLI sets tsx's); from dist/ they load the compiled file.
 */
export class TrialPool implements TrialRunner {
  private readonly queue = new JobQueue<Task, TrialOutcome>();
  private readonly here: JobRunner<Task, TrialOutcome> | undefined;
  private readonly runners: JobRunner<Task, TrialOutcome>[] = [];
  private readonly workerJobs: WorkerJob[] = [];
  private readonly threads: workerThreads.Worker[] = [];
  private started = false;
  private nextId = 0;
  private table: KeyedTable | undefined;
  private gone = 0;
  private closed = false;
  private startTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly args: TrialPoolArgs) {
    if (args.table !== undefined && args.table !== 'later') this.table = args.table;
    if (args.here) {
      this.here = { run: (t) => runTrainingJob(t.job, t.report) };
      this.queue.join(this.here);
    }
  }

  /** Kernel threads for each job's products: the cores the jobs leave (one when the jobs fill them; never jobs × threads > cores). */
  get threadsPerJob(): number {
    return Math.max(1, Math.floor(availableParallelism() / (this.args.workers + (this.args.here ? 1 : 0))));
  }

  /** Starts the worker threads now (they load while this thread runs the first trials). */
  start(): void {
    if (this.started || this.closed) return;
    clearTimeout(this.startTimer);
    this.started = true;
    for (let i = 0; i < this.args.workers; i++) this.spawn(i + 1);
  }

  private spawn(n: number): void {
    const workerData: ThreadData = { threads: this.threadsPerJob, ...(this.table !== undefined ? { table: this.table } : this.args.table === 'later' ? { tableToCome: true } : {}) };
    let w: workerThreads.Worker;
    try {
      w = startWorker(workerThreads, workerEntry(import.meta.url, 'thread'), { workerData });
    } catch (e) {
      // A thread that cannot even be created (no loader for the sources) is one that failed to start.
      const message = e instanceof Error ? e.message : String(e);
      this.warnLost(n, message);
      this.countGone(message);
      return;
    }
    this.threads.push(w);
    let current: { id: number; task: Task; resolve: (o: TrialOutcome) => void; reject: (e: Error) => void } | undefined;
    let joined = false;
    const runner: JobRunner<Task, TrialOutcome> = {
      run: (task) => new Promise((resolve, reject) => {
        current = { id: this.nextId++, task, resolve, reject };
        w.postMessage({ type: 'run', id: current.id, job: task.job } satisfies ToThread);
      }),
    };
    this.runners.push(runner);
    const refits = new Map<number, { resolve: (r: Refit) => void; reject: (e: Error) => void }>();
    const job: WorkerJob = {
      runner,
      dead: false,
      refit: (spec, signal) => new Promise<Refit>((resolve, reject) => {
        const id = this.nextId++;
        // Shared, so the worker reads it between epochs without waiting for its event loop.
        const abort = new Int32Array(new SharedArrayBuffer(4));
        const onAbort = (): void => { Atomics.store(abort, 0, 1); };
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = (): void => { refits.delete(id); signal.removeEventListener('abort', onAbort); };
        refits.set(id, { resolve: (r) => { settle(); resolve(r); }, reject: (e) => { settle(); reject(e); } });
        w.postMessage({ type: 'refit', id, spec, abort } satisfies ToThread);
      }),
      cancel: (reason) => { for (const r of [...refits.values()]) r.reject(reason); },
    };
    this.workerJobs.push(job);
    w.on('message', (m: FromThread) => {
      if (m.type === 'ready') {
        joined = true;
        this.queue.join(runner);
        return;
      }
      const asked = m.type === 'refitted' || m.type === 'error' ? refits.get(m.id) : undefined;
      if (asked !== undefined) {
        if (m.type === 'refitted') {
          try {
            asked.resolve(refitFromTransfer(m.refit));
          } catch (e) {
            asked.reject(e instanceof Error ? e : new Error(String(e)));
          }
        } else if (m.type === 'error') asked.reject(errorFromData(m.error));
        return;
      }
      const c = current;
      if (c === undefined || c.id !== m.id) return;
      if (m.type === 'report') {
        void Promise.resolve(c.task.report ? c.task.report(m.step, m.value) : false).then((stop) => w.postMessage({ type: 'prune', id: m.id, stop } satisfies ToThread));
        return;
      }
      current = undefined;
      if (m.type === 'done') c.resolve(m.outcome);
      else if (m.type === 'error') c.reject(errorFromData(m.error));
    });
    let dead = false;
    const crash = (message: string): void => {
      if (dead) return; // 'error' then 'exit'
      dead = true;
      job.dead = true;
      this.queue.leave(runner);
      job.cancel(new Error(message));
      const c = current;
      current = undefined;
      if (c !== undefined) c.reject(new Error(message));
      else if (!joined && this.started) this.warnLost(n, message);
      this.countGone(message);
    };
    w.on('error', (e) => crash(e.message));
    w.on('exit', (code) => { if (this.started) crash(`worker thread exited with code ${code}`); });
  }

  /** Says that worker thread n failed before it joined: its trials run on the other jobs. */
  private warnLost(n: number, message: string): void {
    this.args.onWarning?.(`worker thread ${n} failed to start (${message}); its trials run on the other jobs`);
  }

  /** With no job left (only worker threads, all gone) the trials not started cannot run. */
  private countGone(message: string): void {
    if (!this.args.here && ++this.gone === this.args.workers) this.queue.stop(new Error(message));
  }

  /** The table parsed while the threads started (table: 'later'): sent to each, which then joins. */
  setTable(table: KeyedTable): void {
    if (this.table !== undefined) return;
    this.table = table;
    for (const w of this.threads) w.postMessage({ type: 'table', table } satisfies ToThread);
  }

  /** Runs one trial on the first free job (queued while every job is busy). */
  run(job: TrialJob, report?: Reporter): Promise<TrialOutcome> {
    const delay = this.args.here ? this.args.startAfterMs ?? 0 : 0;
    if (delay <= 0) this.start();
    else if (!this.started && this.startTimer === undefined) this.startTimer = setTimeout(() => this.start(), delay);
    return this.queue.run({ job, report });
  }

  /**
   * Lends out a job that is free when no trial waits for one (the search's last trials run on the
   * others), for the winner's refit: this thread if it is free, else a free worker thread; undefined
   * when none is. `release` gives it back; a trial asked meanwhile waits for a job.
   */
  takeIdle(): IdleJob | undefined {
    if (this.closed || this.queue.queued > 0) return undefined;
    const here = this.here;
    if (here !== undefined && this.queue.isIdle(here)) {
      this.queue.leave(here);
      return { where: 'here', refit: (spec, signal) => refitSpec(spec, this.searchTable(), { signal }), release: () => this.giveBack(here) };
    }
    const worker = this.workerJobs.find((j) => !j.dead && this.queue.isIdle(j.runner));
    if (worker === undefined) return undefined;
    this.queue.leave(worker.runner);
    return { where: 'worker', refit: (spec, signal) => worker.refit(spec, signal), release: () => { if (!worker.dead) this.giveBack(worker.runner); } };
  }

  private giveBack(runner: JobRunner<Task, TrialOutcome>): void {
    if (!this.closed) this.queue.join(runner);
  }

  private searchTable(): Table {
    if (this.table === undefined) throw new Error('the search has no table yet');
    return this.table.table;
  }

  /** Where the trials ran so far. */
  placement(): JobPlacement {
    return this.queue.placement(this.here, this.runners);
  }

  async close(): Promise<void> {
    clearTimeout(this.startTimer);
    this.started = false;
    this.closed = true;
    this.queue.stop(new Error('the search has ended'));
    // A refit still running on a worker ends with its thread: said, so that no one waits for it.
    for (const j of this.workerJobs) j.cancel(new Error('the search has ended'));
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((w) => w.terminate()));
  }
}
