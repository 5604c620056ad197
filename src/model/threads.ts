import { Matrix, type FloatArray } from '../core/matrix.js';
import { BackpropError, InputError, UnsupportedError } from '../core/errors.js';
import { describe } from '../core/validate.js';
import type { Block } from '../kernels/kernels.js';
import type { Sequential } from './sequential.js';
import type { Backprop } from './step.js';
import { threadHost, type ThreadHandle } from './threadHost.js';
import { CTRL, CMD_EXIT, CMD_STEP, ERROR_BYTES, sharedFloats, sliceStart, type ThreadWorkerData } from './threadProtocol.js';

/*
 * Data-parallel training over worker threads (Node's worker_threads, or Web Workers on a
 * cross-origin isolated page: threadHost.ts). The main thread and
 * threads − 1 workers each run forward and backward on one slice of the batch; each worker holds a
 * replica of the model (rebuilt from the session's config, weights and generators, on the same backend) in its own memory.
 * Per step the main thread copies the parameter vector and the batch into SharedArrayBuffers,
 * wakes the workers (Atomics), computes slice 0, waits, then sums the slices' gradients, each
 * scaled by its share of the rows, in worker order — a fixed order, so that the same seed,
 * backend and thread count give bit-identical weights. The optimiser then runs once, on the main
 * thread. Copies are O(params + batch) per step, small next to the O(batch·params) products.
 * The wait is Atomics.wait: a browser page's main thread may not block, so there fit refuses
 * threads > 1 (fit from a Web Worker instead; see threadHost.ts).
 */

/** Below this many multiply-adds per step (rows × weights) a second thread costs more than it saves. */
export const MIN_WORK_PER_THREAD = 1 << 21;
/**
 * Fewest rows a slice should have for threading to pay. Measured on 2 cores (784-256-128-10,
 * Adam, WASM): slices of 64 rows ran no faster than one thread (a step's fixed costs, the
 * optimiser and the reduction, stay on the main thread), 256-row slices 1.1× with the workers'
 * start-up, 1,024-row slices 1.9× per step.
 */
export const MIN_ROWS_PER_THREAD = 256;

/** Cores this process may use for a fit; 1 where training threads are not available. */
export function availableCores(): number {
  const host = threadHost();
  return typeof host === 'string' ? 1 : host.cores;
}

/** Why the model cannot be trained on several threads, if it cannot. */
function threadingBlocker(model: Sequential): string | undefined {
  const bn = model.layers.find((l) => l.className === 'BatchNormalization');
  if (bn !== undefined) return `layer "${bn.name}" is batch normalisation, whose statistics span the whole batch`;
  return undefined;
}

/**
 * The thread count for a fit from its `threads` option: a validated count, or 'auto' (the
 * default, when absent): the cores available, or 1 when a slice would have too few rows or the
 * work per step (rows × weights) is too small to pay for a second thread, or the model has batch
 * normalisation, or threads are not available here (threadHost.ts: in a browser, a page that is
 * not cross-origin isolated, or its main thread). The thread count is part of what makes a seeded
 * fit reproducible: pass a number for the same weights on every machine.
 */
export function chooseThreads(model: Sequential, requested: unknown, batchSize: number, weights: number): number {
  if (requested !== undefined && requested !== 'auto') {
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > 256) {
      throw new InputError(`fit: threads must be 'auto' or an integer from 1 to 256, got ${describe(requested)}`);
    }
    if (requested === 1) return 1;
    const host = threadHost();
    if (typeof host === 'string') throw new UnsupportedError(`fit: threads ${requested} is not available here: ${host}; use threads: 1`);
    const blocker = threadingBlocker(model);
    if (blocker !== undefined) throw new UnsupportedError(`fit: threads ${requested} is not supported: ${blocker}; use threads: 1`);
    return requested;
  }
  const byWork = Math.floor((batchSize * weights) / MIN_WORK_PER_THREAD);
  const byRows = Math.floor(batchSize / MIN_ROWS_PER_THREAD);
  const t = Math.min(availableCores(), byWork, byRows);
  return t >= 2 && threadingBlocker(model) === undefined ? t : 1;
}

let fallbackNoticeShown = false;

/**
 * The pool for a fit on `threads` threads, or undefined for one. A count the caller asked for must
 * start; 'auto' (the default) falls back to one thread with a one-time notice when the workers
 * cannot start (say, a bundle that left out threadWorker.js), so the default never breaks a fit.
 */
