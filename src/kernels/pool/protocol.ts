/*
 * The kernel threads' shared control block (pool.ts on the calling thread, kernelWorker.ts in each
 * worker). No message crosses per call: the caller writes the call's chunks (the arguments of each
 * slice) into the task slots, publishes them in one claim word per thread (`publishChunks`) and
 * bumps `word`; then every thread, the caller included, claims chunks one at a time (a
 * compare-and-swap on a claim word), its own group's first, until none is left, and counts each
 * one it finishes in `done`. A thread that is late (asleep, or its core taken by
 * another process) finds nothing left to claim: the caller never waits for a thread that has not
 * started, only for chunks in progress. Which thread runs a chunk never changes its bits.
 */

/** Int32 indices of the control block. */
export const CTRL = {
  /** Commands sent so far (tests and benchmarks read it; nobody waits on it). */
  commands: 0,
  /** Workers still to acknowledge an attach; the caller waits on it. */
  pending: 1,
  /** The index of a worker whose task threw (0: none); its message is in the error bytes. */
  failed: 2,
  /** seq·8 + command (CMD_RUN, CMD_ATTACH, CMD_PARK or CMD_EXIT) in one word, so a late reader never pairs a seq with another's command; workers wait on it. */
  word: 3,
  /** Workers that have started (each adds 1). */
  started: 4,
  /** The current call's chunk count. */
  chunks: 5,
  /** Chunks of the current call finished (by any thread); the caller waits on it. */
  done: 6,
  /** The current call's op (OPS index) and kernel instance id. */
  op: 7,
  instance: 8,
  /** The current call's claim groups (one per thread it is cut for), whose words follow the block. */
  groups: 9,
  /** 1 while a benchmark traces calls: each thread stamps the chunks it runs (SLOT_TRACE). */
  tracing: 10,
  length: 16,
} as const;

/**
 * Int32 index of claim group g's word (its end · 65536 + its next chunk): one cache line each,
 * after the block, so that threads claiming in their own groups do not share a line.
 */
export function groupWord(g: number): number {
  return CTRL.length + g * 16;
}
/** Int32 length of the control block with the group words of up to MAX_CHUNKS groups. */
export const CTRL_WORDS = groupWord(256);

/** Most chunks one call is cut into (a claim word holds a chunk index and its group's end in 16 bits each). */
export const MAX_CHUNKS = 256;

/**
 * Claims a chunk of the current call for thread `self`: first from its own group (the chunks a
 * call's cut gives it: the same rows or range of a matrix at every call, so a thread passes over
 * what it wrote, which is in its core's cache), then from the others in turn (a thread whose core
 * another process took leaves its group to them). Returns the chunk's index, or −1 when none is left.
 */
export function claimChunk(ctrl: Int32Array, self: number): number {
  const groups = Atomics.load(ctrl, CTRL.groups);
  for (let i = 0; i < groups; i++) {
    const at = groupWord((self + i) % groups);
    for (;;) {
      const v = Atomics.load(ctrl, at);
      const index = v & 0xffff;
      if (index >= v >>> 16) break;
      // The swap succeeds only on the word loaded: a group word of an earlier call is exhausted.
      if (Atomics.compareExchange(ctrl, at, v, v + 1) === v) return index;
    }
  }
  return -1;
}

/**
 * Publishes a call of `chunks` chunks cut for `threads` threads (after its arguments are written):
 * thread t's group is chunks [⌊chunks·t/threads⌋, ⌊chunks·(t+1)/threads⌋), the part of the
 * rows or range that a call of this shape gives it every time.
 */
export function publishChunks(ctrl: Int32Array, chunks: number, threads: number): void {
  const groups = Math.max(1, Math.min(threads, chunks));
  Atomics.store(ctrl, CTRL.chunks, chunks);
  Atomics.store(ctrl, CTRL.groups, groups);
  // Last: from here on group g's chunks can be claimed.
  for (let g = 0; g < groups; g++) {
    Atomics.store(ctrl, groupWord(g), Math.floor((chunks * (g + 1)) / groups) * 65536 + Math.floor((chunks * g) / groups));
  }
}

