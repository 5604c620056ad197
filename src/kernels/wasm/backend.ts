import type { DType, FloatArray } from '../../core/matrix.js';
import type { Rng } from '../../core/rng.js';
import { Block, type ActivationKernel, type KernelBackend, type Kernels, type LossKernel } from '../kernels.js';
import { typescriptLoops as ts } from '../typescript.js';
import { InputError, UnsupportedError } from '../../core/errors.js';
import { existingKernelPool, kernelCores, kernelPool, type KernelPool } from '../pool/pool.js';
import { OP, OPS, MAX_ARGS, MAX_CHUNKS, SLOT, SLOT_ARGS, stamp, traceClock, type Attach } from '../pool/protocol.js';
import { relaxedSharedWasm, relaxedWasm, simdSharedWasm, simdWasm } from './binary.js';
import { CHUNKS_PER_THREAD, cutAt, finerPanels, forwardHalves, halfBlocks, MIN_COSTLY_ELEMENTS_PER_PART, MIN_ELEMENTS_PER_PART, MIN_MACS_PER_PART, MIN_MACS_TO_CUT, partsFor, productCut } from './split.js';

/** The functions the kernel module exports (pointers are byte offsets into its memory). */
interface Exports {
  gemmNN(a: number, b: number, out: number, m: number, k: number, n: number, acc: number): void;
  gemmNT(d: number, w: number, out: number, m: number, n: number, k: number, acc: number): void;
  gemmTN(x: number, d: number, out: number, m: number, k: number, n: number, acc: number): void;
  denseForward(x: number, w: number, z: number, m: number, k: number, n: number, bias: number, kind: number, alpha: number, a: number): void;
  gemmNNStepsPart(a: number, b: number, out: number, m: number, k: number, n: number, t0: number, t1: number, r0: number, r1: number, c0: number, c1: number, packed: number): void;
  denseSumPart(z: number, a: number, n: number, r0: number, r1: number, bias: number, kind: number, alpha: number): void;
  addRowVector(out: number, bias: number, m: number, n: number): void;
  columnSums(d: number, out: number, m: number, n: number, acc: number): void;
  multiply(a: number, b: number, out: number, n: number): void;
  activationForward(kind: number, alpha: number, z: number, a: number, rows: number, cols: number): void;
  activationBackward(kind: number, alpha: number, z: number, a: number, dA: number, dZ: number, rows: number, cols: number): void;
  fusedLossGradient(sparse: number, p: number, y: number, out: number, m: number, k: number, scale: number): void;
  scaledDifference(p: number, y: number, out: number, n: number, scale: number): void;
  sgd(w: number, g: number, n: number, lr: number): number;
  addPenaltyGradient(w: number, g: number, n: number, l1: number, l2: number): number;
  dropoutMask(mask: number, n: number, keep: number, scale: number, state: number): void;
  sgdMomentum(w: number, g: number, v: number, n: number, lr: number, mu: number, nesterov: number): number;
  adam(w: number, g: number, m: number, v: number, n: number, alpha: number, b1: number, b2: number, eps: number): number;
  rmsprop(w: number, g: number, s: number, u: number, n: number, lr: number, rho: number, mu: number, eps: number): number;
  adagrad(w: number, g: number, s: number, n: number, lr: number, eps: number): number;
  flushBelow(x: number, n: number, below: number): void;
  allFinite(x: number, n: number): number;
  setScratch(ptr: number, bytes: number): void;
  packBytes(): number;
  packs(M: number, T: number, N: number): number;
}

/** Largest shared memory: wasm32's 4 GiB (65536 pages), as the shared builds declare. */
const SHARED_MAX_PAGES = 65536;
let nextInstanceId = 1;
let autoNoticeShown = false;
let defaultThreads: number | 'auto' = 'auto';

/**
 * The threads setting of models built from now on ('auto' unless changed): a process that runs
 * several trainings side by side (search or cross-validation jobs) gives each one thread.
 */
export function setDefaultThreads(setting: number | 'auto'): void {
  if (setting !== 'auto' && !(Number.isInteger(setting) && setting >= 1 && setting <= 256)) {
    throw new InputError(`setDefaultThreads: threads must be 'auto' or an integer from 1 to 256, got ${String(setting)}`);
  }
  defaultThreads = setting;
}

/** Drops a collected model's kernel instances from the kernel threads. */
const instances = new FinalizationRegistry<{ pool: KernelPool; id: number }>(({ pool, id }) => pool.forget(id));

/** Activation codes of the module (assembly/index.ts); the others run the TypeScript loops on the views. */
const ACTIVATION_CODES: Partial<Record<ActivationKernel, number>> = { linear: 0, sigmoid: 1, tanh: 2, relu: 3, leakyRelu: 4, softmax: 5 };

const PAGE = 65536;
/** Below this the module keeps its constants (exp tables); allocations start here. */
const HEAP_START = PAGE;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The kernels of one model over its own WebAssembly memory. Memory is a bump allocator sized
 * when the model is built or its batch size changes (`reserve`). A shared memory (the shared
 * builds, wherever SharedArrayBuffer exists) grows in place, and kernel threads (`useThreads`)
 * run slices of the large calls on it; an ordinary memory, when it must grow, moves to a larger
 * one (a fresh instance of the compiled module), views taken before staying readable as stale
 * copies. Either way every Block is pointed at the current buffer. A call whose operands are not
 * all current views of this memory runs the TypeScript loop on them instead (`fallbacks` counts
 * those: a training step makes none).
 */
