import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Table, TrialOutcome } from '../../src/index.js';
import type { Reporter, TrialJob } from './trial.js';

export type ToThread = { type: 'table'; key: string; table: Table } | { type: 'run'; id: number; job: TrialJob } | { type: 'prune'; id: number; stop: boolean };
export type FromThread =
  | { type: 'report'; id: number; step: number; value: number }
  | { type: 'done'; id: number; outcome: TrialOutcome }
  | { type: 'error'; id: number; message: string };

interface Task {
  id: number;
  job: TrialJob;
  report: Reporter | undefined;
  resolve: (o: TrialOutcome) => void;
  reject: (e: Error) => void;
}

/** The default --jobs: the cores this process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

/**
 * Worker threads that run trials, one trial per thread at a time. From the TypeScript sources
 * the threads load through tsx, as the CLI itself does; from dist/ they load the compiled file.
 */
export class TrialPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly busy = new Map<Worker, Task>();
  private nextId = 0;

  /**
   * `table`: the search's parsed table, sent to each thread as it starts (a structured clone of
   * its arrays), so that no thread reads or parses the data again.
   */
  constructor(readonly size: number, private readonly table?: { key: string; table: Table }) {}

  /** Starts every thread now (they load while the first trials run), rather than at their first trial. */
  start(): void {
    while (this.all.length < this.size) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const fromSource = import.meta.url.endsWith('.ts');
    const file = new URL(fromSource ? './thread.ts' : './thread.js', import.meta.url);
    // From the sources a thread registers tsx first (--import in a thread's execArgv loads too late in Node 20).
    // Each trial's products use the cores its job leaves (one thread when the jobs fill them);
    // the search's own thread runs trials too (cli/commands/search.ts), hence size + 1 jobs.
    const workerData = { threads: Math.max(1, Math.floor(availableParallelism() / (this.size + 1))) };
    const w = fromSource
      ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`, { eval: true, workerData })
      : new Worker(file, { workerData });
    if (this.table !== undefined) w.postMessage({ type: 'table', ...this.table } satisfies ToThread);
    w.on('message', (m: FromThread) => this.onMessage(w, m));
    w.on('error', (e) => this.onCrash(w, e.message));
    w.on('exit', (code) => this.onCrash(w, `worker thread exited with code ${code}`));
    this.all.push(w);
    return w;
  }

  /** Runs one trial on a free thread (queued when all are busy). */
  run(job: TrialJob, report?: Reporter): Promise<TrialOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, report, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let w = this.idle.pop();
      if (w === undefined) {
        if (this.all.length >= this.size) return;
        w = this.spawn();
      }
      const task = this.queue.shift()!;
      this.busy.set(w, task);
      w.postMessage({ type: 'run', id: task.id, job: task.job } satisfies ToThread);
    }
  }

  private onMessage(w: Worker, m: FromThread): void {
    const task = this.busy.get(w);
    if (task === undefined || task.id !== m.id) return;
    if (m.type === 'report') {
      void Promise.resolve(task.report ? task.report(m.step, m.value) : false).then((stop) => w.postMessage({ type: 'prune', id: m.id, stop } satisfies ToThread));
      return;
    }
    this.busy.delete(w);
    this.idle.push(w);
    if (m.type === 'done') task.resolve(m.outcome);
    else task.reject(new Error(m.message));
    this.dispatch();
  }

  private onCrash(w: Worker, message: string): void {
    const i = this.all.indexOf(w);
    if (i < 0) return;
    this.all.splice(i, 1);
    const j = this.idle.indexOf(w);
    if (j >= 0) this.idle.splice(j, 1);
    const task = this.busy.get(w);
    this.busy.delete(w);
    task?.reject(new Error(message));
    this.dispatch();
  }

  async close(): Promise<void> {
    const workers = [...this.all];
    this.all.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
