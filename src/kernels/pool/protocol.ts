/*
 * The kernel threads' shared control block (pool.ts on the calling thread, kernelWorker.ts in each
 * worker). No message crosses per call: the caller writes each worker's task into its slot, sets
 * `pending`, bumps `seq` and notifies; a worker whose slot carries that seq runs it on its
 * instance of the kernel module (the same shared memory), decrements `pending` and notifies the
 * caller when it was the last.
 */

/** Int32 indices of the control block. */
export const CTRL = {
  /** Bumped once per command; workers wait on it. */
  seq: 0,
  /** Workers still running the current command; the caller waits on it. */
  pending: 1,
  /** The index of a worker whose task threw (0: none); its message is in the error bytes. */
  failed: 2,
  /** What the current seq asks: CMD_RUN, CMD_ATTACH, CMD_PARK or CMD_EXIT. */
  command: 3,
  /** Workers that have started (each adds 1). */
  started: 4,
  length: 8,
} as const;

/** Run the task in your slot when its seq is the current one. */
export const CMD_RUN = 1;
/** Node: take the attach/forget message waiting on your port (receiveMessageOnPort), then ack. */
export const CMD_ATTACH = 2;
/** Web: leave the wait loop for the event loop, where the next attach message arrives. */
export const CMD_PARK = 3;
/** Stop. */
export const CMD_EXIT = 4;

/** Float64 slots per worker: [seq, op, instance, 12 arguments, result]. */
export const SLOT = 16;
export const SLOT_SEQ = 0;
export const SLOT_OP = 1;
export const SLOT_INSTANCE = 2;
export const SLOT_ARGS = 3;
export const SLOT_RESULT = 15;
/** Most arguments a task passes. */
export const MAX_ARGS = 12;

/** Bytes for a failed task's message. */
export const ERROR_BYTES = 2048;

/** Iterations a waiting thread polls before it sleeps in Atomics.wait (a kernel call is often µs away). */
export const SPIN = 20000;

/** The module exports a task may call, by op number. */
export const OPS = [
  'gemmNNPart', 'gemmTNPart', 'gemmNTPart', 'columnSumsPart', 'addRowVector', 'multiply',
  'activationForward', 'activationBackward', 'fusedLossGradient', 'scaledDifference',
  'sgd', 'sgdMomentum', 'adam', 'rmsprop', 'adagrad', 'allFinite',
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

/** What a worker is sent: instances to make and ids to drop; `seq` is where its wait resumes (web). */
export interface AttachMessage {
  readonly attach: readonly Attach[];
  readonly forget: readonly number[];
  readonly seq: number;
}

/** A worker's start-up data. */
export interface WorkerInit {
  /** 1, 2, ...: the thread's number in errors and the slot it reads. */
  readonly index: number;
  readonly ctrl: SharedArrayBuffer;
  readonly tasks: SharedArrayBuffer;
  readonly error: SharedArrayBuffer;
  /** The control block's seq when the worker was started (it waits for the next). */
  readonly seq: number;
  /** Node: the port attach messages wait on (read synchronously). */
  readonly port?: unknown;
}
