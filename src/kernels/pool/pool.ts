import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import { BackpropError } from '../../core/errors.js';
import { nodeModule } from '../../core/nodeBuiltins.js';
import { startWorker, workerEntry } from './workerStart.js';
import {
  CMD_ATTACH, CMD_EXIT, CMD_PARK, CMD_RUN, CTRL, CTRL_WORDS, ERROR_BYTES, publishChunks, MAX_ARGS, MAX_CHUNKS, OPS, SLOT, SLOT_ARGS, SLOT_RESULT, SLOT_TRACE, claimChunk, traceClock,
  type TracedCall,
  type Attach, type AttachMessage, type WorkerInit,
} from './protocol.js';

/*
 * The kernel threads: one pool per process (per page), started once and kept, whose workers
 * share each model's WebAssembly memory (shared: true) and run chunks of its large products and
 * passes. The calling thread is thread 0 and claims chunks like the others; workers 1..n−1 wait
 * on the control block (protocol.ts) between calls. Workers start asynchronously (`prepare`): the
 * calling thread never blocks while one loads, since a worker's modules may load through loader
 * hooks that need this thread's event loop (that wait deadlocked). Once running, Node workers
 * attach a new memory synchronously (they read attach messages with receiveMessageOnPort); on a
 * cross-origin isolated page attaching is asynchronous too, from a thread that may block (a Web
 * Worker: the caller waits for its workers with Atomics.wait).
 */

/** An error from a kernel thread, naming it. */
export class KernelThreadError extends BackpropError {
  constructor(readonly thread: number, detail: string) {
    super(`kernel thread ${thread} failed: ${detail}`);
  }
}

interface WorkerHandle {
  readonly index: number;
  terminate(): Promise<void>;
  /** Sends an attach message (Node: on the port the worker reads synchronously; web: to its event loop). */
  post(message: AttachMessage): void;
  /** Web: resolves when the worker has applied the last attach message. */
  attached?: () => Promise<void>;
  /** Node: resolves when the worker has loaded and reported ready. */
  started?: Promise<void>;
}

/** The calling thread's side of the kernel threads. */
export class KernelPool {
  readonly ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
  readonly tasks: Float64Array;
  private readonly errorBytes = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  private readonly workers: WorkerHandle[] = [];
  private seq = 0;
  /** The control word last published (seq·8 + command). */
  private word = 0;
  /** Instance ids each worker holds; ids whose model is gone, to drop at the next attach. */
  private readonly attached = new Set<number>();
  private forgotten: number[] = [];
  /** How many times workers were started (the pool starts once; a test reads it). */
  starts = 0;
  private closed = false;
  /** Node: the start under way, if any. */
  private growing: Promise<void> | undefined;

  private constructor(readonly kind: 'node' | 'web', readonly cores: number, readonly maxThreads: number) {
    this.tasks = new Float64Array(new SharedArrayBuffer(MAX_CHUNKS * SLOT * 8));
  }

  /** Threads available now: the calling one and its workers. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Writes chunk `c`'s arguments for the next `go` (at most MAX_ARGS). */
  post(c: number, args: ArrayLike<number>): void {
    const t = this.tasks;
    const a = c * SLOT + SLOT_ARGS;
    t.set(args, a);
    if (args.length < MAX_ARGS) t.fill(0, a + args.length, a + MAX_ARGS);
  }

  /**
   * Publishes a call of `op` on kernel instance `instance` cut into `chunks` (posted before) for
   * `threads` threads: the workers wake and claim chunks; the caller claims its own (`claim`,
   * `complete`), then `finish`es.
   */
  go(op: number, instance: number, chunks: number, threads: number): void {
    const { ctrl } = this;
    Atomics.store(ctrl, CTRL.op, op);
    Atomics.store(ctrl, CTRL.instance, instance);
    Atomics.store(ctrl, CTRL.done, 0);
    publishChunks(ctrl, chunks, threads);
    this.command(CMD_RUN);
  }

  /** The next unclaimed chunk of the current call for the calling thread (thread 0), or −1. */
  claim(): number {
    return claimChunk(this.ctrl, 0);
  }

  /** Records chunk `c`'s result and counts it done. */
  complete(c: number, result: number): void {
    this.tasks[c * SLOT + SLOT_RESULT] = result;
    Atomics.add(this.ctrl, CTRL.done, 1);
  }

  /**
   * Waits until all `chunks` of the current call are done; a chunk that threw in a worker becomes a
   * KernelThreadError. Polls for at most `spinMs` (about a chunk's time: a chunk in progress on a
   * running thread ends within it), then sleeps: a worker that takes longer has lost its core, and
   * on a machine whose other processes hold the cores a polling caller would take the time
   * this process is given from the very worker it waits for.
   */
  finish(chunks: number, spinMs = 0.05): void {
    const { ctrl } = this;
    let done = Atomics.load(ctrl, CTRL.done);
    if (done !== chunks) {
      const until = performance.now() + spinMs;
      for (let i = 1; done !== chunks; i++) {
        done = Atomics.load(ctrl, CTRL.done);
        if ((i & 255) === 0 && performance.now() > until) break;
      }
    }
    while (done !== chunks) {
      Atomics.wait(ctrl, CTRL.done, done);
      done = Atomics.load(ctrl, CTRL.done);
    }
    this.raise();
  }

