import type { DType, FloatArray } from '../../core/matrix.js';
import type { Rng } from '../../core/rng.js';
import { Block, type ActivationKernel, type KernelBackend, type Kernels, type LossKernel } from '../kernels.js';
import { typescriptLoops as ts } from '../typescript.js';
import { relaxedWasm, simdWasm } from './binary.js';

/** The functions the kernel module exports (pointers are byte offsets into its memory). */
interface Exports {
  gemmNN(a: number, b: number, out: number, m: number, k: number, n: number, acc: number): void;
  gemmNT(d: number, w: number, out: number, m: number, n: number, k: number, acc: number): void;
  gemmTN(x: number, d: number, out: number, m: number, k: number, n: number, acc: number): void;
  addRowVector(out: number, bias: number, m: number, n: number): void;
  columnSums(d: number, out: number, m: number, n: number, acc: number): void;
  multiply(a: number, b: number, out: number, n: number): void;
  activationForward(kind: number, alpha: number, z: number, a: number, rows: number, cols: number): void;
  activationBackward(kind: number, alpha: number, z: number, a: number, dA: number, dZ: number, rows: number, cols: number): void;
  fusedLossGradient(sparse: number, p: number, y: number, out: number, m: number, k: number, scale: number): void;
  scaledDifference(p: number, y: number, out: number, n: number, scale: number): void;
  sgd(w: number, g: number, n: number, lr: number): number;
  sgdMomentum(w: number, g: number, v: number, n: number, lr: number, mu: number, nesterov: number): number;
  adam(w: number, g: number, m: number, v: number, n: number, alpha: number, b1: number, b2: number, eps: number): number;
  rmsprop(w: number, g: number, s: number, u: number, n: number, lr: number, rho: number, mu: number, eps: number): number;
  adagrad(w: number, g: number, s: number, n: number, lr: number, eps: number): number;
  allFinite(x: number, n: number): number;
  setScratch(ptr: number, bytes: number): void;
  packBytes(): number;
}

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
 * when the model is built or its batch size changes (`reserve`); when it must grow, the contents
 * move to a larger memory (a fresh instance of the compiled module) and every Block is pointed at
 * the new place, so views taken before stay readable (stale copies). A call whose operands are
 * not all current views of this memory runs the TypeScript loop on them instead (`fallbacks`
 * counts those: a training step makes none).
 */
class WasmKernels implements Kernels {
  readonly name = 'wasm';
  readonly dtype: DType = 'float32';
  generation = 0;
  /** Calls that ran the TypeScript loop because an operand was not in this memory. */
  fallbacks = 0;
  private memory: WebAssembly.Memory;
  private f32: Float32Array;
  private x!: Exports;
  private top = HEAP_START;
  private readonly blocks: Block[] = [];
  private readonly offsets: number[] = [];
  /** The products' packing buffer (taken first, so it never moves: the module keeps its offset). */
  private readonly scratch: { offset: number; bytes: number };

  constructor(private readonly module: WebAssembly.Module, readonly description: string) {
    this.memory = new WebAssembly.Memory({ initial: 16 });
    this.f32 = new Float32Array(this.memory.buffer);
    this.instantiate();
    const bytes = this.x.packBytes();
    this.scratch = { offset: this.top, bytes };
    this.alloc(bytes / 4);
    this.x.setScratch(this.scratch.offset, bytes);
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
    // A fresh instance (after the memory moved) starts without its packing buffer.
    if (this.scratch !== undefined) this.x.setScratch(this.scratch.offset, this.scratch.bytes);
  }

  alloc(length: number): Block {
    const bytes = Math.ceil((length * 4) / 16) * 16;
    this.reserve(bytes);
    const offset = this.top;
    this.top += bytes;
    const block = new Block(new Float32Array(this.memory.buffer, offset, length), this);
    this.blocks.push(block);
    this.offsets.push(offset);
    return block;
  }

