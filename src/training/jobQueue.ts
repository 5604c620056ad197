/** Something that runs one task at a time: this thread, or a worker thread. */
export interface JobRunner<T, R> {
  /** Runs one task; the queue gives it no other until this settles. */
  run(task: T): Promise<R>;
}

/** Where the tasks ran: on the calling thread, on each worker thread that joined (in the order they joined), and how many worker threads were still loading at the end. */
export interface JobPlacement {
  /** Tasks run on the calling thread. */
  readonly here: number;
  /** Tasks run on each worker thread that joined, in the order they joined. */
  readonly workers: readonly number[];
  /** Worker threads still loading when every task was done. */
  readonly loading: number;
}

interface Waiting<T, R> {
  readonly task: T;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The jobs of a search or a cross-validation: each task goes, in the order asked, to whichever
 * runner is free first, one task per runner at a time. The calling thread's runner joins at
 * once and worker threads join when they report ready, so a run shorter than a worker's
 * start-up never waits for one (its tasks all run here), and a longer one uses every runner as
 * soon as it can.
 */
export class JobQueue<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private readonly idle: JobRunner<T, R>[] = [];
  private readonly left = new Set<JobRunner<T, R>>();
  private stopped: Error | undefined;
  /** Tasks each runner started, in the order runners joined (for the one line that says where tasks ran). */
  readonly started = new Map<JobRunner<T, R>, number>();

  /** A runner ready to take tasks (again after it left, it is a new one). */
  join(runner: JobRunner<T, R>): void {
    this.left.delete(runner);
    if (!this.started.has(runner)) this.started.set(runner, 0);
    this.idle.push(runner);
    this.pump();
  }

  /** A runner that takes no more tasks (a worker that crashed or was stopped); its running task settles as it will. */
  leave(runner: JobRunner<T, R>): void {
    this.left.add(runner);
    const i = this.idle.indexOf(runner);
    if (i >= 0) this.idle.splice(i, 1);
  }

  /** Runs `task` on the first free runner (queued while none is). */
  run(task: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.stopped !== undefined) return reject(this.stopped);
      this.waiting.push({ task, resolve, reject });
      this.pump();
    });
  }

  /** Starts no more tasks: those not started yet are rejected with `reason` (running ones settle as they will). */
  stop(reason: Error): void {
    this.stopped = reason;
    for (const w of this.waiting.splice(0)) w.reject(reason);
  }

  /** Where the tasks ran, given this thread's runner (if any) and the worker threads' runners. */
  placement(here: JobRunner<T, R> | undefined, workers: readonly JobRunner<T, R>[]): JobPlacement {
    const joined = workers.filter((r) => this.started.has(r));
    return { here: here === undefined ? 0 : this.started.get(here) ?? 0, workers: joined.map((r) => this.started.get(r)!), loading: workers.length - joined.length };
  }

  /** Whether `runner` has joined, not left, and is running no task. */
  isIdle(runner: JobRunner<T, R>): boolean {
    return this.idle.includes(runner);
  }

  /** Tasks asked for and not started yet. */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.idle.length > 0) {
      const runner = this.idle.pop()!;
      const w = this.waiting.shift()!;
      this.started.set(runner, (this.started.get(runner) ?? 0) + 1);
      let running: Promise<R>;
      try {
        running = runner.run(w.task);
      } catch (e) {
        running = Promise.reject(e);
      }
      // The runner is free again before the task's caller hears of the result, so the caller's
      // next task (asked in that continuation) can go to it at once.
      running.then(
        (r) => {
          this.free(runner);
          w.resolve(r);
        },
        (e: unknown) => {
          this.free(runner);
          w.reject(e);
        },
      );
    }
  }

  private free(runner: JobRunner<T, R>): void {
    if (!this.left.has(runner)) this.idle.push(runner);
    this.pump();
  }
}
