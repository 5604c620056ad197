// Matrix-product speed of each backend at MLP shapes, float32: one thread, and the wasm backend
// on 2 kernel threads (started before timing), the two measured in alternation:
//   tsx bench/gemm.ts [--reps 5] [--threads 2]
// Prints one JSON line per backend and shape: {"backend", "shape", "gflops"}.
import './sources.js';
import { parseArgs } from 'node:util';
import { typescriptBackend } from '../src/kernels/typescript.js';
import { loadWasmBackend } from '../src/kernels/wasm/backend.js';
import type { Kernels } from '../src/kernels/kernels.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' } } });
const reps = Number(values.reps);
const threads = Number(values.threads);
const SHAPES: [number, number, number][] = [[128, 784, 256], [128, 256, 128], [1000, 784, 256], [1, 784, 256]];

/**
 * A product of one shape on one Kernels: `run()` repeats it for at least 0.1 s and returns
 * GFLOP/s. Timed by the clock, not a fixed count of calls: a fixed 2e8 FLOP was 4 calls (4 ms)
 * of the wasm product at 128×784×256, too short for 2 threads to be measured past waking them.
 */
function product(k: Kernels, m: number, kk: number, n: number): () => number {
  // Allocate all three first: an allocation may move the memory (views are taken after).
  const blocks = [k.alloc(m * kk), k.alloc(kk * n), k.alloc(m * n)];
  for (const blk of blocks) for (let i = 0; i < blk.data.length; i++) blk.data[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const flops = 2 * m * kk * n;
  return () => {
    const [a, b, out] = blocks.map((blk) => blk.data) as [Float32Array, Float32Array, Float32Array];
    k.gemmNN(a, b, out, m, kk, n, false);
    let calls = 0;
    const t = performance.now();
    do {
      k.gemmNN(a, b, out, m, kk, n, false);
      calls++;
    } while (performance.now() - t < 100);
    return (flops * calls) / ((performance.now() - t) / 1000) / 1e9;
  };
}

type Threaded = Kernels & { useThreads(count: number): Promise<number> };
const wasm = loadWasmBackend();
const backends: [string, Kernels][] = [];
if (typeof wasm === 'object') {
  const one = wasm.open('float32');
  one.setThreads(1);
  backends.push([one.description, one]);
  if (threads > 1) {
    const many = wasm.open('float32') as Threaded;
    const got = await many.useThreads(threads);
    backends.push([`${many.description}, ${got} threads`, many]);
  }
}
backends.push(['typescript', typescriptBackend.open('float32')]);
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
for (const [m, kk, n] of SHAPES) {
  const runs = backends.map(([, k]) => product(k, m, kk, n));
  const rates: number[][] = backends.map(() => []);
  // Alternating reps: each backend's median comes from the same stretch of the machine's load.
  for (let r = 0; r < reps; r++) runs.forEach((run, i) => rates[i]!.push(run()));
  backends.forEach(([name], i) => console.log(JSON.stringify({ backend: name, shape: `${m}x${kk}x${n}`, gflops: Number(median(rates[i]!).toFixed(2)) })));
}
process.exit(0);