  reserve(bytes: number): void {
    const needed = this.top + bytes;
    if (needed <= this.memory.buffer.byteLength) return;
    // Move to a memory with room to spare, so that growing batch sizes move it rarely.
    const pages = Math.ceil((needed * 1.5) / PAGE);
    const old = new Uint8Array(this.memory.buffer, 0, this.top);
    this.memory = new WebAssembly.Memory({ initial: pages });
    new Uint8Array(this.memory.buffer).set(old);
    this.f32 = new Float32Array(this.memory.buffer);
    this.instantiate();
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks[i]!;
      b.data = new Float32Array(this.memory.buffer, this.offsets[i]!, b.data.length);
    }
    this.generation++;
  }

  owns(x: FloatArray): boolean {
    return x.buffer === this.memory.buffer;
  }

  /** Bytes in use (for tests and the benchmark's memory note). */
  get bytesUsed(): number {
    return this.top;
  }

  // Each kernel runs in WebAssembly when its operands are views of this memory.
  private in2(a: FloatArray, b: FloatArray): boolean {
    const buf = this.memory.buffer;
    if (a.buffer === buf && b.buffer === buf) return true;
    this.fallbacks++;
    return false;
  }
  private in3(a: FloatArray, b: FloatArray, c: FloatArray): boolean {
    const buf = this.memory.buffer;
    if (a.buffer === buf && b.buffer === buf && c.buffer === buf) return true;
    this.fallbacks++;
    return false;
  }
  private in4(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray): boolean {
    const buf = this.memory.buffer;
    if (a.buffer === buf && b.buffer === buf && c.buffer === buf && d.buffer === buf) return true;
    this.fallbacks++;
    return false;
  }

  gemmNN(a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void {
    if (this.in3(a, b, out)) this.x.gemmNN(a.byteOffset, b.byteOffset, out.byteOffset, m, k, n, accumulate ? 1 : 0);
    else ts.gemmNN(a, b, out, m, k, n, accumulate);
  }
  gemmNT(d: FloatArray, w: FloatArray, out: FloatArray, m: number, n: number, k: number, accumulate: boolean): void {
    if (this.in3(d, w, out)) this.x.gemmNT(d.byteOffset, w.byteOffset, out.byteOffset, m, n, k, accumulate ? 1 : 0);
    else ts.gemmNT(d, w, out, m, n, k, accumulate);
  }
  gemmTN(x: FloatArray, d: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void {
    if (this.in3(x, d, out)) this.x.gemmTN(x.byteOffset, d.byteOffset, out.byteOffset, m, k, n, accumulate ? 1 : 0);
    else ts.gemmTN(x, d, out, m, k, n, accumulate);
  }
  addRowVector(out: FloatArray, bias: FloatArray, m: number, n: number): void {
    if (this.in2(out, bias)) this.x.addRowVector(out.byteOffset, bias.byteOffset, m, n);
    else ts.addRowVector(out, bias, m, n);
  }
  columnSums(d: FloatArray, out: FloatArray, m: number, n: number, accumulate: boolean): void {
    if (this.in2(d, out)) this.x.columnSums(d.byteOffset, out.byteOffset, m, n, accumulate ? 1 : 0);
    else ts.columnSums(d, out, m, n, accumulate);
  }
  multiply(a: FloatArray, b: FloatArray, out: FloatArray, n: number): void {
    if (this.in3(a, b, out)) this.x.multiply(a.byteOffset, b.byteOffset, out.byteOffset, n);
    else ts.multiply(a, b, out, n);
  }
  activationForward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, rows: number, cols: number): void {
    const code = ACTIVATION_CODES[kind];
    if (code !== undefined && this.in2(z, a)) this.x.activationForward(code, alpha, z.byteOffset, a.byteOffset, rows, cols);
    else ts.activationForward(kind, alpha, z, a, rows, cols);
  }
  activationBackward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, rows: number, cols: number): void {
    const code = ACTIVATION_CODES[kind];
    if (code !== undefined && this.in4(z, a, dA, dZ)) this.x.activationBackward(code, alpha, z.byteOffset, a.byteOffset, dA.byteOffset, dZ.byteOffset, rows, cols);
    else ts.activationBackward(kind, alpha, z, a, dA, dZ, rows, cols);
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
    if ((kind === 'mse' || kind === 'sse') && this.in3(p, y, out)) this.x.scaledDifference(p.byteOffset, y.byteOffset, out.byteOffset, m * k, scale);
    else ts.lossGradient(kind, p, y, out, m, k, scale);
  }
  fusedLossGradient(sparse: boolean, p: FloatArray, y: FloatArray, out: FloatArray, m: number, k: number, scale: number): void {
    if (this.in3(p, y, out)) this.x.fusedLossGradient(sparse ? 1 : 0, p.byteOffset, y.byteOffset, out.byteOffset, m, k, scale);
    else ts.fusedLossGradient(sparse, p, y, out, m, k, scale);
  }
  sgd(w: FloatArray, g: FloatArray, n: number, lr: number): number {
    return this.in2(w, g) ? this.x.sgd(w.byteOffset, g.byteOffset, n, lr) : ts.sgd(w, g, n, lr);
  }
  sgdMomentum(w: FloatArray, g: FloatArray, v: FloatArray, n: number, lr: number, mu: number, nesterov: boolean): number {
    return this.in3(w, g, v) ? this.x.sgdMomentum(w.byteOffset, g.byteOffset, v.byteOffset, n, lr, mu, nesterov ? 1 : 0) : ts.sgdMomentum(w, g, v, n, lr, mu, nesterov);
  }
  adam(w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, n: number, alpha: number, beta1: number, beta2: number, eps: number): number {
    return this.in4(w, g, m, v)
      ? this.x.adam(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, alpha, beta1, beta2, eps)
      : ts.adam(w, g, m, v, n, alpha, beta1, beta2, eps);
  }
  rmsprop(w: FloatArray, g: FloatArray, s: FloatArray, u: FloatArray, n: number, lr: number, rho: number, mu: number, eps: number): number {
    return this.in4(w, g, s, u)
      ? this.x.rmsprop(w.byteOffset, g.byteOffset, s.byteOffset, u.byteOffset, n, lr, rho, mu, eps)
      : ts.rmsprop(w, g, s, u, n, lr, rho, mu, eps);
  }
  adagrad(w: FloatArray, g: FloatArray, s: FloatArray, n: number, lr: number, eps: number): number {
    return this.in3(w, g, s) ? this.x.adagrad(w.byteOffset, g.byteOffset, s.byteOffset, n, lr, eps) : ts.adagrad(w, g, s, n, lr, eps);
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
    return ts.addPenaltyGradient(w, grad, n, l1, l2);
  }
  dropoutMask(rng: Rng, mask: FloatArray, n: number, rate: number): void {
    ts.dropoutMask(rng, mask, n, rate);
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
    if (x.buffer === this.memory.buffer) return this.x.allFinite(x.byteOffset, n) !== 0;
    return ts.allFinite(x, n);
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

function compile(): KernelBackend | string {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return 'WebAssembly is not available';
  try {
    const relaxed = decode(relaxedWasm);
    const simd = decode(simdWasm);
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
        return new WasmKernels(module, description);
      },
    };
  } catch (e) {
    return `the WebAssembly kernels failed to load (${e instanceof Error ? e.message : String(e)})`;
  }
}