export async function openThreads(model: Sequential, engine: Backprop, threads: number, requested: unknown, batchSize: number, xCols: number, yCols: number): Promise<ThreadPool | undefined> {
  if (threads <= 1) return undefined;
  try {
    return await ThreadPool.open(model, engine, threads, batchSize, xCols, yCols);
  } catch (e) {
    if (typeof requested === 'number') throw e;
    if (!fallbackNoticeShown) {
      fallbackNoticeShown = true;
      console.warn(`backprop: training on 1 thread: threads 'auto' chose ${threads}, but ${e instanceof Error ? e.message : String(e)}`);
    }
    return undefined;
  }
}

/**
 * Per engine, a copy of every trainable gradient in the model's own memory: a worker's gradient
 * is copied there (memcpy) and added with a kernel. Kept across fits so that memory is taken once.
 */
const scratchOf = new WeakMap<Backprop, Block[]>();

/** One forward/backward pass of a batch split over threads; see the file comment. */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly paramsShared: FloatArray;
  private readonly gradsShared: FloatArray[];
  private readonly lossShared: Float64Array;
  private readonly xShared: FloatArray;
  private readonly yShared: FloatArray;
  private readonly outShared: FloatArray;
  private readonly offsets: number[] = [];
  private readonly outCols: number;
  private readonly errorText: Uint8Array;
  private readonly scratch: Block[];
  private generation = 0;
  /** Views for the last batch shape, so that a step of the same shape allocates nothing. */
  private views: { x: FloatArray; y: FloatArray; count: number; xIn: FloatArray; yIn: FloatArray; x0: Matrix; y0: Matrix; output: Matrix } | undefined;
  /** The last step's batch loss (mean over rows) and full output, valid until the next step. */
  readonly result = { loss: 0, output: undefined as unknown as Matrix };

  private constructor(
    private readonly workers: ThreadHandle[],
    private readonly engine: Backprop,
    readonly threads: number,
    buffers: ThreadWorkerData['buffers'],
    private readonly errors: string[],
  ) {
    const F = (b: SharedArrayBuffer) => sharedFloats(b, engine.kernels.dtype);
    this.ctrl = new Int32Array(buffers.ctrl);
    this.errorText = new Uint8Array(buffers.error);
    this.paramsShared = F(buffers.params);
    this.gradsShared = buffers.grads.map((g) => F(g));
    this.lossShared = new Float64Array(buffers.loss);
    this.xShared = F(buffers.x);
    this.yShared = F(buffers.y);
    this.outShared = F(buffers.out);
    this.outCols = engine.layers[engine.layers.length - 1]!.outputUnits;
    let scratch = scratchOf.get(engine);
    if (scratch === undefined) {
      scratch = engine.params.map((p) => engine.kernels.alloc(p.trainable ? p.size : 0));
      scratchOf.set(engine, scratch);
    }
    this.scratch = scratch;
    let o = 0;
    for (const p of engine.params) {
      this.offsets.push(o);
      o += p.size;
    }
  }

  /** Spawns threads − 1 workers holding replicas of `model` and waits until they are ready. */
  static async open(model: Sequential, engine: Backprop, threads: number, batchSize: number, xCols: number, yCols: number): Promise<ThreadPool> {
    const host = threadHost();
    if (typeof host === 'string') throw new UnsupportedError(`fit: threads ${threads} is not available here: ${host}; use threads: 1`);
    const bytesPer = engine.kernels.dtype === 'float64' ? 8 : 4;
    const weights = engine.params.reduce((s, p) => s + p.size, 0);
    const sab = (n: number) => new SharedArrayBuffer(Math.max(1, n) * bytesPer);
    const buffers: ThreadWorkerData['buffers'] = {
      ctrl: new SharedArrayBuffer(CTRL.length * 4),
      error: new SharedArrayBuffer(ERROR_BYTES),
      params: sab(weights),
      grads: Array.from({ length: threads }, () => sab(weights)),
      loss: new SharedArrayBuffer(threads * 8),
      x: sab(batchSize * xCols),
      y: sab(batchSize * yCols),
      out: sab(batchSize * engine.layers[engine.layers.length - 1]!.outputUnits),
    };
    // The replica: architecture, loss, weights and dropout generators, handed over as they are.
    const replica: ThreadWorkerData['replica'] = {
      model: model.getConfig(),
      compile: model.session.getConfig(),
      weights: model.params().map((p) => p.value.slice()),
      dropout: model.layers.map((l) => l.getRngState()),
    };
    const errors: string[] = [];
    const started = await Promise.allSettled(Array.from({ length: threads - 1 }, (_, i) => host.spawn(
      { index: i + 1, threads, backend: engine.kernels.name as ThreadWorkerData['backend'], replica, buffers, xCols, yCols },
      (message) => errors.push(message),
    )));
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failure.reason;
    }
    return new ThreadPool(workers, engine, threads, buffers, errors);
  }

  /**
   * Forward and backward of the batch (xb, yb: the engine's batch buffers) over the threads,
   * leaving the summed gradient (without penalties) in the main model's params. Returns the
   * batch's mean loss and the full output (a view valid until the next step).
   */
  forwardBackward(xb: Matrix, yb: Matrix): { loss: number; output: Matrix } {
    const count = xb.rows;
    const { engine, threads, ctrl } = this;
    const params = engine.params;
    const v = this.viewsFor(xb, yb);
    for (let i = 0; i < params.length; i++) this.paramsShared.set(params[i]!.value, this.offsets[i]!);
    this.xShared.set(v.xIn);
    this.yShared.set(v.yIn);
    Atomics.store(ctrl, CTRL.rows, count);
    Atomics.store(ctrl, CTRL.command, CMD_STEP);
    Atomics.store(ctrl, CTRL.done, 0);
    Atomics.store(ctrl, CTRL.generation, ++this.generation);
    Atomics.notify(ctrl, CTRL.generation);

    // Slice 0 on this thread, in the model's own memory.
    const rows0 = v.x0.rows;
    const out0 = engine.forward(v.x0, true);
    let loss = engine.backward(v.y0, false, undefined, false) * (rows0 / count);
    this.outShared.set(out0.data.subarray(0, rows0 * this.outCols));
    const s0 = rows0 / count;
    for (const p of params) if (p.trainable) engine.kernels.scale(p.grad, p.size, s0);

    for (;;) {
      const done = Atomics.load(ctrl, CTRL.done);
      if (done >= threads - 1) break;
      // Wakes at least every second to notice a worker that died without reporting.
      if (Atomics.wait(ctrl, CTRL.done, done, 1000) === 'timed-out' && this.errors.length > 0) break;
    }
    if (Atomics.load(ctrl, CTRL.failed) !== 0 || this.errors.length > 0) {
      const reported = new TextDecoder().decode(this.errorText.slice()).replace(/\0+$/, '');
      throw new BackpropError(`fit: a training thread failed: ${[reported, ...this.errors].filter((t) => t !== '').join('; ')}`);
    }
    // The reduction, in worker order (each worker already scaled its gradient by its share):
    // memcpy into the model's memory, then grad ← grad − (−1)·g, the SGD kernel (exact: grad + g).
    const k = engine.kernels;
    for (let w = 1; w < threads; w++) {
      loss += this.lossShared[w]!;
      const g = this.gradsShared[w]!;
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        if (!p.trainable) continue;
        const s = this.scratch[i]!.data;
        const o = this.offsets[i]!;
        s.set(g.subarray(o, o + p.size));
        k.sgd(p.grad, s, p.size, -1);
      }
    }
    this.result.loss = loss;
    this.result.output = v.output;
    return this.result;
  }

  private viewsFor(xb: Matrix, yb: Matrix): NonNullable<ThreadPool['views']> {
    const count = xb.rows;
    if (this.views?.x === xb.data && this.views.y === yb.data && this.views.count === count) return this.views;
    const rows0 = sliceStart(1, this.threads, count);
    this.views = {
      x: xb.data,
      y: yb.data,
      count,
      xIn: xb.data.subarray(0, count * xb.cols),
      yIn: yb.data.subarray(0, count * yb.cols),
      x0: new Matrix(rows0, xb.cols, xb.data.subarray(0, rows0 * xb.cols)),
      y0: new Matrix(rows0, yb.cols, yb.data.subarray(0, rows0 * yb.cols)),
      output: new Matrix(count, this.outCols, this.outShared.subarray(0, count * this.outCols)),
    };
    return this.views;
  }

  /** Stops and terminates the workers (the process can exit). */
  async close(): Promise<void> {
    Atomics.store(this.ctrl, CTRL.command, CMD_EXIT);
    Atomics.store(this.ctrl, CTRL.generation, ++this.generation);
    Atomics.notify(this.ctrl, CTRL.generation);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