  /** Where traced calls go (`trace`); undefined when not tracing. */
  tracer: ((call: TracedCall) => void) | undefined;

  /**
   * Hands every cut call from now on to `onCall`, with which thread ran each chunk and when
   * (`bench/threads-trace.ts`); undefined stops. Each thread then reads the clock twice a chunk.
   */
  trace(onCall: ((call: TracedCall) => void) | undefined): void {
    this.tracer = onCall;
    Atomics.store(this.ctrl, CTRL.tracing, onCall === undefined ? 0 : 1);
  }

  /** The last call's trace (its chunks' stamps), published at `published`. */
  traced(op: number, chunks: number, published: number): TracedCall {
    const t = this.tasks;
    return {
      op: OPS[op]!, published, ended: traceClock(),
      chunks: Array.from({ length: chunks }, (_, c) => ({ thread: t[c * SLOT + SLOT_TRACE]!, start: t[c * SLOT + SLOT_TRACE + 1]!, end: t[c * SLOT + SLOT_TRACE + 2]! })),
    };
  }

  /** Chunk `c`'s result in the last call (an optimiser's overflow probe, allFinite's answer). */
  result(c: number): number {
    return this.tasks[c * SLOT + SLOT_RESULT]!;
  }

  /** Throws the error a worker recorded, if any. */
  private raise(): void {
    const { ctrl } = this;
    const failed = Atomics.load(ctrl, CTRL.failed);
    if (failed !== 0) {
      Atomics.store(ctrl, CTRL.failed, 0);
      const text = new TextDecoder().decode(this.errorBytes.slice()).replace(/\0+$/, '');
      throw new KernelThreadError(failed, text);
    }
  }

  /** Waits until every worker has acknowledged the last attach. */
  private acknowledged(): void {
    const { ctrl } = this;
    let pending = Atomics.load(ctrl, CTRL.pending);
    while (pending !== 0) {
      Atomics.wait(ctrl, CTRL.pending, pending);
      pending = Atomics.load(ctrl, CTRL.pending);
    }
    this.raise();
  }

  private command(cmd: number): void {
    this.seq = (this.seq + 1) & 0x0fffffff;
    this.word = this.seq * 8 + cmd;
    Atomics.add(this.ctrl, CTRL.commands, 1);
    Atomics.store(this.ctrl, CTRL.word, this.word);
    Atomics.notify(this.ctrl, CTRL.word);
  }

  /** Node: starts workers up to `want` and waits in the event loop (never in Atomics.wait) until each has loaded. */
  private async startNode(want: number): Promise<void> {
    this.closed = false;
    const wt = nodeModule<typeof WorkerThreads>('node:worker_threads')!;
    const added: WorkerHandle[] = [];
    for (let i = this.workers.length + 1; i <= want; i++) added.push(this.spawnNode(wt, i));
    this.starts++;
    const started = await Promise.allSettled(added.map((h) => h.started!));
    const failure = started.find((r) => r.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(added.map((h) => h.terminate()));
      throw failure.reason;
    }
    this.workers.push(...added);
  }

