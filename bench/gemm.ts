// Matrix-product speed of each backend at MLP shapes, single thread, float32:
//   tsx bench/gemm.ts [--reps 5]
// Prints one JSON line per backend and shape: {"backend", "shape", "gflops"}.
import { parseArgs } from 'node:util';
import { typescriptBackend } from '../src/kernels/typescript.js';
import { loadWasmBackend } from '../src/kernels/wasm/backend.js';
import type { Kernels } from '../src/kernels/kernels.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const reps = Number(values.reps);
const SHAPES: [number, number, number][] = [[128, 784, 256], [128, 256, 128], [1000, 784, 256], [1, 784, 256]];

function measure(k: Kernels, m: number, kk: number, n: number): number {
  // Allocate all three first: an allocation may move the memory (views are taken after).
  const blocks = [k.alloc(m * kk), k.alloc(kk * n), k.alloc(m * n)];
  const [a, b, out] = blocks.map((blk) => {
    for (let i = 0; i < blk.data.length; i++) blk.data[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    return blk.data;
  }) as [Float32Array, Float32Array, Float32Array];
  const flops = 2 * m * kk * n;
  // Enough calls for ~0.2 s per rep; the median rep is reported.
  const calls = Math.max(1, Math.round(2e8 / flops));
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    for (let c = 0; c < calls; c++) k.gemmNN(a, b, out, m, kk, n, false);
    rates.push((flops * calls) / ((performance.now() - t) / 1000) / 1e9);
  }
  return rates.sort((x, y) => x - y)[Math.floor(reps / 2)]!;
}

const wasm = loadWasmBackend();
const backends: [string, Kernels][] = [['typescript', typescriptBackend.open('float32')]];
if (typeof wasm === 'object') {
  const k = wasm.open('float32');
  backends.unshift([k.description, k]);
}
for (const [name, k] of backends) {
  for (const [m, kk, n] of SHAPES) {
    console.log(JSON.stringify({ backend: name, shape: `${m}x${kk}x${n}`, gflops: Number(measure(k, m, kk, n).toFixed(2)) }));
  }
}
