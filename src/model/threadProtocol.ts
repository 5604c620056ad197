import type { DType, FloatArray } from '../core/matrix.js';
import type { RngState } from '../core/rng.js';
import type { SequentialConfig } from './sequential.js';
import type { CompileConfig } from './session.js';

/*
 * What the main thread and the training workers share (threads.ts, threadWorker.ts): the slots of
 * the control array, the commands, and how a batch is sliced.
 */

/** Slots of the shared Int32Array that sequences the steps. */
export const CTRL = { generation: 0, done: 1, rows: 2, command: 3, failed: 4, length: 8 } as const;
export const CMD_STEP = 1;
export const CMD_EXIT = 2;
/** Bytes of the shared buffer a failing worker writes its error message into. */
export const ERROR_BYTES = 1024;

/** First row of slice `w` of `threads` over `count` rows (slice `threads` is one past the end). */
export function sliceStart(w: number, threads: number, count: number): number {
  return Math.floor((w * count) / threads);
}

/** A float view of a shared buffer (the kernels take it as any other FloatArray). */
export function sharedFloats(buffer: SharedArrayBuffer, dtype: DType): FloatArray {
  return (dtype === 'float64' ? new Float64Array(buffer) : new Float32Array(buffer)) as unknown as FloatArray;
}

export interface ThreadWorkerData {
  index: number;
  threads: number;
  backend: 'typescript' | 'wasm';
  /** What the worker rebuilds the model from (structured-cloned, no file format in between). */
  replica: {
    model: SequentialConfig;
    compile: CompileConfig;
    /** Every tensor's values in `params()` order. */
    weights: FloatArray[];
    /** Each layer's dropout generator (undefined for layers without one). */
    dropout: (RngState | undefined)[];
  };
  xCols: number;
  yCols: number;
  buffers: {
    ctrl: SharedArrayBuffer;
    error: SharedArrayBuffer;
    params: SharedArrayBuffer;
    /** One gradient vector per thread (slot 0, the main thread's, is unused). */
    grads: SharedArrayBuffer[];
    /** Each thread's share of the batch's mean loss. */
    loss: SharedArrayBuffer;
    x: SharedArrayBuffer;
    y: SharedArrayBuffer;
    out: SharedArrayBuffer;
  };
}