/** Run the task in your slot when its seq is the current one. */
export const CMD_RUN = 1;
/** Node: take the attach/forget message waiting on your port (receiveMessageOnPort), then ack. */
export const CMD_ATTACH = 2;
/** Web: leave the wait loop for the event loop, where the next attach message arrives. */
export const CMD_PARK = 3;
/** Stop. */
export const CMD_EXIT = 4;

/** Float64 slots per chunk: [16 arguments, result, traced: thread, start, end (ms since the epoch), unused]. */
export const SLOT = 24;
export const SLOT_ARGS = 0;
export const SLOT_RESULT = 16;
export const SLOT_TRACE = 17;
/** Most arguments a task passes. */
export const MAX_ARGS = 16;

/** Now, comparable across threads (performance.now() counts from each thread's own origin). */
export function traceClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Records who ran chunk c and when (a traced call). */
export function stamp(tasks: Float64Array, c: number, thread: number, start: number): void {
  const at = c * SLOT + SLOT_TRACE;
  tasks[at] = thread;
  tasks[at + 1] = start;
  tasks[at + 2] = traceClock();
}

/** A traced call: its op, when it was published and ended on the caller, and who ran each chunk when (ms since the epoch). */
export interface TracedCall {
  readonly op: OpName;
  readonly published: number;
  readonly ended: number;
  readonly chunks: readonly { readonly thread: number; readonly start: number; readonly end: number }[];
}

/** Bytes for a failed task's message. */
export const ERROR_BYTES = 2048;

/**
 * Milliseconds a worker polls for the next call before it sleeps in Atomics.wait (waking costs
 * tens of µs, more on a busy machine). Longer polls that outlast every gap inside a W2 step (the
 * batch gathered, the weights saved: up to a few hundred µs) were measured no faster: 0.5 and
 * 2 ms gave 2.38–2.47 ms per 2-thread step against 2.48–2.49 ms (2026-12-07, interleaved), the
 * two threads being busy 1.9 cores' worth of the step either way.
 */
export const WORKER_SPIN_MS = 0.05;

/** The module exports a task may call, by op number. */
export const OPS = [
  'gemmNNPart', 'gemmTNPart', 'gemmNTPart', 'columnSumsPart', 'addRowVector', 'multiply',
  'activationForward', 'activationBackward', 'fusedLossGradient', 'scaledDifference',
  'sgd', 'sgdMomentum', 'adam', 'rmsprop', 'adagrad', 'allFinite', 'denseForwardPart',
  'gemmNNStepsPart', 'denseSumPart',
] as const;
export type OpName = (typeof OPS)[number];
export const OP = Object.fromEntries(OPS.map((name, i) => [name, i])) as Record<OpName, number>;

/** A kernel module instance a worker makes on a model's shared memory. */
export interface Attach {
  readonly id: number;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Byte offset of this worker's packing buffer in that memory, and its size. */
  readonly scratch: number;
  readonly scratchBytes: number;
}

/** What a worker is sent: instances to make and ids to drop; `word` is the control word its wait resumes from (web). */
export interface AttachMessage {
  readonly attach: readonly Attach[];
  readonly forget: readonly number[];
  readonly word: number;
}

/** A worker's start-up data. */
export interface WorkerInit {
  /** 1, 2, ...: the thread's number in errors and the slot it reads. */
  readonly index: number;
  readonly ctrl: SharedArrayBuffer;
  readonly tasks: SharedArrayBuffer;
  readonly error: SharedArrayBuffer;
  /** The control word when the worker was started (it waits for the next). */
  readonly word: number;
  /** Node: the port attach messages wait on (read synchronously). */
  readonly port?: unknown;
}