  private spawnNode(wt: typeof WorkerThreads, index: number): WorkerHandle {
    const { port1, port2 } = new wt.MessageChannel();
    const init: WorkerInit = { index, ctrl: this.ctrl.buffer as SharedArrayBuffer, tasks: this.tasks.buffer as SharedArrayBuffer, error: this.errorBytes.buffer as SharedArrayBuffer, word: this.word, port: port2 };
    const worker = startWorker(wt, workerEntry(import.meta.url, 'kernelWorker'), { workerData: init, transferList: [port2] });
    // The pool must not keep a process alive: idle workers wait forever.
    worker.unref();
    port1.unref();
    const started = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (e) => reject(new BackpropError(`kernel thread ${index} failed to start: ${e.message}`)));
    });
    worker.on('error', () => undefined);
    started.catch(() => undefined);
    return { index, terminate: async () => void (await worker.terminate()), post: (m) => port1.postMessage(m), started };
  }

  /**
   * Node: gives workers `from`..threads − 1 an instance on a model's memory (`make(w)`: worker
   * w's attach data) and every worker the ids of models that are gone, then waits until all have
   * read their messages.
   */
  attachSync(from: number, make: (w: number) => Attach): void {
    const forget = this.forgotten;
    this.forgotten = [];
    for (const h of this.workers) h.post({ attach: h.index >= from ? [make(h.index)] : [], forget, word: 0 });
    this.attached.add(make(0).id);
    Atomics.store(this.ctrl, CTRL.pending, this.workers.length);
    this.command(CMD_ATTACH);
    this.acknowledged();
  }

  /**
   * Makes sure there are threads − 1 workers and that workers `from`.. hold an instance on a
   * model's memory: workers start asynchronously, then attach synchronously in Node; on the web by starting Web Workers and parking the
   * waiting ones (they take attach messages in their event loop, then wait again).
   */
  async prepare(threads: number, from: () => number, make: (w: number) => Attach): Promise<void> {
    if (this.kind === 'node') {
      const want = Math.min(threads, this.maxThreads) - 1;
      // Calls that overlap (a background start and a run's) share one start.
      while (this.workers.length < want) {
        this.growing ??= this.startNode(want).finally(() => { this.growing = undefined; });
        await this.growing;
      }
      if (from() < this.threads) this.attachSync(from(), make);
      return;
    }
    const want = Math.min(threads, this.maxThreads) - 1;
    this.closed = false;
    if (this.workers.length < want) {
      const first = this.workers.length + 1;
      const started = await Promise.allSettled(Array.from({ length: want - first + 1 }, (_, i) => this.spawnWeb(first + i)));
      for (const s of started) if (s.status === 'fulfilled') this.workers.push(s.value);
      this.starts++;
      const failure = started.find((s) => s.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
    }
    const start = from();
    if (start >= this.threads) return;
    const forget = this.forgotten;
    this.forgotten = [];
    // Waiting workers leave their loop; each then reads its message and waits again from this word.
    this.command(CMD_PARK);
    for (const h of this.workers) h.post({ attach: h.index >= start ? [make(h.index)] : [], forget, word: this.word });
    await Promise.all(this.workers.map((h) => h.attached!()));
    this.attached.add(make(0).id);
  }

  private spawnWeb(index: number): Promise<WorkerHandle> {
    // The pattern bundlers (Vite, webpack 5, Parcel) recognise and emit the worker for; unbundled
    // ESM finds kernelWorker.js beside this module.
    const worker = new Worker(new URL('./kernelWorker.js', import.meta.url), { type: 'module' });
    const init: WorkerInit = { index, ctrl: this.ctrl.buffer as SharedArrayBuffer, tasks: this.tasks.buffer as SharedArrayBuffer, error: this.errorBytes.buffer as SharedArrayBuffer, word: this.word };
    let waiting: (() => void) | undefined;
    const handle: WorkerHandle = {
      index,
      terminate: async () => worker.terminate(),
      post: (m) => worker.postMessage(m),
      attached: () => new Promise<void>((resolve) => { waiting = resolve; }),
    };
    return new Promise<WorkerHandle>((resolve, reject) => {
      const failed = (e: Event) => {
        worker.terminate();
        const why = e instanceof ErrorEvent && e.message !== '' ? e.message : "its script did not load (a bundler must emit kernelWorker.js, the library's new URL('./kernelWorker.js', import.meta.url))";
        reject(new BackpropError(`kernel thread ${index} failed to start: ${why}`));
      };
      worker.addEventListener('error', failed, { once: true });
      worker.addEventListener('message', (e: MessageEvent<string>) => {
        if (e.data === 'ready') {
          worker.removeEventListener('error', failed);
          resolve(handle);
        } else if (e.data === 'attached') {
          waiting?.();
        }
      });
      worker.postMessage(init);
    });
  }

  /** Drops instance `id` from the workers at the next attach (its model is gone). */
  forget(id: number): void {
    if (this.attached.delete(id)) this.forgotten.push(id);
  }

  /** Stops and terminates every worker; the next threaded call starts a new pool. */
  async terminate(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (pool === this) pool = undefined;
    this.command(CMD_EXIT);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  static create(): KernelPool | string {
    const wt = nodeModule<typeof WorkerThreads>('node:worker_threads');
    if (wt !== undefined) {
      const os = nodeModule<typeof Os>('node:os');
      const cores = Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1);
      return new KernelPool('node', cores, 256);
    }
    const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
    if (g.crossOriginIsolated === undefined) return 'kernel threads need Node.js worker threads (>= 20.16) or a browser';
    if (g.crossOriginIsolated !== true) {
      return 'the page is not cross-origin isolated (crossOriginIsolated is false), so it has no SharedArrayBuffer; ' +
        'serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';
    }
    if (typeof Worker !== 'function') return 'this browser context has no Worker';
    // The caller waits for its threads with Atomics.wait, which a page's main thread may not do.
    if (!canBlock()) return "a page's main thread may not block on Atomics.wait; train in a Web Worker";
    return new KernelPool('web', Math.max(1, g.navigator?.hardwareConcurrency ?? 1), 256);
  }
}

/** Whether this thread may block in Atomics.wait (not a browser page's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

let pool: KernelPool | undefined;

/** The process's kernel pool (created on first use, without workers until a model asks for threads), or why there is none. */
export function kernelPool(): KernelPool | string {
  if (pool !== undefined) return pool;
  const made = KernelPool.create();
  if (typeof made !== 'string') pool = made;
  return made;
}

/** The pool if it exists (started or not). */
export function existingKernelPool(): KernelPool | undefined {
  return pool;
}

/** Cores this process may use; 1 where kernel threads cannot run. */
export function kernelCores(): number {
  const p = kernelPool();
  return typeof p === 'string' ? 1 : p.cores;
}

/**
 * Stops the kernel threads (their workers end; models keep working on one thread and start the
 * threads again when next asked for them). The process does not need it to exit.
 */
export async function terminateKernelThreads(): Promise<void> {
  await pool?.terminate();
}
