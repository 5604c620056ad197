import type * as WorkerThreads from 'node:worker_threads';
import { nodeModule } from '../../core/nodeBuiltins.js';
import {
  CMD_ATTACH, CMD_EXIT, CMD_PARK, CTRL, ERROR_BYTES, OPS, SLOT, SLOT_ARGS, SLOT_RESULT, WORKER_SPIN_MS, claimChunk, stamp, traceClock,
  type AttachMessage, type WorkerInit,
} from './protocol.js';

/*
 * A kernel thread (pool.ts): it holds an instance of the kernel module on each attached model's
 * shared memory and, woken through the control block, claims chunks of a product or a pass and
 * runs them on it until none is left. One module for Node's worker_threads (data as workerData,
 * attach messages read synchronously from a port) and Web Workers (data as the first message;
 * attach messages arrive in the event loop, so the caller parks the thread first).
 */

type Task = (...args: number[]) => number | undefined;

class KernelThread {
  private readonly ctrl: Int32Array;
  private readonly tasks: Float64Array;
  private readonly error: Uint8Array;
  private readonly instances = new Map<number, Task[]>();

  constructor(private readonly init: WorkerInit, private readonly attachFromPort: () => void) {
    this.ctrl = new Int32Array(init.ctrl);
    this.tasks = new Float64Array(init.tasks);
    this.error = new Uint8Array(init.error);
    Atomics.add(this.ctrl, CTRL.started, 1);
    Atomics.notify(this.ctrl, CTRL.started);
  }

  /** Instantiates the module on each new memory (its data segments rewrite the same constants) and drops the forgotten ones. */
  apply(message: AttachMessage): void {
    for (const id of message.forget) this.instances.delete(id);
    for (const a of message.attach) {
      const instance = new WebAssembly.Instance(a.module, { env: { memory: a.memory, abort: () => { throw new Error('the WebAssembly kernels aborted'); } } });
      const exports = instance.exports as unknown as Record<string, Task> & { setScratch(p: number, b: number): void };
      exports.setScratch(a.scratch, a.scratchBytes);
      this.instances.set(a.id, OPS.map((name) => exports[name]!));
    }
  }

  /** Waits for commands after control word `seen`; returns on CMD_PARK (to the event loop) or CMD_EXIT. */
  serve(seen: number): void {
    const { ctrl } = this;
    for (;;) {
      let word = Atomics.load(ctrl, CTRL.word);
      if (word === seen) {
        const until = performance.now() + WORKER_SPIN_MS;
        for (let i = 1; word === seen; i++) {
          word = Atomics.load(ctrl, CTRL.word);
          if ((i & 255) === 0 && performance.now() > until) break;
        }
      }
      while (word === seen) {
        Atomics.wait(ctrl, CTRL.word, seen);
        word = Atomics.load(ctrl, CTRL.word);
      }
      seen = word;
      const command = word & 7;
      if (command === CMD_EXIT || command === CMD_PARK) return;
      if (command === CMD_ATTACH) {
        try {
          this.attachFromPort();
        } catch (e) {
          this.fail(e);
        }
        if (Atomics.sub(ctrl, CTRL.pending, 1) === 1) Atomics.notify(ctrl, CTRL.pending);
        continue;
      }
      this.work();
    }
  }

  /** Claims and runs chunks of the current call until none is left (none, if this thread is late). */
  private work(): void {
    const { ctrl, tasks } = this;
    const self = this.init.index;
    for (let c = claimChunk(ctrl, self); c >= 0; c = claimChunk(ctrl, self)) {
      const chunks = Atomics.load(ctrl, CTRL.chunks);
      const start = Atomics.load(ctrl, CTRL.tracing) === 1 ? traceClock() : 0;
      try {
        tasks[c * SLOT + SLOT_RESULT] = this.run(c);
      } catch (e) {
        this.fail(e);
      }
      if (start !== 0) stamp(tasks, c, self, start);
      if (Atomics.add(ctrl, CTRL.done, 1) === chunks - 1) Atomics.notify(ctrl, CTRL.done);
    }
  }

  private run(c: number): number {
    const { tasks } = this;
    const instance = Atomics.load(this.ctrl, CTRL.instance);
    const fns = this.instances.get(instance);
    if (fns === undefined) throw new Error(`no kernel instance ${instance} (its memory was not attached to this thread)`);
    const f = fns[Atomics.load(this.ctrl, CTRL.op)]!;
    const a = c * SLOT + SLOT_ARGS;
    const r = f(tasks[a]!, tasks[a + 1]!, tasks[a + 2]!, tasks[a + 3]!, tasks[a + 4]!, tasks[a + 5]!, tasks[a + 6]!, tasks[a + 7]!,
      tasks[a + 8]!, tasks[a + 9]!, tasks[a + 10]!, tasks[a + 11]!, tasks[a + 12]!, tasks[a + 13]!, tasks[a + 14]!, tasks[a + 15]!);
    return typeof r === 'number' ? r : 0;
  }

  private fail(e: unknown): void {
    const text = new TextEncoder().encode(e instanceof Error ? `${e.name}: ${e.message}` : String(e)).subarray(0, ERROR_BYTES);
    this.error.fill(0);
    this.error.set(text);
    Atomics.store(this.ctrl, CTRL.failed, this.init.index);
  }
}

const wt = nodeModule<typeof WorkerThreads>('node:worker_threads');
if (wt?.parentPort) {
  const init = wt.workerData as WorkerInit;
  const port = init.port as WorkerThreads.MessagePort;
  const thread = new KernelThread(init, () => {
    const got = wt.receiveMessageOnPort(port);
    if (got !== undefined) thread.apply(got.message as AttachMessage);
  });
  wt.parentPort.postMessage('ready');
  thread.serve(init.word);
} else {
  const scope = globalThis as unknown as {
    addEventListener(type: 'message', f: (e: MessageEvent<unknown>) => void): void;
    postMessage(m: string): void;
  };
  let thread: KernelThread | undefined;
  scope.addEventListener('message', (e) => {
    if (thread === undefined) {
      thread = new KernelThread(e.data as WorkerInit, () => undefined);
      scope.postMessage('ready');
      return;
    }
    const message = e.data as AttachMessage;
    thread.apply(message);
    scope.postMessage('attached');
    thread.serve(message.word);
  });
}
