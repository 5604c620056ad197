// Every kernel of every backend against naive float64 loops, on random and degenerate shapes:
// 0 rows, 1×1, sizes that are not a multiple of any tile (ARCHITECTURE "How we test" 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import type { DType, FloatArray } from '../../src/core/matrix.js';
import type { ActivationKernel, Kernels, LossKernel } from '../../src/kernels/kernels.js';
import { typescriptBackend } from '../../src/kernels/typescript.js';
import { loadWasmBackend } from '../../src/kernels/wasm/backend.js';
import { assertAllClose, assertClose } from '../helpers/assert.js';
import { naiveGemm } from '../helpers/reference.js';
import { forwardHalves } from '../../src/kernels/wasm/split.js';

const wasm = loadWasmBackend();

test('the WebAssembly SIMD backend loads in this Node (so its tests below cannot be skipped silently)', () => {
  assert.equal(typeof wasm, 'object', `wasm backend unavailable: ${String(wasm)}`);
});

interface Case { label: string; dtype: DType; open: () => Kernels | Promise<Kernels>; tol: number }
const cases: Case[] = [
  { label: 'typescript float64', dtype: 'float64', open: () => typescriptBackend.open('float64'), tol: 1e-11 },
  { label: 'typescript float32', dtype: 'float32', open: () => typescriptBackend.open('float32'), tol: 2e-5 },
];
if (typeof wasm === 'object') {
  cases.push({ label: 'wasm float32', dtype: 'float32', open: () => wasm.open('float32'), tol: 2e-5 });
  // Three kernel threads with every call of two units or more cut (uneven and empty slices included).
  cases.push({ label: 'wasm float32, 3 kernel threads', dtype: 'float32', open: () => withThreads(wasm.open('float32'), 3), tol: 2e-5 });
}

/** Kernels that cut every call over `threads` threads (the WASM backend's test hook). */
async function withThreads(k: Kernels, threads: number): Promise<Kernels> {
  const t = await (k as Kernels & { useThreads(count: number, cutSmall: boolean): Promise<number> }).useThreads(threads, true);
  assert.equal(t, threads);
  return k;
}

/** Random values in [−scale, scale) from a seed, as float64 (the reference's precision). */
function random(n: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * scale);
}

/** A tensor in the kernels' memory holding `values` (rounded to the dtype). */
function put(k: Kernels, values: ArrayLike<number>): FloatArray {
  const b = k.alloc(values.length);
  b.data.set(values);
  return b.data;
}

/** A wasm case ran every kernel in WebAssembly: no call fell back to the TypeScript loop. */
function ranNative(k: Kernels): void {
  const fallbacks = (k as { fallbacks?: number }).fallbacks;
  if (fallbacks !== undefined) assert.equal(fallbacks, 0, 'calls that fell back to TypeScript');
}

/** The values a tensor holds after rounding to the dtype (what the kernel actually reads). */
const rounded = (x: FloatArray): Float64Array => Float64Array.from(x);

const GEMM_SHAPES: [number, number, number][] = [[0, 3, 4], [3, 0, 2], [1, 1, 1], [2, 3, 1], [5, 7, 3], [4, 4, 4], [4, 8, 8], [9, 17, 33], [33, 9, 17], [64, 5, 70], [7, 130, 13],
  // The WASM backend packs B for 16+ result rows in blocks of 256 steps × 128 columns: shapes across those edges.
  [16, 8, 8], [40, 300, 140], [300, 20, 141], [19, 257, 136]];

