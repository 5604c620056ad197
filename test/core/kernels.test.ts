// Kernels against naive float64 loops on random and degenerate shapes (ARCHITECTURE "How we test" 1).
import { test } from 'node:test';
import { gemmNN, gemmNT, gemmTN } from '../../src/kernels/gemm.js';
import { addRowVector, columnSums, gatherRows } from '../../src/kernels/elementwise.js';
import { softmaxRows, logSoftmaxRows } from '../../src/kernels/softmax.js';
import { assertAllClose } from '../helpers/assert.js';
import { randomMatrix } from '../helpers/gradcheck.js';
import { naiveGemm } from '../helpers/reference.js';

const SHAPES: [number, number, number][] = [[0, 3, 4], [3, 0, 2], [1, 1, 1], [2, 3, 1], [5, 7, 3], [4, 4, 4], [9, 17, 33], [33, 9, 17], [64, 5, 70]];

for (const [m, k, n] of SHAPES) {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 1e-4;
    const conv = (x: Float64Array) => (dtype === 'float64' ? Float64Array.from(x) : Float32Array.from(x));
    test(`gemm ${dtype} [${m}×${k}]·[${k}×${n}] in the three cases, overwrite and accumulate`, () => {
      const A = conv(randomMatrix(m, k, 1).data as Float64Array);
      const B = conv(randomMatrix(k, n, 2).data as Float64Array);
      const start = conv(randomMatrix(m, n, 3).data as Float64Array);
      // XW
      const ref = naiveGemm(m, k, n, (i, p) => A[i * k + p]!, (p, j) => B[p * n + j]!);
      const out = Float64Array.from(start).map(() => 7);
      const o = dtype === 'float64' ? out : Float32Array.from(out);
      gemmNN(A, B, o, m, k, n, false);
      assertAllClose(o, ref, tol, tol, 'XW');
      const acc = conv(Float64Array.from(start));
      gemmNN(A, B, acc, m, k, n, true);
      assertAllClose(acc, ref.map((v, i) => v + start[i]!), tol, tol, 'XW accumulate');
      // δWᵀ: d [m×n] · W[k×n]ᵀ → [m×k]
      const D = conv(randomMatrix(m, n, 4).data as Float64Array);
      const W = conv(randomMatrix(k, n, 5).data as Float64Array);
      const refNT = naiveGemm(m, n, k, (i, j) => D[i * n + j]!, (j, p) => W[p * n + j]!);
      const oNT = conv(new Float64Array(m * k).fill(3));
      gemmNT(D, W, oNT, m, n, k, false);
      assertAllClose(oNT, refNT, tol, tol, 'δWᵀ');
      const accNT = conv(new Float64Array(m * k).fill(1));
      gemmNT(D, W, accNT, m, n, k, true);
      assertAllClose(accNT, refNT.map((v) => v + 1), tol, tol, 'δWᵀ accumulate');
      // Xᵀδ: X [m×k]ᵀ · d [m×n] → [k×n]
      const refTN = naiveGemm(k, m, n, (p, i) => A[i * k + p]!, (i, j) => D[i * n + j]!);
      const oTN = conv(new Float64Array(k * n).fill(-2));
      gemmTN(A, D, oTN, m, k, n, false);
      assertAllClose(oTN, refTN, tol, tol, 'Xᵀδ');
      const accTN = conv(new Float64Array(k * n).fill(0.5));
      gemmTN(A, D, accTN, m, k, n, true);
      assertAllClose(accTN, refTN.map((v) => v + 0.5), tol, tol, 'Xᵀδ accumulate');
    });
  }
}

test('bias add, column sums and row gather', () => {
  const z = Float64Array.from([1, 2, 3, 4, 5, 6]);
  addRowVector(z, Float64Array.from([10, 20, 30]), 2, 3);
  assertAllClose(z, [11, 22, 33, 14, 25, 36]);
  const sums = Float64Array.from([1, 1, 1]);
  columnSums(z, sums, 2, 3, true);
  assertAllClose(sums, [26, 48, 70]);
  columnSums(z, sums, 2, 3, false);
  assertAllClose(sums, [25, 47, 69]);
  columnSums(z, sums, 0, 3, false);
  assertAllClose(sums, [0, 0, 0]);
  const out = new Float64Array(6);
  gatherRows(z, 3, Int32Array.from([1, 0]), 0, 2, out);
  assertAllClose(out, [14, 25, 36, 11, 22, 33]);
});

test('softmax and log-softmax rows: extreme, equal and length-1 rows (N1)', () => {
  const rows = [[1000, 1001, 1002], [-1e4, 0, 0], [5, 5, 5]];
  const z = Float64Array.from(rows.flat());
  const out = new Float64Array(9);
  softmaxRows(z, out, 3, 3);
  const e = [Math.exp(-2), Math.exp(-1), 1];
  const s = e[0]! + e[1]! + 1;
  assertAllClose(out, [...e.map((v) => v / s), 0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3], 1e-12);
  const logs = new Float64Array(9);
  logSoftmaxRows(z, logs, 3, 3);
  assertAllClose(logs.subarray(0, 3), e.map((v) => Math.log(v / s)), 1e-12);
  const one = new Float64Array(1);
  softmaxRows(Float64Array.of(-7), one, 1, 1);
  assertAllClose(one, [1]);
});