class WasmKernels implements Kernels {
  readonly name = 'wasm';
  readonly dtype: DType = 'float32';
  generation = 0;
  /** Calls that ran the TypeScript loop because an operand was not in this memory. */
  fallbacks = 0;
  /** Byte offset of four words that carry a generator's state into and out of dropoutMask (taken at open: an allocation there could move the memory under the caller's views). */
  private readonly rngAt: number;
  private rngWords: Int32Array | undefined;
  private memory: WebAssembly.Memory;
  private buffer: ArrayBufferLike;
  private f32: Float32Array;
  private x!: Exports;
  /** The exports a kernel thread may be asked to run, in OPS order (thread 0's slice runs here). */
  private fns: ((...a: number[]) => number)[] = [];
  /** Threads the large calls are cut over (1: this one only). */
  threads = 1;
  private setting: number | 'auto' = 1;
  /** This memory's id in the kernel threads, which threads hold an instance on it, and their packing buffers. */
  private readonly id = nextInstanceId++;
  private pool: KernelPool | undefined;
  private attachedThreads = 1;
  private readonly threadScratch: number[] = [];
  private readonly args = new Float64Array(MAX_ARGS);
  private lastParts = 1;
  /** Tests: cut every call that has two units of work, however small (`useThreads(n, true)`). */
  private cutSmall = false;
  /** Work of this thread to run during the next cut call (defer). */
  private readonly deferred: (() => void)[] = [];
  /** A deferred task is running: no call is cut (the pool runs one call at a time). */
  private inTask = false;
  /** Whether the last product was cut over the threads (the passes after it are cut only then). */
  private productsCut = false;
  /** The kernel threads are being started in the background. */
  private starting = false;
  private top = HEAP_START;
  private readonly blocks: Block[] = [];
  private readonly offsets: number[] = [];
  /** The products' packing buffer (taken first, so it never moves: the module keeps its offset). */
  private readonly scratch: { offset: number; bytes: number };

  constructor(private readonly module: WebAssembly.Module, readonly description: string, readonly shared: boolean) {
    this.memory = shared ? new WebAssembly.Memory({ initial: 16, maximum: SHARED_MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial: 16 });
    this.buffer = this.memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.instantiate();
    const bytes = this.x.packBytes();
    this.scratch = { offset: this.top, bytes };
    this.alloc(bytes / 4);
    this.x.setScratch(this.scratch.offset, bytes);
    this.rngAt = this.top;
    this.alloc(4);
    this.setThreads(defaultThreads);
  }

  private instantiate(): void {
    const instance = new WebAssembly.Instance(this.module, {
      env: {
        memory: this.memory,
        abort: () => {
          throw new Error('backprop: the WebAssembly kernels aborted');
        },
      },
    });
    this.x = instance.exports as unknown as Exports;
    const all = instance.exports as unknown as Record<string, (...a: number[]) => number>;
    this.fns = OPS.map((name) => all[name]!);
    // A fresh instance (after the memory moved) starts without its packing buffer.
    if (this.scratch !== undefined) this.x.setScratch(this.scratch.offset, this.scratch.bytes);
  }

  alloc(length: number): Block {
    // Whole cache lines: two threads writing neighbouring blocks (or chunks of one, cut at
    // multiples of 16 floats) never share a line.
    const bytes = Math.ceil((length * 4) / 64) * 64;
    this.reserve(bytes);
    const offset = this.top;
    this.top += bytes;
    const block = new Block(new Float32Array(this.buffer, offset, length), this);
    this.blocks.push(block);
    this.offsets.push(offset);
    return block;
  }