for (const c of cases) {
  const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, scale = 1) => assertAllClose(actual, expected, c.tol * scale, c.tol, `${c.label} ${what}`);

  test(`${c.label}: the three matrix products, overwrite and accumulate, on ${GEMM_SHAPES.length} shapes`, async () => {
    const k = await c.open();
    // Room for every shape's operands up front: views taken before a move would be stale.
    k.reserve(GEMM_SHAPES.reduce((bytes, [m, kk, n]) => bytes + 4 * (2 * m * kk + 3 * kk * n + 2 * m * n) + 256, 0));
    for (const [m, kk, n] of GEMM_SHAPES) {
      const A = put(k, random(m * kk, 1)), B = put(k, random(kk * n, 2)), D = put(k, random(m * n, 4)), W = put(k, random(kk * n, 5));
      const a = rounded(A), b = rounded(B), d = rounded(D), w = rounded(W);
      const tag = `[${m}×${kk}×${n}]`;
      const nn = naiveGemm(m, kk, n, (i, p) => a[i * kk + p]!, (p, j) => b[p * n + j]!);
      const o = put(k, new Float64Array(m * n).fill(7));
      k.gemmNN(A, B, o, m, kk, n, false);
      close(o, nn, `XW ${tag}`, kk);
      k.gemmNN(A, B, o, m, kk, n, true);
      close(o, nn.map((v) => 2 * v), `XW accumulate ${tag}`, kk);
      const nt = naiveGemm(m, n, kk, (i, j) => d[i * n + j]!, (j, p) => w[p * n + j]!);
      const oNT = put(k, new Float64Array(m * kk).fill(3));
      k.gemmNT(D, W, oNT, m, n, kk, false);
      close(oNT, nt, `δWᵀ ${tag}`, n);
      k.gemmNT(D, W, oNT, m, n, kk, true);
      close(oNT, nt.map((v) => 2 * v), `δWᵀ accumulate ${tag}`, n);
      const tn = naiveGemm(kk, m, n, (p, i) => a[i * kk + p]!, (i, j) => d[i * n + j]!);
      const oTN = put(k, new Float64Array(kk * n).fill(-2));
      k.gemmTN(A, D, oTN, m, kk, n, false);
      close(oTN, tn, `Xᵀδ ${tag}`, m);
      k.gemmTN(A, D, oTN, m, kk, n, true);
      close(oTN, tn.map((v) => 2 * v), `Xᵀδ accumulate ${tag}`, m);
    }
    ranNative(k);
  });

  if (c.label.startsWith('wasm')) {
    test(`${c.label}: steps whose four values of A are all zero are left out, with the bits of the product without them`, async () => {
      const k = await c.open();
      const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
        assert.equal(a.length, b.length);
        for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${c.label} ${what}: element ${i} is ${a[i]} with the zero steps, ${b[i]} without them`);
      };
      // Zero steps at the start, the end, in runs and alone; a few −0; some zeros in part of a
      // 4-row strip only (kept); 16+ result rows (packed), ragged rows and panels past 128 columns.
      const zeroSteps = (T: number) => new Set(Array.from({ length: T }, (_, t) => t).filter((t) => t < 5 || t >= T - 3 || (t >= 40 && t < 57) || t % 7 === 3));
      for (const [m, T, n] of [[16, 200, 8], [19, 256, 20], [40, 130, 136], [33, 64, 17]] as [number, number, number][]) {
        const Z = zeroSteps(T);
        const kept = Array.from({ length: T }, (_, t) => t).filter((t) => !Z.has(t));
        k.reserve(4 * (4 * m * T + 4 * T * n + 6 * Math.max(m, T) * n) + 4096);
        // z = X·W: the steps are X's columns.
        const x = random(m * T, 40, 2).map((v, i) => (Z.has(i % T) ? (i % 11 === 0 ? -0 : 0) : i % 5 === 0 ? 0 : v));
        const X = put(k, x), W = put(k, random(T * n, 41));
        const Xk = put(k, Float64Array.from({ length: m * kept.length }, (_, i) => x[Math.floor(i / kept.length) * T + kept[i % kept.length]!]!));
        const Wk = put(k, Float64Array.from({ length: kept.length * n }, (_, i) => W[kept[Math.floor(i / n)]! * n + (i % n)]!));
        const full = put(k, new Float64Array(m * n)), without = put(k, new Float64Array(m * n));
        k.gemmNN(X, W, full, m, T, n, false);
        k.gemmNN(Xk, Wk, without, m, kept.length, n, false);
        same(full, without, `XW [${m}×${T}×${n}]`);
        // ∂W = Xᵀ·δ: the steps are X's rows (the batch); the result's rows are X's columns.
        const xt = random(T * m, 42, 2).map((v, i) => (Z.has(Math.floor(i / m)) ? 0 : v));
        const Xt = put(k, xt), D = put(k, random(T * n, 43));
        const Xtk = put(k, Float64Array.from({ length: kept.length * m }, (_, i) => xt[kept[Math.floor(i / m)]! * m + (i % m)]!));
        const Dk = put(k, Float64Array.from({ length: kept.length * n }, (_, i) => D[kept[Math.floor(i / n)]! * n + (i % n)]!));
        const gFull = put(k, new Float64Array(m * n).fill(1)), gWithout = put(k, new Float64Array(m * n).fill(1));
        k.gemmTN(Xt, D, gFull, T, m, n, true);
        k.gemmTN(Xtk, Dk, gWithout, kept.length, m, n, true);
        same(gFull, gWithout, `Xᵀδ accumulate [${m}×${T}×${n}]`);
      }
      // Past one block of 256 steps (each block summed apart, then added): against float64.
      const [m, T, n] = [24, 600, 40];
      const x = random(m * T, 44).map((v, i) => ((i % T) % 9 < 4 || (i % T) >= 256 && (i % T) < 300 ? 0 : v));
      const X = put(k, x), W = put(k, random(T * n, 45)), o = put(k, new Float64Array(m * n));
      k.gemmNN(X, W, o, m, T, n, false);
      const w = rounded(W);
      close(o, naiveGemm(m, T, n, (i, p) => x[i * T + p]!, (p, j) => w[p * n + j]!), `XW with zero steps [${m}×${T}×${n}]`, T);
      // All steps zero: +0 everywhere (never −0), and accumulating adds nothing.
      const zeros = put(k, new Float64Array(m * T).map((_, i) => (i % 3 === 0 ? -0 : 0)));
      const oz = put(k, new Float64Array(m * n).fill(5));
      k.gemmNN(zeros, W, oz, m, T, n, false);
      assert.ok(Array.from(oz).every((v) => Object.is(v, 0)), 'an all-zero X gives +0');
      oz.fill(5);
      k.gemmNN(zeros, W, oz, m, T, n, true);
      assert.ok(Array.from(oz).every((v) => v === 5), 'accumulating an all-zero X leaves out as it was');
      // A NaN among zeros is a value, not a zero: its step is kept and its row is NaN.
      const withNaN = put(k, new Float64Array(m * T));
      withNaN[5 * T + 77] = NaN;
      k.gemmNN(withNaN, W, oz, m, T, n, false);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) assert.equal(Number.isNaN(oz[i * n + j]!), i === 5, `row ${i}, column ${j}`);
      ranNative(k);
    });
  }

  test(`${c.label}: bias add, column sums, multiply, row gather and copy`, async () => {
    const k = await c.open();
    for (const [m, n] of [[0, 3], [1, 1], [3, 5], [6, 9], [2, 16]] as const) {
      const Z = put(k, random(m * n, 10)), bias = put(k, random(n, 11));
      const z = rounded(Z), b = rounded(bias);
      k.addRowVector(Z, bias, m, n);
      close(Z, z.map((v, i) => v + b[i % n]!), `bias [${m}×${n}]`);
      const sums = put(k, new Float64Array(n).fill(1));
      const after = rounded(Z);
      const col = new Float64Array(n);
      for (let i = 0; i < m * n; i++) col[i % n]! += after[i]!;
      k.columnSums(Z, sums, m, n, true);
      close(sums, col.map((v) => v + 1), `column sums accumulate [${m}×${n}]`);
      k.columnSums(Z, sums, m, n, false);
      close(sums, col, `column sums [${m}×${n}]`);
      const B = put(k, random(m * n, 12));
      const prod = put(k, new Float64Array(m * n));
      k.multiply(Z, B, prod, m * n);
      close(prod, after.map((v, i) => v * B[i]!), `multiply [${m}×${n}]`);
    }
    const src = Float64Array.from({ length: 12 }, (_, i) => i);
    const out = put(k, new Float64Array(9));
    k.gatherRows(src, 3, Int32Array.from([3, 0, 2]), 0, 3, out);
    close(out, [9, 10, 11, 0, 1, 2, 6, 7, 8], 'gather');
    // Rows of 1 and 31 values are copied value by value, of 32 and 40 by row: both, from an offset into the order.
    for (const width of [1, 31, 32, 40]) {
      const table = Float64Array.from({ length: 5 * width }, (_, i) => i + 0.5);
      const order = Int32Array.from([4, 1, 3, 0]);
      const rows = put(k, new Float64Array(3 * width));
      k.gatherRows(table, width, order, 1, 3, rows);
      close(rows, [1, 3, 0].flatMap((r) => Array.from({ length: width }, (_, j) => r * width + j + 0.5)), `gather rows of ${width}`);
    }
    k.copyRows(src, 3, 1, 2, out);
    close(out.subarray(0, 6), [3, 4, 5, 6, 7, 8], 'copy');
    ranNative(k);
  });

  const ACTIVATIONS: ActivationKernel[] = ['linear', 'step', 'sign', 'piecewiseLinear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'];
  const g = (kind: ActivationKernel, z: number, alpha: number): number => {
    switch (kind) {
      case 'linear': return z;
      case 'step': return z >= 0 ? 1 : 0;
      case 'sign': return Math.sign(z);
      case 'piecewiseLinear': return Math.min(1, Math.max(0, z + 0.5));
      case 'sigmoid': return 1 / (1 + Math.exp(-z));
      case 'tanh': return Math.tanh(z);
      case 'relu': return Math.max(0, z);
      case 'leakyRelu': return z >= 0 ? z : alpha * z;
      default: throw new Error(kind);
    }
  };
  const dg = (kind: ActivationKernel, z: number, alpha: number): number => {
    switch (kind) {
      case 'linear': return 1;
      case 'step': case 'sign': return 0;
      case 'piecewiseLinear': return z > -0.5 && z < 0.5 ? 1 : 0;
      case 'sigmoid': { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }
      case 'tanh': return 1 - Math.tanh(z) ** 2;
      case 'relu': return z >= 0 ? 1 : 0;
      case 'leakyRelu': return z >= 0 ? 1 : alpha;
      default: throw new Error(kind);
    }
  };

  test(`${c.label}: every activation forward and backward by name, 0 rows to ragged shapes`, async () => {
    const k = await c.open();
    const alpha = 0.2;
    for (const kind of ACTIVATIONS) {
      for (const [m, n] of [[0, 3], [1, 1], [3, 7], [5, 13]] as const) {
        const Z = put(k, random(m * n, 20, 3)), A = put(k, new Float64Array(m * n)), dA = put(k, random(m * n, 21)), dZ = put(k, new Float64Array(m * n));
        const z = rounded(Z), da = rounded(dA);
        k.activationForward(kind, alpha, Z, A, m, n);
        k.activationBackward(kind, alpha, Z, A, dA, dZ, m, n);
        let a: Float64Array, dz: Float64Array;
        if (kind === 'softmax') {
          a = new Float64Array(m * n);
          dz = new Float64Array(m * n);
          for (let i = 0; i < m; i++) {
            const row = z.subarray(i * n, i * n + n);
            const e = row.map((v) => Math.exp(v - Math.max(...row)));
            const s = e.reduce((x, y) => x + y, 0);
            for (let j = 0; j < n; j++) a[i * n + j] = e[j]! / s;
            let dot = 0;
            for (let j = 0; j < n; j++) dot += da[i * n + j]! * a[i * n + j]!;
            for (let j = 0; j < n; j++) dz[i * n + j] = a[i * n + j]! * (da[i * n + j]! - dot);
          }
        } else {
          a = z.map((v) => g(kind, v, alpha));
          dz = z.map((v, i) => da[i]! * dg(kind, v, alpha));
        }
        close(A, a, `${kind} forward [${m}×${n}]`);
        close(dZ, dz, `${kind} backward [${m}×${n}]`);
      }
    }
    ranNative(k);
  });

  test(`${c.label}: a dense forward is the product, the bias and the activation in turn, bit for bit`, async () => {
    const k = await c.open();
    const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${c.label} ${what}: element ${i} is ${a[i]} fused, ${b[i]} in turn`);
    };
    // Row blocks and column panels of every size the cuts give, ragged edges, and a batch of 1;
    // the last two are training batches over 512 inputs or more, which WebAssembly cuts by steps.
    const shapes: [number, number, number][] = [[1, 5, 3], [4, 8, 8], [9, 17, 33], [40, 300, 140], [130, 64, 20], [7, 3, 9], [128, 784, 40], [17, 517, 20]];
    const halves = c.label.startsWith('wasm');
    for (const kind of ACTIVATIONS) {
      for (const [m, kk, n] of shapes) {
        for (const withBias of [true, false]) {
          // Room first: views taken before the memory grows are not current (they would run in TypeScript).
          k.reserve(4 * (2 * m * kk + 2 * kk * n + n + 9 * m * n) + 4096);
          // Two steps in five zero in every row (left out by the WebAssembly products) and some zeros scattered.
          const X = put(k, random(m * kk, 30, 2).map((v, i) => ((i % kk) % 5 < 2 || i % 7 === 0 ? 0 : v))), W = put(k, random(kk * n, 31)), bias = withBias ? put(k, random(n, 32)) : undefined;
          const z1 = put(k, new Float64Array(m * n)), a1 = put(k, new Float64Array(m * n));
          const z2 = put(k, new Float64Array(m * n)), a2 = put(k, new Float64Array(m * n));
          k.denseForward(X, W, bias, z1, a1, m, kk, n, kind, 0.2);
          const h = halves ? forwardHalves(m, kk, n) : 0;
          if (h > 0) {
            // z = x[:, :h]·W[:h] + x[:, h:]·W[h:], each half the product of its own copy (rounded once more: the sum).
            const half = (from: number, to: number) => {
              const xs = put(k, Float64Array.from({ length: m * (to - from) }, (_, i) => X[Math.floor(i / (to - from)) * kk + from + (i % (to - from))]!));
              const out = put(k, new Float64Array(m * n));
              k.gemmNN(xs, W.subarray(from * n, to * n), out, m, to - from, n, false);
              return out;
            };
            const h0 = half(0, h), h1 = half(h, kk);
            for (let i = 0; i < m * n; i++) z2[i] = h0[i]! + h1[i]!;
          } else {
            k.gemmNN(X, W, z2, m, kk, n, false);
          }
          if (bias) k.addRowVector(z2, bias, m, n);
          k.activationForward(kind, 0.2, z2, a2, m, n);
          const what = `${kind} [${m}×${kk}×${n}]${withBias ? ' with bias' : ''}`;
          same(z1, z2, `${what} z`);
          same(a1, a2, `${what} a`);
          if (kind === 'linear') {
            // a may be z itself (what Dense passes for a linear layer): never cut by steps (the
            // second half's sums need a place), so the whole product, the bias in turn.
            const z3 = put(k, new Float64Array(m * n)), z4 = put(k, new Float64Array(m * n));
            k.denseForward(X, W, bias, z3, z3, m, kk, n, kind, 0.2);
            k.gemmNN(X, W, z4, m, kk, n, false);
            if (bias) k.addRowVector(z4, bias, m, n);
            same(z3, z4, `${what} a = z`);
          }
        }
      }
    }
    ranNative(k);
  });

  test(`${c.label}: loss values and gradients of every kind, fused gradients dense and sparse`, async () => {
    const k = await c.open();
    const EPS = 1e-7;
    const clip = (q: number) => Math.min(Math.max(q, EPS), 1 - EPS);
    const softplus = (x: number) => Math.log(1 + Math.exp(x));
    for (const [m, n] of [[0, 3], [1, 1], [4, 3], [5, 6]] as const) {
      const probs = random(m * n, 30).map((v) => 0.05 + 0.9 * Math.abs(v));
      const P = put(k, probs), Z = put(k, random(m * n, 31, 3));
      const Y = put(k, random(m * n, 32).map((v) => (v > 0 ? 1 : 0)));
      const labels = Float64Array.from({ length: m }, (_, i) => (i * 7) % n);
      const L = put(k, labels);
      const p = rounded(P), z = rounded(Z), y = rounded(Y);
      const lse = (i: number) => { const r = z.subarray(i * n, i * n + n); const mx = Math.max(...r); return mx + Math.log(r.reduce((s, v) => s + Math.exp(v - mx), 0)); };
      const sum = (f: (i: number) => number, len = m * n) => { let s = 0; for (let i = 0; i < len; i++) s += f(i); return s; };
      const expected: Record<LossKernel, [FloatArray, FloatArray, number]> = {
        mse: [P, Y, sum((i) => (p[i]! - y[i]!) ** 2)],
        sse: [P, Y, sum((i) => 0.5 * (p[i]! - y[i]!) ** 2)],
        mae: [P, Y, sum((i) => Math.abs(p[i]! - y[i]!))],
        bce: [P, Y, sum((i) => -(y[i]! * Math.log(clip(p[i]!)) + (1 - y[i]!) * Math.log(1 - clip(p[i]!))))],
        bceLogits: [Z, Y, sum((i) => softplus(z[i]!) - z[i]! * y[i]!)],
        ce: [P, Y, sum((i) => -y[i]! * Math.log(clip(p[i]!)))],
        ceLogits: [Z, Y, sum((i) => y[i]! * (lse(Math.floor(i / n)) - z[i]!))],
        sparseCe: [P, L, sum((i) => -Math.log(clip(p[i * n + labels[i]!]!)), m)],
        sparseCeLogits: [Z, L, sum((i) => lse(i) - z[i * n + labels[i]!]!, m)],
      };
      for (const [kind, [pred, target, value]] of Object.entries(expected) as [LossKernel, [FloatArray, FloatArray, number]][]) {
        assertClose(k.lossValue(kind, pred, target, m, n), value, c.tol * 10 * Math.max(1, m * n), c.tol, `${c.label} ${kind} value [${m}×${n}]`);
      }
      const scale = 0.37;
      const grad = put(k, new Float64Array(m * n));
      const check = (kind: LossKernel, pred: FloatArray, target: FloatArray, f: (i: number) => number) => {
        k.lossGradient(kind, pred, target, grad, m, n, scale);
        close(grad, Float64Array.from({ length: m * n }, (_, i) => scale * f(i)), `${kind} gradient [${m}×${n}]`);
      };
      const sm = (i: number) => Math.exp(z[i]! - lse(Math.floor(i / n)));
      const onehot = (i: number) => (labels[Math.floor(i / n)] === i % n ? 1 : 0);
      check('mse', P, Y, (i) => p[i]! - y[i]!);
      check('sse', P, Y, (i) => p[i]! - y[i]!);
      check('mae', P, Y, (i) => Math.sign(p[i]! - y[i]!));
      check('bce', P, Y, (i) => (p[i]! - y[i]!) / (p[i]! * (1 - p[i]!)));
      check('bceLogits', Z, Y, (i) => 1 / (1 + Math.exp(-z[i]!)) - y[i]!);
      check('ce', P, Y, (i) => -y[i]! / p[i]!);
      check('sparseCe', P, L, (i) => -onehot(i) / p[i]!);
      check('ceLogits', Z, Y, (i) => { const row = Math.floor(i / n); return sm(i) * sum((j) => y[row * n + j]!, n) - y[i]!; });
      check('sparseCeLogits', Z, L, (i) => sm(i) - onehot(i));
      k.fusedLossGradient(false, P, Y, grad, m, n, scale);
      close(grad, p.map((v, i) => scale * (v - y[i]!)), `fused dense [${m}×${n}]`);
      k.fusedLossGradient(true, P, L, grad, m, n, scale);
      close(grad, p.map((v, i) => scale * (v - onehot(i))), `fused sparse [${m}×${n}]`);
    }
    ranNative(k);
  });

  test(`${c.label}: optimiser updates as fused loops, with their overflow probe`, async () => {
    const k = await c.open();
    for (const n of [0, 1, 3, 4, 13, 64]) {
      const fresh = () => ({ W: put(k, random(n, 40)), G: put(k, random(n, 41)), S1: put(k, random(n, 42).map(Math.abs)), S2: put(k, random(n, 43).map(Math.abs)) });
      const run = (name: string, f: (t: ReturnType<typeof fresh>) => number, ref: (w: number, g: number, s1: number, s2: number) => [number, number, number]) => {
        const t = fresh();
        const w = rounded(t.W), gr = rounded(t.G), s1 = rounded(t.S1), s2 = rounded(t.S2);
        const probe = f(t);
        assert.equal(probe, 0, `${c.label} ${name} probe on finite weights`);
        const r = Array.from({ length: n }, (_, i) => ref(w[i]!, gr[i]!, s1[i]!, s2[i]!));
        close(t.W, r.map((x) => x[0]), `${name} weights n=${n}`);
        close(t.S1, r.map((x) => x[1]), `${name} first slot n=${n}`);
        close(t.S2, r.map((x) => x[2]), `${name} second slot n=${n}`);
        if (n > 0) {
          const u = fresh();
          u.G[n - 1] = Infinity;
          assert.ok(Number.isNaN(f(u)), `${c.label} ${name}: an infinite gradient makes the probe NaN`);
        }
      };
      run('sgd', (t) => k.sgd(t.W, t.G, n, 0.1), (w, g, s1, s2) => [w - 0.1 * g, s1, s2]);
      for (const nesterov of [false, true]) {
        run(`momentum nesterov=${nesterov}`, (t) => k.sgdMomentum(t.W, t.G, t.S1, n, 0.1, 0.9, nesterov), (w, g, v, s2) => {
          const nv = 0.9 * v - 0.1 * g;
          return [w + (nesterov ? 0.9 * nv - 0.1 * g : nv), nv, s2];
        });
      }
      run('adam', (t) => k.adam(t.W, t.G, t.S1, t.S2, n, 0.01, 0.9, 0.999, 1e-7), (w, g, m, v) => {
        const nm = 0.9 * m + 0.1 * g, nv = 0.999 * v + 0.001 * g * g;
        return [w - (0.01 * nm) / (Math.sqrt(nv) + 1e-7), nm, nv];
      });
      for (const mu of [0, 0.5]) {
        run(`rmsprop momentum=${mu}`, (t) => k.rmsprop(t.W, t.G, t.S1, t.S2, n, 0.01, 0.9, mu, 1e-7), (w, g, s, u) => {
          const ns = 0.9 * s + 0.1 * g * g;
          const delta = (0.01 * g) / Math.sqrt(ns + 1e-7);
          const nu = mu > 0 ? mu * u + delta : u;
          return [w - (mu > 0 ? nu : delta), ns, nu];
        });
      }
      run('adagrad', (t) => k.adagrad(t.W, t.G, t.S1, n, 0.01, 1e-7), (w, g, s, s2) => {
        const ns = s + g * g;
        return [w - (0.01 * g) / Math.sqrt(ns + 1e-7), ns, s2];
      });
      // A gradient whose square overflows (1e22² in float32, 1e160² in float64) leaves the
      // weights finite and the state infinite: the probe covers the state (R18), so that the
      // step needs no pass over the moments and accumulators.
      if (n > 0) {
        const squared: [string, (t: ReturnType<typeof fresh>) => number][] = [
          ['adam', (t) => k.adam(t.W, t.G, t.S1, t.S2, n, 0.01, 0.9, 0.999, 1e-7)],
          ['rmsprop', (t) => k.rmsprop(t.W, t.G, t.S1, t.S2, n, 0.01, 0.9, 0, 1e-7)],
          ['rmsprop momentum=0.5', (t) => k.rmsprop(t.W, t.G, t.S1, t.S2, n, 0.01, 0.9, 0.5, 1e-7)],
          ['adagrad', (t) => k.adagrad(t.W, t.G, t.S1, n, 0.01, 1e-7)],
        ];
        for (const [name, f] of squared) {
          const u = fresh();
          u.G[n - 1] = c.dtype === 'float64' ? 1e160 : 1e22;
          const probe = f(u);
          assert.ok(Number.isFinite(u.W[n - 1]!) && !Number.isFinite((name === 'adam' ? u.S2 : u.S1)[n - 1]!), `${c.label} ${name}: weights finite, state overflowed`);
          assert.ok(Number.isNaN(probe), `${c.label} ${name} n=${n}: an overflowed state makes the probe NaN`);
        }
      }
      const t = fresh();
      const w = rounded(t.W), gr = rounded(t.G);
      k.clipByValue(t.G, n, 0.5);
      close(t.G, gr.map((v) => Math.min(0.5, Math.max(-0.5, v))), `clip n=${n}`);
      const clipped = rounded(t.G);
      assertClose(k.sumOfSquares(t.G, n), clipped.reduce((s, v) => s + v * v, 0), c.tol, c.tol, `${c.label} sum of squares`);
      k.scale(t.G, n, -2);
      close(t.G, clipped.map((v) => -2 * v), `scale n=${n}`);
      const l1 = 0.01, l2 = 0.02;
      const pen = w.reduce((s, v) => s + l1 * Math.abs(v) + l2 * v * v, 0);
      assertClose(k.penalty(t.W, n, l1, l2), pen, c.tol, c.tol, `${c.label} penalty`);
      const before = rounded(t.G);
      assertClose(k.addPenaltyGradient(t.W, t.G, n, l1, l2), pen, c.tol, c.tol, `${c.label} penalty with gradient`);
      close(t.G, before.map((v, i) => v + l1 * Math.sign(w[i]!) + 2 * l2 * w[i]!), `penalty gradient n=${n}`);
    }
    ranNative(k);
  });

  test(`${c.label}: flushBelow sets values under the bound to 0 and keeps the rest, NaN and ±∞ included`, async () => {
    const k = await c.open();
    const below = 2 ** -100;
    // Subnormal float32 values (what a decaying moment ends at), values either side of the bound, specials.
    const values = [1.4e-45, -1.4e-45, 1e-40, 7e-31, -7e-31, below, -below, 8e-31, 1e-3, -2.5, 0, -0, NaN, Infinity, -Infinity];
    for (const n of [0, 1, 3, 4, 13, 64]) {
      const x = put(k, Array.from({ length: n }, (_, i) => values[(i * 7) % values.length]!));
      const before = rounded(x);
      k.flushBelow(x, n, below);
      for (let i = 0; i < n; i++) {
        const v = before[i]!;
        const want = Math.abs(v) < below ? 0 : v;
        assert.ok(Object.is(x[i], want === 0 ? Math.abs(want) : want) || (v === 0 && x[i] === 0), `${c.label} flushBelow n=${n} at ${i}: ${v} gave ${x[i]}, want ${want}`);
      }
    }
    ranNative(k);
  });

  test(`${c.label}: finiteness probe finds NaN and ±∞ anywhere, including the tail`, async () => {
    const k = await c.open();
    for (const n of [0, 1, 5, 8, 37, 71]) {
      const x = put(k, random(n, 50));
      assert.equal(k.allFinite(x, n), true, `${c.label} finite n=${n}`);
      for (const bad of [NaN, Infinity, -Infinity]) {
        // Each of the unrolled loop's four probes (elements 16q + 0..3, + 4..7, ...), the 4-wide tail, the last.
        for (const at of n > 0 ? [0, n - 1, Math.floor(n / 2), 5 % n, 10 % n, 15 % n, 66 % n] : []) {
          const y = put(k, random(n, 51));
          y[at] = bad;
          assert.equal(k.allFinite(y, n), false, `${c.label} ${bad} at ${at} of ${n}`);
        }
      }
    }
    ranNative(k);
  });

  test(`${c.label}: dropout masks from the seeded Rng, identical across backends`, async () => {
    const k = await c.open();
    const mask = put(k, new Float64Array(1000));
    k.dropoutMask(new Rng(9), mask, 1000, 0.25);
    const reference = new Float64Array(1000);
    typescriptBackend.open('float64').dropoutMask(new Rng(9), reference, 1000, 0.25);
    close(mask, reference, 'mask');
    const kept = Array.from(mask).filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6), 'kept units scaled by 1/(1 − rate)');
    assert.ok(Math.abs(kept.length / 1000 - 0.75) < 0.05, `about 75% kept, got ${kept.length}`);
    ranNative(k);
  });

  test(`${c.label}: batch normalisation forward and backward, training and inference`, async () => {
    const k = await c.open();
    for (const [m, n] of [[1, 1], [5, 3], [8, 6]] as const) {
      for (const training of [true, false]) {
        const X = put(k, random(m * n, 60, 2)), gamma = put(k, random(n, 61)), beta = put(k, random(n, 62));
        const mm = put(k, random(n, 63)), mv = put(k, random(n, 64).map((v) => 0.5 + Math.abs(v)));
        const xh = put(k, new Float64Array(m * n)), out = put(k, new Float64Array(m * n)), inv = put(k, new Float64Array(n));
        const x = rounded(X), ga = rounded(gamma), be = rounded(beta), mm0 = rounded(mm), mv0 = rounded(mv);
        k.batchNormForward(X, gamma, beta, mm, mv, xh, out, inv, m, n, training, 0.9, 1e-3);
        const dy = put(k, random(m * n, 65)), dGamma = put(k, new Float64Array(n)), dBeta = put(k, new Float64Array(n)), dX = put(k, new Float64Array(m * n));
        k.batchNormBackward(dy, xh, gamma, inv, dGamma, dBeta, dX, m, n, training, false);
        const d = rounded(dy);
        for (let j = 0; j < n; j++) {
          const col = Array.from({ length: m }, (_, i) => x[i * n + j]!);
          const mean = training ? col.reduce((s, v) => s + v, 0) / m : mm0[j]!;
          const variance = training ? col.reduce((s, v) => s + (v - mean) ** 2, 0) / m : mv0[j]!;
          const is = 1 / Math.sqrt(variance + 1e-3);
          const hat = col.map((v) => (v - mean) * is);
          close(hat.map((h) => ga[j]! * h + be[j]!), Array.from({ length: m }, (_, i) => out[i * n + j]!), `bn out col ${j}`);
          if (training) assertClose(mm[j]!, 0.9 * mm0[j]! + 0.1 * mean, c.tol, c.tol, `${c.label} moving mean`);
          const dcol = Array.from({ length: m }, (_, i) => d[i * n + j]!);
          const sDy = dcol.reduce((s, v) => s + v, 0);
          const sDyH = dcol.reduce((s, v, i) => s + v * hat[i]!, 0);
          assertClose(dGamma[j]!, sDyH, c.tol * m, c.tol, `${c.label} dγ`);
          assertClose(dBeta[j]!, sDy, c.tol * m, c.tol, `${c.label} dβ`);
          const ref = dcol.map((v, i) => (training ? (ga[j]! * is / m) * (m * v - sDy - hat[i]! * sDyH) : ga[j]! * is * v));
          close(Array.from({ length: m }, (_, i) => dX[i * n + j]!), ref, `bn dX col ${j} training=${training}`, m);
        }
      }
    }
    ranNative(k);
  });
}

