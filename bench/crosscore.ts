// What it costs this machine's cores to read data the other core just wrote: the question behind
// the kernel threads' slow passes (an elementwise pass after a product cut over two threads reads
// rows the other thread wrote). A shared buffer is written by this thread or by a worker, then
// read (copied) by this thread; the read's time is compared. Sizes: a W2 activation (128×256),
// its first layer's weights (784×256) and the four arrays Adam streams over them.
//
//   npx tsx bench/crosscore.ts [--rounds 200]
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' } } });
const rounds = Number(values.rounds);
const sizes = [128 * 256, 784 * 256, 4 * 784 * 256];
const ctrl = new Int32Array(new SharedArrayBuffer(16));
const data = new Float32Array(new SharedArrayBuffer(4 * Math.max(...sizes)));

// The worker: on each request (ctrl[0] bumped), writes ctrl[1] floats, then answers in ctrl[2].
const worker = new Worker(`
  const { workerData } = require('node:worker_threads');
  const ctrl = new Int32Array(workerData.ctrl);
  const data = new Float32Array(workerData.data);
  let seen = 0;
  for (;;) {
    while (Atomics.load(ctrl, 0) === seen) {}
    seen = Atomics.load(ctrl, 0);
    if (seen < 0) break;
    const n = Atomics.load(ctrl, 1);
    for (let i = 0; i < n; i++) data[i] = i * 0.5 + seen;
    Atomics.store(ctrl, 2, seen);
  }
`, { eval: true, workerData: { ctrl: ctrl.buffer, data: data.buffer } });

function writeHere(n: number, tag: number): void {
  for (let i = 0; i < n; i++) data[i] = i * 0.5 + tag;
}
function writeThere(n: number, tag: number): void {
  Atomics.store(ctrl, 1, n);
  Atomics.store(ctrl, 0, tag);
  while (Atomics.load(ctrl, 2) !== tag) { /* the worker spins too: both awake, as in a training step */ }
}
// The read is a copy into this thread's own buffer (memcpy: as fast as the memory lets it go, as a SIMD pass is).
const own = new Float32Array(Math.max(...sizes));
function read(n: number): number {
  own.set(data.subarray(0, n));
  return own[n - 1]!;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
let tag = 0;
let sink = 0;
console.log(`load average ${execFileSync('uptime', { encoding: 'utf8' }).replace(/.*load average:\s*/, '').trim()}`);
console.log('floats      written here   written by the other core   ratio   (ms to read, median of ' + rounds + ')');
for (const n of sizes) {
  const here: number[] = [];
  const there: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? ['here', 'there'] : ['there', 'here']) {
      tag++;
      if (side === 'here') writeHere(n, tag);
      else writeThere(n, tag);
      const t = performance.now();
      sink += read(n);
      (side === 'here' ? here : there).push(performance.now() - t);
    }
  }
  console.log(`${String(n).padStart(7)}   ${median(here).toFixed(4).padStart(12)}   ${median(there).toFixed(4).padStart(25)}   ${(median(there) / median(here)).toFixed(2)}×`);
}
Atomics.store(ctrl, 0, -1);
await worker.terminate();
if (sink === 42) console.log('');