  reserve(bytes: number): void {
    const needed = this.top + bytes;
    if (needed <= this.buffer.byteLength) return;
    // Room to spare, so that growing batch sizes grow it rarely.
    const pages = Math.ceil((needed * 1.5) / PAGE);
    if (this.shared) {
      const have = this.buffer.byteLength / PAGE;
      if (Math.ceil(needed / PAGE) > SHARED_MAX_PAGES) throw new UnsupportedError(`the wasm backend's memory cannot hold ${needed} bytes (4 GiB at most)`);
      this.memory.grow(Math.min(pages, SHARED_MAX_PAGES) - have);
    } else {
      const old = new Uint8Array(this.buffer, 0, this.top);
      this.memory = new WebAssembly.Memory({ initial: pages });
      new Uint8Array(this.memory.buffer).set(old);
      this.instantiate();
    }
    this.buffer = this.memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks[i]!;
      b.data = new Float32Array(this.buffer, this.offsets[i]!, b.data.length);
    }
    this.generation++;
  }

  owns(x: FloatArray): boolean {
    return x.buffer === this.buffer;
  }

  /**
   * Cuts the large calls over `setting` threads from now on: a count (1: none), or 'auto' (the
   * cores, where the memory is shared). The kernel threads start, and get an instance of the
   * module on this memory, at the first call large enough to cut (batch 1 of a small network never
   * starts them). A count > 1 that cannot run here is an UnsupportedError naming why; 'auto' then
   * means 1. `cutSmall` (tests) cuts every call with two units of work.
   */
  setThreads(setting: number | 'auto', cutSmall = false): void {
    this.cutSmall = cutSmall;
    this.setting = setting;
    if (setting === 'auto') {
      this.threads = this.threadsBlocker() === undefined ? kernelCores() : 1;
      return;
    }
    if (setting > 1) {
      const blocker = this.threadsBlocker();
      if (blocker !== undefined) throw new UnsupportedError(`threads ${setting} is not available here: ${blocker}; use threads: 1`);
    }
    this.threads = Math.max(1, setting);
  }

  /** The threads setting ('auto' until setThreads). */
  get threadSetting(): number | 'auto' {
    return this.setting;
  }

  /** Why calls cannot be cut over threads here, or undefined when they can. */
  threadsBlocker(): string | undefined {
    const pool = kernelPool();
    if (typeof pool === 'string') return pool;
    return this.shared ? undefined : 'kernel threads need a shared WebAssembly memory (SharedArrayBuffer: Node.js, or a cross-origin isolated page)';
  }

  /** Tests and benchmarks: sets a count and starts the threads (yielding, never blocking); resolves to the count in use. */
  async useThreads(count: number, cutSmall = false): Promise<number> {
    this.setThreads(count, cutSmall);
    await this.prepareThreads();
    return this.threads;
  }

  /** Whether the kernel threads are running and hold this memory; starts and attaches them if not. */
  private ready(): boolean {
    const pool = this.pool;
    if (pool !== undefined && pool === existingKernelPool() && this.attachedThreads >= this.threads) return true;
    // Workers already running (Node) take a new memory synchronously. Starting workers is never
    // done by blocking here: a worker's modules may load through loader hooks that need this
    // thread's event loop (tsx registered at run time), so they start in the background and this
    // call runs uncut; later calls use them (same bits either way).
    const existing = kernelPool();
    try {
      if (typeof existing === 'object' && existing.kind === 'node' && existing.threads >= this.threads) {
        this.start();
        return true;
      }
    } catch (e) {
      this.fallBack(e);
      return false;
    }
    if (!this.starting) {
      this.starting = true;
      void this.prepareThreads().finally(() => {
        this.starting = false;
      });
    }
    return false;
  }

  /** A count the caller asked for must start; 'auto' (the default) goes on with 1 thread and a one-time notice. */
  private fallBack(e: unknown): void {
    if (this.setting !== 'auto') throw e;
    if (!autoNoticeShown) {
      autoNoticeShown = true;
      console.warn(`backprop: computing on 1 thread: threads 'auto' chose ${this.threads}, but ${e instanceof Error ? e.message : String(e)}`);
    }
    this.threads = 1;
  }

  /** Attaches this memory to kernel threads that are already running (Node: synchronously). */
  private start(): void {
    const pool = this.poolFor();
    if (this.attachedThreads < pool.threads) {
      pool.attachSync(this.attachedThreads, this.attachment());
      this.attachedThreads = pool.threads;
    }
    this.threads = Math.min(this.threads, pool.threads);
  }

  /**
   * Starts the kernel threads and attaches this memory, yielding while workers start (a browser's
   * Web Workers start and take messages only when the caller yields; a Node worker's modules may
   * load through hooks on this thread): a run awaits it before its first step when its products
   * will be cut. 'auto' falls back to 1 thread.
   */
  async prepareThreads(): Promise<void> {
    if (this.threads <= 1) return;
    try {
      const pool = this.poolFor();
      await pool.prepare(this.threads, () => this.attachedThreads, this.attachment());
      this.attachedThreads = pool.threads;
      this.threads = Math.min(this.threads, pool.threads);
    } catch (e) {
      this.fallBack(e);
    }
  }

  private poolFor(): KernelPool {
    const pool = kernelPool();
    if (typeof pool === 'string') throw new UnsupportedError(pool);
    if (this.pool !== pool) {
      this.pool = pool;
      this.attachedThreads = 1;
      instances.register(this, { pool, id: this.id });
    }
    return pool;
  }

  /** Worker w's attach data, with a packing buffer of its own taken from this memory (the first time w asks). */
  private attachment(): (w: number) => Attach {
    const bytes = this.x.packBytes();
    return (w) => {
      let scratch = this.threadScratch[w];
      if (scratch === undefined) {
        scratch = this.top;
        this.alloc(bytes / 4);
        this.threadScratch[w] = scratch;
      }
      return { id: this.id, module: this.module, memory: this.memory, scratch, scratchBytes: bytes };
    };
  }

  /**
   * Runs op over `parts` chunks: chunk p's arguments from `fill(p, args)`. Every thread, this one
   * included, claims chunks until none is left (a thread that is late finds none: this one then
   * runs them all). Returns the sum of the chunks' results.
   */
  private cut(op: number, parts: number, fill: (p: number, args: Float64Array) => void): number {
    const pool = this.pool!;
    const args = this.args;
    for (let p = 0; p < parts; p++) {
      fill(p, args);
      pool.post(p, args);
    }
    const tracer = pool.tracer;
    const published = tracer === undefined ? 0 : traceClock();
    pool.go(op, this.id, parts, this.threads);
    const f = this.fns[op]!;
    let error: unknown;
    // Deferred work of this thread first: the other threads claim the chunks meanwhile.
    if (this.deferred.length > 0) {
      try {
        this.runDeferred();
      } catch (e) {
        error = e;
      }
    }
    const started = performance.now();
    let own = 0;
    for (let c = pool.claim(); c >= 0; c = pool.claim()) {
      own++;
      let r = 0;
      // After an error the remaining chunks are only counted, so that the workers' wait ends.
      if (error === undefined) {
        const start = tracer === undefined ? 0 : traceClock();
        try {
          const t = pool.tasks;
          const a = c * SLOT + SLOT_ARGS;
          r = Number(f(t[a]!, t[a + 1]!, t[a + 2]!, t[a + 3]!, t[a + 4]!, t[a + 5]!, t[a + 6]!, t[a + 7]!,
            t[a + 8]!, t[a + 9]!, t[a + 10]!, t[a + 11]!, t[a + 12]!, t[a + 13]!, t[a + 14]!, t[a + 15]!) ?? 0);
        } catch (e) {
          error = e;
        }
        if (start !== 0) stamp(pool.tasks, c, 0, start);
      }
      pool.complete(c, r);
    }
    // Wait for chunks still in progress, polling about as long as one of this thread's took (at
    // most 0.1 ms: on a busy machine a chunk's time grows with the waits for a core).
    pool.finish(parts, own === 0 ? 0.05 : Math.min(0.1, Math.max(0.02, (1.5 * (performance.now() - started)) / own)));
    if (error !== undefined) throw error;
    if (tracer !== undefined) tracer(pool.traced(op, parts, published));
    let sum = 0;
    for (let p = 0; p < parts; p++) sum += pool.result(p);
    this.lastParts = parts;
    return sum;
  }

  defer(task: () => void): void {
    if (this.threads > 1 && this.attached()) this.deferred.push(task);
    else task();
  }

  runDeferred(): void {
    const tasks = this.deferred;
    if (tasks.length === 0) return;
    // A task runs inside a cut call: its own kernel calls (a loss value) stay on this thread.
    // The list is emptied in place (a step allocates nothing), also when a task throws.
    this.inTask = true;
    try {
      for (let i = 0; i < tasks.length; i++) tasks[i]!();
    } finally {
      tasks.length = 0;
      this.inTask = false;
    }
  }

  /** A product's M×N result cut by rows (blocks of rowAlign) or columns (panels of colAlign): part p's [r0, r1, c0, c1) go to args[at..at+4). */
  private product(op: number, M: number, N: number, T: number, rowAlign: number, colAlign: number, head: (args: Float64Array) => void, tail: number | undefined): boolean {
    if (this.inTask) return false;
    const cut = this.productCut(M, N, T, rowAlign, colAlign);
    const { byColumns } = cut;
    const parts = byColumns ? finerPanels(cut.parts, M, N, T, MAX_CHUNKS) : cut.parts;
    this.productsCut = parts >= 2 && this.ready();
    if (!this.productsCut) return false;
    this.cut(op, parts, (p, a) => {
      head(a);
      a[7] = byColumns ? 0 : cutAt(p, parts, M, rowAlign);
      a[8] = byColumns ? M : cutAt(p + 1, parts, M, rowAlign);
      a[9] = byColumns ? cutAt(p, parts, N, colAlign) : 0;
      a[10] = byColumns ? cutAt(p + 1, parts, N, colAlign) : N;
      a[11] = tail ?? 0;
    });
    return true;
  }

  /** How this model's threads cut an M×N product over T steps (split.ts productCut with this model's limits). */
  private productCut(M: number, N: number, T: number, rowAlign: number, colAlign: number): { parts: number; byColumns: boolean } {
    return productCut(this.threads, this.chunkLimit, M, N, T, rowAlign, colAlign, this.min(MIN_MACS_PER_PART), this.min(this.setting === 'auto' ? MIN_MACS_TO_CUT : 2 * MIN_MACS_PER_PART));
  }

  /**
   * An elementwise call over n elements cut into ranges (multiples of 4): `pointers` byte
   * offsets advance with the range, then the length, then up to four scalars.
   */
  private streams(op: number, n: number, minPerPart: number, pointers: number, p0: number, p1: number, p2: number, p3: number, s0 = 0, s1 = 0, s2 = 0, s3 = 0): number {
    const parts = partsFor(this.chunkLimit, n, minPerPart);
    return this.cut(op, parts, (p, a) => {
      const from = cutAt(p, parts, n, 4);
      const off = from * 4;
      a[0] = p0 + off; a[1] = p1 + off; a[2] = p2 + off; a[3] = p3 + off;
      a[pointers] = cutAt(p + 1, parts, n, 4) - from;
      a[pointers + 1] = s0; a[pointers + 2] = s1; a[pointers + 3] = s2; a[pointers + 4] = s3;
    });
  }

  /** Most chunks a call is cut into: a few per thread, so that a thread whose core is taken leaves its share to the others. */
  private get chunkLimit(): number {
    return Math.min(MAX_CHUNKS, this.threads * CHUNKS_PER_THREAD);
  }

  /** A minimum amount of work per part (1 when tests cut every call). */
  private min(units: number): number {
    return this.cutSmall ? 1 : units;
  }

  /**
   * Whether an elementwise call over n elements is cut: when it is large enough, the threads
   * already hold this memory, and the last product was cut too. A pass never starts them (only a
   * product large enough to cut does), so a model whose products all stay on one thread (batch 1)
   * never touches the threads; and once a large call (a validation pass at batch 1,024) has
   * attached them, the small steps of training at batch 35 do not wake them for their optimiser
   * updates alone: a woken thread costs more than it takes (7,000 cut calls in 20 epochs of a
   * 30-256-256-1 network, none of them a product).
   */
  private wide(n: number, minPerPart: number): boolean {
    return this.threads > 1 && n >= 2 * minPerPart && (this.productsCut || this.cutSmall) && !this.inTask && this.attached();
  }

  /** Whether the running kernel threads hold this memory (no start, no attach). */
  private attached(): boolean {
    const pool = this.pool;
    return pool !== undefined && pool === existingKernelPool() && this.attachedThreads >= this.threads && pool.threads >= this.threads;
  }

  /** Bytes in use (for tests and the benchmark's memory note). */
  get bytesUsed(): number {
    return this.top;
  }

  // Each kernel runs in WebAssembly when its operands are views of this memory.
  private in2(a: FloatArray, b: FloatArray): boolean {
    const buf = this.buffer;
    if (a.buffer === buf && b.buffer === buf) return true;
    this.fallbacks++;
    return false;
  }
  private in3(a: FloatArray, b: FloatArray, c: FloatArray): boolean {
    const buf = this.buffer;
    if (a.buffer === buf && b.buffer === buf && c.buffer === buf) return true;
    this.fallbacks++;
    return false;
  }
  private in4(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray): boolean {
    const buf = this.buffer;
    if (a.buffer === buf && b.buffer === buf && c.buffer === buf && d.buffer === buf) return true;
    this.fallbacks++;
    return false;
  }

  gemmNN(a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void {
    if (!this.in3(a, b, out)) return ts.gemmNN(a, b, out, m, k, n, accumulate);
    const acc = accumulate ? 1 : 0;
    if (this.threads > 1 && this.product(OP.gemmNNPart, m, n, k, 4, 8, (x) => {
      x[0] = a.byteOffset; x[1] = b.byteOffset; x[2] = out.byteOffset; x[3] = m; x[4] = k; x[5] = n; x[6] = acc;
    }, this.x.packs(m, k, n))) return;
    this.x.gemmNN(a.byteOffset, b.byteOffset, out.byteOffset, m, k, n, acc);
  }
  gemmNT(d: FloatArray, w: FloatArray, out: FloatArray, m: number, n: number, k: number, accumulate: boolean): void {
    if (!this.in3(d, w, out)) return ts.gemmNT(d, w, out, m, n, k, accumulate);
    const acc = accumulate ? 1 : 0;
    if (this.threads > 1 && this.product(OP.gemmNTPart, m, k, n, 2, 4, (x) => {
      x[0] = d.byteOffset; x[1] = w.byteOffset; x[2] = out.byteOffset; x[3] = m; x[4] = n; x[5] = k; x[6] = acc;
    }, undefined)) return;
    this.x.gemmNT(d.byteOffset, w.byteOffset, out.byteOffset, m, n, k, acc);
  }
  gemmTN(x: FloatArray, d: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void {
    if (!this.in3(x, d, out)) return ts.gemmTN(x, d, out, m, k, n, accumulate);
    const acc = accumulate ? 1 : 0;
    if (this.threads > 1 && this.product(OP.gemmTNPart, k, n, m, 4, 8, (a) => {
      a[0] = x.byteOffset; a[1] = d.byteOffset; a[2] = out.byteOffset; a[3] = m; a[4] = k; a[5] = n; a[6] = acc;
    }, this.x.packs(k, m, n))) return;
    this.x.gemmTN(x.byteOffset, d.byteOffset, out.byteOffset, m, k, n, acc);
  }
  denseForward(x: FloatArray, w: FloatArray, bias: FloatArray | undefined, z: FloatArray, a: FloatArray, m: number, k: number, n: number, kind: ActivationKernel, alpha: number): void {
    const code = ACTIVATION_CODES[kind];
    const buf = this.buffer;
    if (x.buffer !== buf || w.buffer !== buf || z.buffer !== buf || a.buffer !== buf || (bias !== undefined && bias.buffer !== buf)) {
      // Each call on its own, each in WebAssembly where its operands are (and each counting its own fallback).
      this.gemmNN(x, w, z, m, k, n, false);
      if (bias !== undefined) this.addRowVector(z, bias, m, n);
      if (kind !== 'linear' || a !== z) this.activationForward(kind, alpha, z, a, m, n);
      return;
    }
    // The epilogue takes elementwise g the module has; softmax (row-wise) and the TypeScript-only
    // ones (step, sign, piecewiseLinear) follow as their own pass.
    const fused = code !== undefined && kind !== 'softmax';
    const g = !fused || (code === 0 && a === z) ? -1 : code;
    const b = bias === undefined ? 0 : bias.byteOffset;
    const half = a !== z ? forwardHalves(m, k, n) : 0;
    if (half > 0) this.denseForwardHalves(x.byteOffset, w.byteOffset, z.byteOffset, a.byteOffset, m, k, n, half, b, g, alpha);
    else if (!(this.threads > 1 && this.product(OP.denseForwardPart, m, n, k, 4, 8, (p) => {
      p[0] = x.byteOffset; p[1] = w.byteOffset; p[2] = z.byteOffset; p[3] = m; p[4] = k; p[5] = n; p[6] = 0;
      p[12] = b; p[13] = g; p[14] = alpha; p[15] = a.byteOffset;
    }, this.x.packs(m, k, n)))) this.x.denseForward(x.byteOffset, w.byteOffset, z.byteOffset, m, k, n, b, g, alpha, a.byteOffset);
    if (!fused && (kind !== 'linear' || a !== z)) this.activationForward(kind, alpha, z, a, m, n);
  }
  /**
   * A dense forward cut by steps (forwardHalves): z = x[:, :half]·W[:half] and a = x[:, half:]·W[half:]
   * (each half in blocks of rows and columns, halfBlocks; the first half's blocks one thread's
   * group and the second's the other's), then z = z + a, bias, a = g(z) in row blocks. The same
   * calls on one thread: the same bits.
   */
  private denseForwardHalves(x: number, w: number, z: number, a: number, m: number, k: number, n: number, half: number, bias: number, g: number, alpha: number): void {
    const packed = this.x.packs(m, half, n) ? 1 : 0;
    const cut = this.threads > 1 && this.productCut(m, n, k, 4, 8).parts >= 2;
    if (!this.inTask) this.productsCut = cut && this.ready();
    if (this.inTask || !this.productsCut) {
      this.x.gemmNNStepsPart(x, w, z, m, k, n, 0, half, 0, m, 0, n, packed);
      this.x.gemmNNStepsPart(x, w, a, m, k, n, half, k, 0, m, 0, n, packed);
      this.x.denseSumPart(z, a, n, 0, m, bias, g, alpha);
      return;
    }
    // Chunks as a product of this size would be cut into, shared by the two halves.
    const parts = partsFor(this.chunkLimit, m * n * k, this.min(MIN_MACS_PER_PART));
    const { rows, columns } = halfBlocks(m, n, Math.ceil(parts / 2));
    const each = rows * columns;
    this.cut(OP.gemmNNStepsPart, 2 * each, (p, args) => {
      const second = p >= each ? 1 : 0;
      const q = p - second * each;
      const r = Math.floor(q / columns), c = q - r * columns;
      args[0] = x; args[1] = w; args[2] = second ? a : z; args[3] = m; args[4] = k; args[5] = n;
      args[6] = second ? half : 0; args[7] = second ? k : half;
      args[8] = cutAt(r, rows, m, 4); args[9] = cutAt(r + 1, rows, m, 4);
      args[10] = cutAt(c, columns, n, 8); args[11] = cutAt(c + 1, columns, n, 8); args[12] = packed;
    });
    const blocks = Math.min(m, this.chunkLimit);
    this.cut(OP.denseSumPart, blocks, (p, args) => {
      args[0] = z; args[1] = a; args[2] = n; args[3] = cutAt(p, blocks, m, 1); args[4] = cutAt(p + 1, blocks, m, 1);
      args[5] = bias; args[6] = g; args[7] = alpha;
    });
  }
  addRowVector(out: FloatArray, bias: FloatArray, m: number, n: number): void {
    if (!this.in2(out, bias)) return ts.addRowVector(out, bias, m, n);
    if (this.wide(m * n, this.min(MIN_ELEMENTS_PER_PART)) && m >= 2) {
      const parts = Math.min(m, partsFor(this.chunkLimit, m * n, this.min(MIN_ELEMENTS_PER_PART)));
      this.cut(OP.addRowVector, parts, (p, a) => {
        const r0 = cutAt(p, parts, m, 1);
        a[0] = out.byteOffset + r0 * n * 4; a[1] = bias.byteOffset; a[2] = cutAt(p + 1, parts, m, 1) - r0; a[3] = n;
      });
      return;
    }
    this.x.addRowVector(out.byteOffset, bias.byteOffset, m, n);
  }
  columnSums(d: FloatArray, out: FloatArray, m: number, n: number, accumulate: boolean): void {
    if (!this.in2(d, out)) return ts.columnSums(d, out, m, n, accumulate);
    const acc = accumulate ? 1 : 0;
    if (this.wide(m * n, this.min(MIN_ELEMENTS_PER_PART)) && n >= 8) {
      const parts = Math.min(n >> 2, partsFor(this.chunkLimit, m * n, this.min(MIN_ELEMENTS_PER_PART)));
      this.cut(OP.columnSumsPart, parts, (p, a) => {
        a[0] = d.byteOffset; a[1] = out.byteOffset; a[2] = m; a[3] = n; a[4] = acc; a[5] = cutAt(p, parts, n, 4); a[6] = cutAt(p + 1, parts, n, 4);
      });
      return;
    }
    this.x.columnSums(d.byteOffset, out.byteOffset, m, n, acc);
  }
  multiply(a: FloatArray, b: FloatArray, out: FloatArray, n: number): void {
    if (!this.in3(a, b, out)) return ts.multiply(a, b, out, n);
    if (this.wide(n, this.min(MIN_ELEMENTS_PER_PART))) this.streams(OP.multiply, n, this.min(MIN_ELEMENTS_PER_PART), 3, a.byteOffset, b.byteOffset, out.byteOffset, 0);
    else this.x.multiply(a.byteOffset, b.byteOffset, out.byteOffset, n);
  }
  activationForward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, rows: number, cols: number): void {
    const code = ACTIVATION_CODES[kind];
    if (code === undefined || !this.in2(z, a)) return ts.activationForward(kind, alpha, z, a, rows, cols);
    const min = code === 0 || code === 3 || code === 4 ? this.min(MIN_ELEMENTS_PER_PART) : this.min(MIN_COSTLY_ELEMENTS_PER_PART);
    if (this.wide(rows * cols, min) && (code !== 5 || rows >= 2)) {
      const n = rows * cols;
      // softmax: blocks of rows; the others: ranges of elements (as one row).
      const parts = code === 5 ? Math.min(rows, partsFor(this.chunkLimit, n, min)) : partsFor(this.chunkLimit, n, min);
      this.cut(OP.activationForward, parts, (p, x) => {
        const from = code === 5 ? cutAt(p, parts, rows, 1) * cols : cutAt(p, parts, n, 4);
        const to = code === 5 ? cutAt(p + 1, parts, rows, 1) * cols : cutAt(p + 1, parts, n, 4);
        x[0] = code; x[1] = alpha; x[2] = z.byteOffset + from * 4; x[3] = a.byteOffset + from * 4;
        x[4] = code === 5 ? (to - from) / cols : 1; x[5] = code === 5 ? cols : to - from;
      });
      return;
    }
    this.x.activationForward(code, alpha, z.byteOffset, a.byteOffset, rows, cols);
  }
  activationBackward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, rows: number, cols: number): void {
    const code = ACTIVATION_CODES[kind];
    if (code === undefined || !this.in4(z, a, dA, dZ)) return ts.activationBackward(kind, alpha, z, a, dA, dZ, rows, cols);
    const min = code === 5 ? this.min(MIN_COSTLY_ELEMENTS_PER_PART) : this.min(MIN_ELEMENTS_PER_PART);
    if (this.wide(rows * cols, min) && (code !== 5 || rows >= 2)) {
      const n = rows * cols;
      const parts = code === 5 ? Math.min(rows, partsFor(this.chunkLimit, n, min)) : partsFor(this.chunkLimit, n, min);
      this.cut(OP.activationBackward, parts, (p, x) => {
        const from = code === 5 ? cutAt(p, parts, rows, 1) * cols : cutAt(p, parts, n, 4);
        const to = code === 5 ? cutAt(p + 1, parts, rows, 1) * cols : cutAt(p + 1, parts, n, 4);
        const off = from * 4;
        x[0] = code; x[1] = alpha; x[2] = z.byteOffset + off; x[3] = a.byteOffset + off; x[4] = dA.byteOffset + off; x[5] = dZ.byteOffset + off;
        x[6] = code === 5 ? (to - from) / cols : 1; x[7] = code === 5 ? cols : to - from;
      });
      return;
    }
    this.x.activationBackward(code, alpha, z.byteOffset, a.byteOffset, dA.byteOffset, dZ.byteOffset, rows, cols);
  }
  logSoftmaxRows(z: FloatArray, out: FloatArray, m: number, n: number): void {
    ts.logSoftmaxRows(z, out, m, n);
  }
  // Loss values are m·k reads with logarithms, once per step: the TypeScript loop on the views
  // (float64 accumulation) costs nothing measurable here.
  lossValue(kind: LossKernel, p: FloatArray, y: FloatArray, m: number, k: number): number {
    return ts.lossValue(kind, p, y, m, k);
  }
  lossGradient(kind: LossKernel, p: FloatArray, y: FloatArray, out: FloatArray, m: number, k: number, scale: number): void {
    if ((kind !== 'mse' && kind !== 'sse') || !this.in3(p, y, out)) return ts.lossGradient(kind, p, y, out, m, k, scale);
    if (this.wide(m * k, this.min(MIN_ELEMENTS_PER_PART))) this.streams(OP.scaledDifference, m * k, this.min(MIN_ELEMENTS_PER_PART), 3, p.byteOffset, y.byteOffset, out.byteOffset, 0, scale);
    else this.x.scaledDifference(p.byteOffset, y.byteOffset, out.byteOffset, m * k, scale);
  }
  fusedLossGradient(sparse: boolean, p: FloatArray, y: FloatArray, out: FloatArray, m: number, k: number, scale: number): void {
    if (!this.in3(p, y, out)) return ts.fusedLossGradient(sparse, p, y, out, m, k, scale);
    if (this.wide(m * k, this.min(MIN_ELEMENTS_PER_PART)) && m >= 2) {
      const parts = Math.min(m, partsFor(this.chunkLimit, m * k, this.min(MIN_ELEMENTS_PER_PART)));
      this.cut(OP.fusedLossGradient, parts, (q, a) => {
        const r0 = cutAt(q, parts, m, 1);
        a[0] = sparse ? 1 : 0; a[1] = p.byteOffset + r0 * k * 4; a[2] = y.byteOffset + r0 * (sparse ? 1 : k) * 4; a[3] = out.byteOffset + r0 * k * 4;
        a[4] = cutAt(q + 1, parts, m, 1) - r0; a[5] = k; a[6] = scale;
      });
      return;
    }
    this.x.fusedLossGradient(sparse ? 1 : 0, p.byteOffset, y.byteOffset, out.byteOffset, m, k, scale);
  }
  // The optimiser updates: ranges of each tensor, their overflow probes summed (0, or NaN).
  sgd(w: FloatArray, g: FloatArray, n: number, lr: number): number {
    if (!this.in2(w, g)) return ts.sgd(w, g, n, lr);
    if (this.wide(n, this.min(MIN_COSTLY_ELEMENTS_PER_PART))) return this.streams(OP.sgd, n, this.min(MIN_COSTLY_ELEMENTS_PER_PART), 2, w.byteOffset, g.byteOffset, 0, 0, lr);
    return this.x.sgd(w.byteOffset, g.byteOffset, n, lr);
  }
  sgdMomentum(w: FloatArray, g: FloatArray, v: FloatArray, n: number, lr: number, mu: number, nesterov: boolean): number {
    if (!this.in3(w, g, v)) return ts.sgdMomentum(w, g, v, n, lr, mu, nesterov);
    if (this.wide(n, this.min(MIN_COSTLY_ELEMENTS_PER_PART))) return this.streams(OP.sgdMomentum, n, this.min(MIN_COSTLY_ELEMENTS_PER_PART), 3, w.byteOffset, g.byteOffset, v.byteOffset, 0, lr, mu, nesterov ? 1 : 0);
    return this.x.sgdMomentum(w.byteOffset, g.byteOffset, v.byteOffset, n, lr, mu, nesterov ? 1 : 0);
  }
  adam(w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, n: number, alpha: number, beta1: number, beta2: number, eps: number): number {
    if (!this.in4(w, g, m, v)) return ts.adam(w, g, m, v, n, alpha, beta1, beta2, eps);
    if (this.wide(n, this.min(MIN_COSTLY_ELEMENTS_PER_PART))) return this.streams(OP.adam, n, this.min(MIN_COSTLY_ELEMENTS_PER_PART), 4, w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, alpha, beta1, beta2, eps);
    return this.x.adam(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, alpha, beta1, beta2, eps);
  }
  rmsprop(w: FloatArray, g: FloatArray, s: FloatArray, u: FloatArray, n: number, lr: number, rho: number, mu: number, eps: number): number {
    if (!this.in4(w, g, s, u)) return ts.rmsprop(w, g, s, u, n, lr, rho, mu, eps);
    if (this.wide(n, this.min(MIN_COSTLY_ELEMENTS_PER_PART))) return this.streams(OP.rmsprop, n, this.min(MIN_COSTLY_ELEMENTS_PER_PART), 4, w.byteOffset, g.byteOffset, s.byteOffset, u.byteOffset, lr, rho, mu, eps);
    return this.x.rmsprop(w.byteOffset, g.byteOffset, s.byteOffset, u.byteOffset, n, lr, rho, mu, eps);
  }
  adagrad(w: FloatArray, g: FloatArray, s: FloatArray, n: number, lr: number, eps: number): number {
    if (!this.in3(w, g, s)) return ts.adagrad(w, g, s, n, lr, eps);
    if (this.wide(n, this.min(MIN_COSTLY_ELEMENTS_PER_PART))) return this.streams(OP.adagrad, n, this.min(MIN_COSTLY_ELEMENTS_PER_PART), 3, w.byteOffset, g.byteOffset, s.byteOffset, 0, lr, eps);
    return this.x.adagrad(w.byteOffset, g.byteOffset, s.byteOffset, n, lr, eps);
  }
  /** Uncut: it runs once in STATE_FLUSH_EVERY steps. */
  flushBelow(x: FloatArray, n: number, below: number): void {
    if (x.buffer !== this.buffer) return ts.flushBelow(x, n, below);
    this.x.flushBelow(x.byteOffset, n, below);
  }
  // Clipping, penalties, dropout masks (drawn from the seeded JavaScript Rng), batch norm, row
  // gathers: TypeScript loops run directly on the views of this memory (no copies).
  clipByValue(g: FloatArray, n: number, c: number): void {
    ts.clipByValue(g, n, c);
  }
  scale(x: FloatArray, n: number, s: number): void {
    ts.scale(x, n, s);
  }
  sumOfSquares(x: FloatArray, n: number): number {
    return ts.sumOfSquares(x, n);
  }
  penalty(w: FloatArray, n: number, l1: number, l2: number): number {
    return ts.penalty(w, n, l1, l2);
  }
  addPenaltyGradient(w: FloatArray, grad: FloatArray, n: number, l1: number, l2: number): number {
    if (!this.in2(w, grad)) return ts.addPenaltyGradient(w, grad, n, l1, l2);
    return this.x.addPenaltyGradient(w.byteOffset, grad.byteOffset, n, l1, l2);
  }
  dropoutMask(rng: Rng, mask: FloatArray, n: number, rate: number): void {
    if (n <= 0 || mask.buffer !== this.buffer) return ts.dropoutMask(rng, mask, n, rate);
    // The generator's four words go through a small block of this memory and come back: the
    // masks and the state after them are the TypeScript kernel's (tested), at a tenth of its time.
    // One view per memory buffer, not one per call: this runs every step of every dropout layer.
    if (this.rngWords?.buffer !== this.buffer) this.rngWords = new Int32Array(this.buffer, this.rngAt, 4);
    rng.writeWords(this.rngWords);
    const keep = 1 - rate;
    this.x.dropoutMask(mask.byteOffset, n, keep, 1 / keep, this.rngAt);
    rng.readWords(this.rngWords);
  }
  batchNormForward(x: FloatArray, gamma: FloatArray, beta: FloatArray, movingMean: FloatArray, movingVariance: FloatArray,
    xhat: FloatArray, out: FloatArray, invStd: FloatArray, m: number, n: number, training: boolean, momentum: number, epsilon: number): void {
    ts.batchNormForward(x, gamma, beta, movingMean, movingVariance, xhat, out, invStd, m, n, training, momentum, epsilon);
  }
  batchNormBackward(dy: FloatArray, xhat: FloatArray, gamma: FloatArray, invStd: FloatArray, dGamma: FloatArray, dBeta: FloatArray,
    dX: FloatArray | undefined, m: number, n: number, training: boolean, accumulate: boolean): void {
    ts.batchNormBackward(dy, xhat, gamma, invStd, dGamma, dBeta, dX, m, n, training, accumulate);
  }
  allFinite(x: FloatArray, n: number): boolean {
    if (x.buffer !== this.buffer) return ts.allFinite(x, n);
    // Each slice answers 1 (all finite) or 0.
    if (this.wide(n, this.min(MIN_ELEMENTS_PER_PART))) return this.streams(OP.allFinite, n, this.min(MIN_ELEMENTS_PER_PART), 1, x.byteOffset, 0, 0, 0) === this.lastParts;
    return this.x.allFinite(x.byteOffset, n) !== 0;
  }
  gatherRows(src: FloatArray, n: number, indices: Int32Array, start: number, count: number, out: FloatArray): void {
    ts.gatherRows(src, n, indices, start, count, out);
  }
  copyRows(src: FloatArray, n: number, start: number, count: number, out: FloatArray): void {
    ts.copyRows(src, n, start, count, out);
  }
}

