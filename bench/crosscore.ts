// What it costs this machine's cores to touch data the other core just used: the question behind
// the kernel threads' slow passes (a pass after a product cut over two threads reads rows the
// other thread wrote, and writes buffers the other thread read). A shared buffer is written by
// this thread, written by a worker, or read by a worker; then this thread reads it (a copy) or
// writes it (a fill), and the time is compared. Sizes: a W2 activation (128×256), its first
// layer's weights (784×256) and the four arrays Adam streams over them.
//
//   npx tsx bench/crosscore.ts [--rounds 200]
import './sources.js';
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' } } });
const rounds = Number(values.rounds);
const sizes = [128 * 256, 784 * 256, 4 * 784 * 256];
const ctrl = new Int32Array(new SharedArrayBuffer(16));
// ctrl: [request, floats, answer, 0 write / 1 read]
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
    if (Atomics.load(ctrl, 3) === 0) for (let i = 0; i < n; i++) data[i] = i * 0.5 + seen;
    else { let s = 0; for (let i = 0; i < n; i += 16) s += data[i]; if (s === 42) data[0] = 1; }
    Atomics.store(ctrl, 2, seen);
  }
`, { eval: true, workerData: { ctrl: ctrl.buffer, data: data.buffer } });

function writeHere(n: number, tag: number): void {
  for (let i = 0; i < n; i++) data[i] = i * 0.5 + tag;
}
function writeThere(n: number, tag: number, op = 0): void {
  Atomics.store(ctrl, 3, op);
  Atomics.store(ctrl, 1, n);
  Atomics.store(ctrl, 0, tag);
  while (Atomics.load(ctrl, 2) !== tag) { /* the worker spins too: both awake, as in a training step */ }
}
/** This thread writes the buffer (a fill), as a pass writes its output. */
function write(n: number, tag: number): void {
  data.fill(tag, 0, n);
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
console.log(`ms (median of ${rounds}) for this thread to read (copy) or write (fill) a buffer last written here, last written by the other core, or last read by the other core`);
console.log('floats    read: here   other wrote   ratio   write: here   other wrote   other read   ratios');
for (const n of sizes) {
  const t: Record<string, number[]> = { rh: [], rw: [], wh: [], ww: [], wr: [] };
  for (let r = 0; r < rounds; r++) {
    for (const k of ['rh', 'rw', 'wh', 'ww', 'wr']) {
      tag++;
      if (k === 'rh' || k === 'wh') writeHere(n, tag);
      else if (k === 'rw' || k === 'ww') writeThere(n, tag);
      else { writeHere(n, tag); tag++; writeThere(n, tag, 1); }
      const t0 = performance.now();
      if (k[0] === 'r') sink += read(n);
      else write(n, tag);
      t[k]!.push(performance.now() - t0);
    }
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<string, number>;
  console.log(`${String(n).padStart(7)}   ${m.rh!.toFixed(4).padStart(10)}   ${m.rw!.toFixed(4).padStart(11)}   ${(m.rw! / m.rh!).toFixed(2)}×   ${m.wh!.toFixed(4).padStart(11)}   ${m.ww!.toFixed(4).padStart(11)}   ${m.wr!.toFixed(4).padStart(10)}   ${(m.ww! / m.wh!).toFixed(2)}× ${(m.wr! / m.wh!).toFixed(2)}×`);
}
Atomics.store(ctrl, 0, -1);
await worker.terminate();
if (sink === 42) console.log('');