if (typeof wasm === 'object') {
  test('wasm: operands outside its memory run the TypeScript loop (same result, counted), never a wrong read', () => {
    const k = wasm.open('float32') as Kernels & { fallbacks: number };
    const a = new Float32Array(random(6, 70)), B = put(k, random(6, 71)), out = put(k, new Float32Array(4));
    k.gemmNN(a, B, out, 2, 3, 2, false);
    const ref = new Float32Array(4);
    typescriptBackend.open('float32').gemmNN(a, B, ref, 2, 3, 2, false);
    assertAllClose(out, ref, 0, 0, 'fallback');
    assert.equal(k.fallbacks, 1);
  });

  test('wasm: memory that outgrows itself grows in place (shared) or moves; blocks follow, old views stay readable', () => {
    const k = wasm.open('float32');
    const shared = (k as Kernels & { shared: boolean }).shared;
    const b = k.alloc(1000);
    b.data.set(random(1000, 80));
    const before = b.data;
    const values = Float64Array.from(before);
    const generation = k.generation;
    k.reserve(64 * 1024 * 1024);
    assert.equal(k.generation, generation + 1, 'grew once');
    assert.notEqual(b.data, before, 'the block points at the current buffer');
    assertAllClose(b.data, values, 0, 0, 'contents kept');
    assertAllClose(before, values, 0, 0, 'the old view still reads them');
    // A shared memory grew in place: the old view is the same memory; an ordinary one moved: a stale copy.
    before[0] = 12345;
    assert.equal(b.data[0] === 12345, shared);
    assert.equal(k.owns(b.data), true);
    assert.equal(k.owns(before), false);
    k.reserve(1024);
    assert.equal(k.generation, generation + 1, 'room left: no second move');
  });
}