let loaded: KernelBackend | string | undefined;

/**
 * The WebAssembly SIMD backend (the relaxed-SIMD build where the engine validates it, else plain
 * SIMD), or the reason it cannot run here. Compiled once, on first use.
 */
export function loadWasmBackend(): KernelBackend | string {
  if (loaded !== undefined) return loaded;
  loaded = compile();
  return loaded;
}

/** Whether this engine can share a WebAssembly memory with workers (SharedArrayBuffer exists: Node, or a cross-origin isolated page). */
function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (g.crossOriginIsolated === false) return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

function compile(): KernelBackend | string {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return 'WebAssembly is not available';
  try {
    const shared = sharedMemoryAvailable();
    const relaxed = decode(shared ? relaxedSharedWasm : relaxedWasm);
    const simd = decode(shared ? simdSharedWasm : simdWasm);
    let bytes: Uint8Array<ArrayBuffer>;
    let description: string;
    if (WebAssembly.validate(relaxed)) {
      bytes = relaxed;
      description = 'wasm (relaxed SIMD)';
    } else if (WebAssembly.validate(simd)) {
      bytes = simd;
      description = 'wasm (SIMD)';
    } else {
      return 'this engine has no WebAssembly SIMD';
    }
    const module = new WebAssembly.Module(bytes);
    return {
      name: 'wasm',
      dtypes: ['float32'],
      open: (dtype) => {
        if (dtype !== 'float32') throw new Error(`backprop: the wasm backend computes in float32, not ${dtype}`);
        return new WasmKernels(module, description, shared);
      },
    };
  } catch (e) {
    return `the WebAssembly kernels failed to load (${e instanceof Error ? e.message : String(e)})`;
  }
}