test('the WebAssembly penalty gradient is the TypeScript one bit for bit (each element in f64, rounded once; the sums in order)', async () => {
  if (typeof wasm !== 'object') return;
  const k = await wasm.open('float32');
  const ref = await typescriptBackend.open('float32');
  for (const [n, l1, l2] of [[0, 0, 1e-4], [1, 0.01, 0], [1003, 0, 1e-4], [75_000, 1e-5, 3e-4]] as const) {
    const w = random(n, 7 + n, 3).map((v, i) => (i % 97 === 0 ? 0 : v));
    const g = random(n, 11 + n);
    const W = put(k, w), G = put(k, g);
    const Wt = Float32Array.from(w), Gt = Float32Array.from(g);
    const fallbacks = (k as unknown as { fallbacks: number }).fallbacks;
    const p = k.addPenaltyGradient(W, G, n, l1, l2);
    const q = ref.addPenaltyGradient(Wt, Gt, n, l1, l2);
    assert.equal(p, q, `n=${n}: the returned penalty`);
    assert.deepEqual(Array.from(G), Array.from(Gt), `n=${n}: the gradient`);
    assert.equal((k as unknown as { fallbacks: number }).fallbacks, fallbacks, 'ran in WebAssembly');
  }
});

test('the WebAssembly dropout mask is the TypeScript one bit for bit, and leaves the generator in the same state', async () => {
  if (typeof wasm !== 'object') return;
  const k = await wasm.open('float32');
  const ref = await typescriptBackend.open('float32');
  for (const [n, rate, seed] of [[1, 0.5, 1], [1003, 0.1, 2], [16_384, 0.3, 2 ** 40 + 7], [5, 0.999, 3]] as const) {
    const a = new Rng(seed), b = new Rng(seed);
    a.normal(); b.normal(); // a cached Box-Muller spare must survive the call
    const M = k.alloc(n).data;
    const Mt = new Float32Array(n);
    for (let round = 0; round < 3; round++) {
      const fallbacks = (k as unknown as { fallbacks: number }).fallbacks;
      k.dropoutMask(a, M, n, rate);
      ref.dropoutMask(b, Mt, n, rate);
      assert.deepEqual(Array.from(M), Array.from(Mt), `n=${n}, rate ${rate}, round ${round}: the mask`);
      assert.deepEqual(a.getState(), b.getState(), 'the generator state after it');
      assert.equal((k as unknown as { fallbacks: number }).fallbacks, fallbacks);
    }
    assert.equal(a.uniform(), b.uniform(), 'the streams go on together');
    const kept = Array.from(Mt).filter((v) => v !== 0).length / n;
    if (n > 1000) assert.ok(Math.abs(kept - (1 - rate)) < 0.03, `kept ${kept}`);
  }
});
