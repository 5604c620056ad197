// The kernel threads (src/kernels/pool, the shared-memory WASM builds): every thread count gives
// the bits of one thread, the pool starts once and terminates, a failing task names its thread,
// and a shared memory grows in place under the threads. Nothing here depends on the machine's speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import type { FloatArray } from '../../src/core/matrix.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import { loadWasmBackend } from '../../src/kernels/wasm/backend.js';
import { existingKernelPool, kernelPool, KernelThreadError, terminateKernelThreads } from '../../src/kernels/pool/pool.js';
import { CTRL, CTRL_WORDS, OP, claimChunk, publishChunks } from '../../src/kernels/pool/protocol.js';
import { finerPanels, halfBlocks, MAX_MACS_PER_PANEL, productCut } from '../../src/kernels/wasm/split.js';

type Threaded = Kernels & { useThreads(count: number, cutSmall?: boolean): Promise<number>; threads: number; shared: boolean };
const wasm = loadWasmBackend();
if (typeof wasm === 'string') throw new Error(`wasm backend unavailable: ${wasm}`);
const open = () => wasm.open('float32') as Threaded;

function random(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}
function put(k: Kernels, values: ArrayLike<number>): FloatArray {
  const b = k.alloc(values.length);
  b.data.set(values);
  return b.data;
}
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} is ${a[i]} with one thread, ${b[i]} with threads`);
}

/** A W2-sized training step's kernels (784-256-128-10 at batch 128 and a ragged shape), returning every output. */
function step(k: Kernels, m: number, sizes: number[]): Float32Array[] {
  // Room first: a view taken before the memory grows is not current, and would run in TypeScript.
  k.reserve(4 * (8 * m * Math.max(...sizes) + 6 * sizes.reduce((s, v, i) => s + v * (sizes[i + 1] ?? 0), 0)) + 65536);
  const outs: Float32Array[] = [];
  let x = put(k, random(m * sizes[0]!, 1));
  const acts: FloatArray[] = [x];
  const ws: FloatArray[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const [i, o] = [sizes[l - 1]!, sizes[l]!];
    const w = put(k, random(i * o, 10 + l).map((v) => v * 0.1));
    ws.push(w);
    const z = k.alloc(m * o).data;
    const a = k.alloc(m * o).data;
    const bias = put(k, random(o, 20 + l));
    if (l === sizes.length - 1) {
      // The product, bias and softmax as three calls; the hidden layers' as one (the epilogue on each thread's block).
      k.gemmNN(x, w, z, m, i, o, false);
      k.addRowVector(z, bias, m, o);
      k.activationForward('softmax', 0, z, a, m, o);
    } else {
      k.denseForward(x, w, bias, z, a, m, i, o, l === 1 ? 'relu' : 'tanh', 0);
    }
    outs.push(Float32Array.from(z));
    outs.push(Float32Array.from(a));
    acts.push(a);
    x = a;
  }
  let d = k.alloc(m * sizes.at(-1)!).data;
  const y = put(k, Array.from({ length: m }, (_, r) => r % sizes.at(-1)!));
  k.fusedLossGradient(true, x, y, d, m, sizes.at(-1)!, 1 / m);
  outs.push(Float32Array.from(d));
  for (let l = sizes.length - 1; l >= 1; l--) {
    const [i, o] = [sizes[l - 1]!, sizes[l]!];
    const gw = k.alloc(i * o).data, gb = k.alloc(o).data;
    k.gemmTN(acts[l - 1]!, d, gw, m, i, o, false);
    k.columnSums(d, gb, m, o, false);
    const mom = k.alloc(i * o).data, vel = k.alloc(i * o).data;
    const probe = k.adam(ws[l - 1]!, gw, mom, vel, i * o, 1e-3, 0.9, 0.999, 1e-7);
    outs.push(Float32Array.from(gw), Float32Array.from(gb), Float32Array.from(ws[l - 1]!), Float32Array.of(probe));
    if (l > 1) {
      const dx = k.alloc(m * i).data;
      k.gemmNT(d, ws[l - 1]!, dx, m, o, i, false);
      k.activationBackward(l - 1 === 1 ? 'relu' : 'tanh', 0, acts[l - 1]!, acts[l - 1]!, dx, dx, m, i);
      outs.push(Float32Array.from(dx));
      d = dx;
    }
  }
  outs.push(Float32Array.of(k.allFinite(acts[1]!, m * sizes[1]!) ? 1 : 0));
  assert.equal((k as Kernels & { fallbacks: number }).fallbacks, 0, 'every call ran in WebAssembly');
  return outs;
}

for (const [m, sizes] of [[128, [784, 256, 128, 10]], [1000, [61, 300, 37, 3]], [97, [784, 256, 128, 10]]] as const) {
  test(`a step of ${sizes.join('-')} at batch ${m}: 2 and 3 threads (default cuts) give the bits of 1 thread`, async () => {
    const one = step(open(), m, [...sizes]);
    for (const threads of [2, 3]) {
      const k = open();
      assert.equal(await k.useThreads(threads), threads);
      const pool = kernelPool();
      assert.ok(typeof pool === 'object');
      const before = Atomics.load(pool.ctrl, 0);
      const many = step(k, m, [...sizes]);
      assert.ok(Atomics.load(pool.ctrl, 0) - before >= 6, 'the products and the updates were cut over the threads');
      one.forEach((o, i) => sameBits(o, many[i]!, `${threads} threads, output ${i}`));
    }
  });
}

test('every call cut into uneven and empty slices (3 and 5 threads) still gives the bits of 1 thread', async () => {
  const one = step(open(), 13, [37, 29, 11, 3]);
  for (const threads of [3, 5]) {
    const k = open();
    await k.useThreads(threads, true);
    step(k, 13, [37, 29, 11, 3]).forEach((o, i) => sameBits(one[i]!, o, `${threads} threads cut small, output ${i}`));
  }
});

test('batch 1 stays on the calling thread: no product of 784-256-128-10 is cut, nor any pass after them', async () => {
  const k = open();
  await k.useThreads(2);
  const pool = kernelPool();
  assert.ok(typeof pool === 'object');
  const before = Atomics.load(pool.ctrl, 0);
  step(k, 1, [784, 256, 128, 10]);
  // Not even the optimiser updates of the two large weight matrices (≥ 2·8192 elements): a pass is
  // cut only after a product that was, so the threads the memory is attached to are not woken.
  const commands = Atomics.load(pool.ctrl, 0) - before;
  assert.equal(commands, 0, 'commands sent to the threads');
  // At batch 128 the products are cut, and the passes after them too.
  step(k, 128, [784, 256, 128, 10]);
  assert.ok(Atomics.load(pool.ctrl, 0) - before >= 4, `products and passes cut at batch 128: ${Atomics.load(pool.ctrl, 0) - before} commands`);
});

test('the pool starts once, serves many models, terminates, and starts again when asked', async () => {
  await terminateKernelThreads();
  assert.equal(existingKernelPool(), undefined);
  const models = Array.from({ length: 4 }, () => open());
  for (const k of models) assert.equal(await k.useThreads(2), 2);
  const pool = existingKernelPool()!;
  assert.equal(pool.starts, 1, 'workers started once for four models');
  assert.equal(pool.threads, 2);
  for (const k of models) step(k, 64, [300, 200, 10]);
  await terminateKernelThreads();
  assert.equal(existingKernelPool(), undefined);
  // A model that used the old pool attaches to a new one.
  const k = models[0]!;
  await k.useThreads(2);
  const again = existingKernelPool()!;
  assert.notEqual(again, pool);
  assert.equal(again.starts, 1);
  sameBits(step(open(), 64, [300, 200, 10]).flatMap((a) => [...a]), step(k, 64, [300, 200, 10]).flatMap((a) => [...a]), 'after a restart');
});

test('chunks are claimed from the thread\'s own group first, then taken from the others, each exactly once', () => {
  const ctrl = new Int32Array(CTRL_WORDS);
  const drain = (self: number, count: number) => Array.from({ length: count }, () => claimChunk(ctrl, self));
  publishChunks(ctrl, 8, 2);
  // Thread 1 (a worker) starts on chunks 4..7: the rows or range this shape gives it every call.
  assert.deepEqual(drain(1, 2), [4, 5]);
  // The caller takes its own group, then what is left of the other's, then finds none.
  assert.deepEqual(drain(0, 7), [0, 1, 2, 3, 6, 7, -1]);
  assert.equal(claimChunk(ctrl, 1), -1);
  // Three threads over 8 chunks: groups [0, 2), [2, 5), [5, 8); a worker numbered past the
  // call's threads starts on the group of its number modulo them.
  publishChunks(ctrl, 8, 3);
  assert.deepEqual(drain(2, 4), [5, 6, 7, 0]);
  assert.deepEqual(drain(4, 2), [2, 3]);
  assert.deepEqual(drain(0, 3), [1, 4, -1]);
  // A call of fewer chunks than threads has one group per chunk; the words of the earlier call's
  // groups it does not use are exhausted, so a late thread reading the old group count gets nothing twice.
  publishChunks(ctrl, 2, 3);
  assert.equal(Atomics.load(ctrl, CTRL.groups), 2);
  const seen = [claimChunk(ctrl, 2), claimChunk(ctrl, 2), claimChunk(ctrl, 2)];
  assert.deepEqual(seen, [0, 1, -1]);
});

test('a product is cut into row blocks of 32 rows or more while each thread gets one, else into column panels', () => {
  // W2 on 2 threads (8 chunks): the first layer's Xᵀ·δ (784×256 over 128 steps) in 8 row blocks.
  assert.deepEqual(productCut(2, 8, 784, 256, 128, 4, 8), { parts: 8, byColumns: false });
  // The second layer's forward (128×128 over 256) and Xᵀ·δ (256×128 over 128): 4 and 8 blocks of
  // 32 rows, not 8 panels of 16 columns that each read all of A again.
  assert.deepEqual(productCut(2, 8, 128, 128, 256, 4, 8), { parts: 4, byColumns: false });
  assert.deepEqual(productCut(2, 8, 256, 128, 128, 4, 8), { parts: 8, byColumns: false });
  // 8 threads (32 chunks) on the same 128 rows: 4 row blocks would leave threads idle, so 16 parts
  // (panels of 16 columns where there are 256 columns, else blocks of 8 rows).
  assert.deepEqual(productCut(8, 32, 128, 256, 128, 4, 8), { parts: 16, byColumns: true });
  assert.deepEqual(productCut(8, 32, 128, 128, 256, 4, 8), { parts: 16, byColumns: false });
  // Under 64 rows: columns; under the minimum work: not cut.
  assert.deepEqual(productCut(2, 8, 48, 256, 784, 4, 8), { parts: 8, byColumns: true });
  assert.deepEqual(productCut(2, 8, 32, 16, 16, 4, 8), { parts: 1, byColumns: false });
});

test('column panels are cut finer until each is under 2^21 multiply-adds, keeping 16 columns, within the chunk slots', () => {
  // W2's first product X·W (128×256 over 784 steps) on 2 threads: 8 panels of 3.2 M → 16 of 1.6 M.
  assert.equal(finerPanels(8, 128, 256, 784, 256), 16);
  // δ·Wᵀ of its second layer (128×256 over 128 steps): 0.5 M a panel already.
  assert.equal(finerPanels(8, 128, 256, 128, 256), 8);
  // 1,024 columns: doubled to 64 panels of 16 columns (1.6 M each), not further.
  assert.equal(finerPanels(8, 128, 1024, 784, 256), 64);
  // Never past the chunk slots.
  assert.equal(finerPanels(8, 128, 1024, 784, 32), 32);
  assert.equal(MAX_MACS_PER_PANEL, 2 ** 21);
});

test('each half of a forward cut by steps is cut into 128-column groups, then row blocks of 64 rows or more, then narrower groups', () => {
  // W2's first layer on 2 threads: 4 chunks a half, 2 row blocks of 64 rows × 2 groups of 128 columns.
  assert.deepEqual(halfBlocks(128, 256, 4), { rows: 2, columns: 2 });
  assert.deepEqual(halfBlocks(256, 256, 4), { rows: 2, columns: 2 });
  assert.deepEqual(halfBlocks(256, 128, 4), { rows: 4, columns: 1 });
  // Under 128 rows: column groups only, narrower than 128 for the chunks left; never more groups than 8-column panels.
  assert.deepEqual(halfBlocks(64, 256, 4), { rows: 1, columns: 4 });
  assert.deepEqual(halfBlocks(16, 256, 8), { rows: 1, columns: 8 });
  assert.deepEqual(halfBlocks(17, 20, 8), { rows: 1, columns: 2 });
  for (const [m, n, chunks] of [[128, 40, 8], [200, 64, 16], [33, 9, 4], [256, 1024, 64], [128, 256, 1]] as const) {
    const { rows, columns } = halfBlocks(m, n, chunks);
    assert.ok(rows * columns <= chunks && columns <= Math.max(1, n >> 3) && (rows === 1 || m / rows >= 64), `${m}×${n} in ${chunks}: ${rows} × ${columns}`);
  }
});

test('an error in a kernel thread surfaces on the caller as a KernelThreadError naming the thread', async () => {
  const k = open();
  await k.useThreads(2);
  const pool = kernelPool();
  assert.ok(typeof pool === 'object');
  // An instance no thread holds: one chunk, left to the worker (the caller claims none here).
  pool.post(0, [0, 0, 0, 4]);
  pool.go(OP.multiply, 987654, 1, 2);
  assert.throws(() => pool.finish(1), (e: unknown) => e instanceof KernelThreadError && e.thread === 1 && /kernel thread 1 failed: .*no kernel instance 987654/.test(e.message));
  // A WebAssembly trap (a read past the memory's end) in the thread's chunk.
  const a = put(k, random(8, 1));
  pool.post(0, [a.byteOffset, 2 ** 31, a.byteOffset, 4]);
  pool.go(OP.multiply, (k as unknown as { id: number }).id, 1, 2);
  assert.throws(() => pool.finish(1), (e: unknown) => e instanceof KernelThreadError && e.thread === 1 && /RuntimeError/.test(e.message));
  // The pool still works afterwards.
  const b = put(k, random(1 << 17, 2)), out = k.alloc(1 << 17).data;
  k.multiply(b, b, out, 1 << 17);
  assert.equal(out[(1 << 17) - 1], Math.fround(b[(1 << 17) - 1]! * b[(1 << 17) - 1]!));
});

test('a shared memory grows in place while threads hold it: old views alias it, cut products still run', async () => {
  const k = open();
  assert.equal(k.shared, true, 'Node has SharedArrayBuffer: the shared build');
  await k.useThreads(2);
  k.reserve(4 * (2 * 256 * 300 + 256 * 256) + 4096);
  const A = put(k, random(256 * 300, 3)), B = put(k, random(300 * 256, 4));
  const first = k.alloc(256 * 256).data;
  k.gemmNN(A, B, first, 256, 300, 256, false);
  const generation = k.generation;
  k.reserve(256 * 1024 * 1024);
  assert.equal(k.generation, generation + 1);
  const after = k.alloc(256 * 256).data;
  // A and B are views of the buffer before growth: still the same memory, so the wrapper runs them
  // in TypeScript (it cannot know); blocks re-pointed run in WebAssembly on the threads.
  const [a2, b2] = [new Float32Array(k.alloc(0).data.buffer, A.byteOffset, A.length), new Float32Array(k.alloc(0).data.buffer, B.byteOffset, B.length)];
  k.gemmNN(a2, b2, after, 256, 300, 256, false);
  sameBits(first, after, 'the product after growth');
  A[0] = 42;
  assert.equal(a2[0], 42, 'a view from before growth writes the same memory');
});

test('deferred work runs on the calling thread inside the next cut call, after its chunks are published; else at runDeferred; one thread runs it at once', async () => {
  const k = open();
  await k.useThreads(2);
  const pool = kernelPool();
  assert.ok(typeof pool === 'object');
  const [m, kk, n] = [128, 784, 256];
  k.reserve(4 * (m * kk + kk * n + 2 * m * n) + 65536);
  const a = put(k, random(m * kk, 5)), b = put(k, random(kk * n, 6));
  const one = open();
  one.reserve(4 * (m * kk + kk * n + m * n) + 65536);
  const expected = one.alloc(m * n).data;
  one.gemmNN(put(one, a), put(one, b), expected, m, kk, n, false);
  const out = k.alloc(m * n).data;
  const seen: number[] = [];
  k.defer(() => seen.push(Atomics.load(pool.ctrl, 0)));
  assert.equal(seen.length, 0, 'not run before a cut call');
  const before = Atomics.load(pool.ctrl, 0);
  k.gemmNN(a, b, out, m, kk, n, false);
  assert.deepEqual(seen, [before + 1], 'run once, during the product, after its command was sent');
  sameBits(expected, out, 'the product around the deferred work');
  // Nothing cut between defer and runDeferred: it runs there, once.
  k.defer(() => seen.push(-1));
  k.runDeferred();
  k.runDeferred();
  assert.deepEqual(seen, [before + 1, -1]);
  // A task that throws: the call's chunks still complete (the pool is not left waiting), the error surfaces, the next call works.
  k.defer(() => { throw new Error('deferred task failed'); });
  assert.throws(() => k.gemmNN(a, b, out, m, kk, n, false), /deferred task failed/);
  k.gemmNN(a, b, out, m, kk, n, false);
  sameBits(expected, out, 'the product after a failed task');
  // A task's own kernel calls are not cut (the pool runs one call at a time), even a product
  // large enough: the same bits, no command sent; the call after it is cut again.
  const inTask = k.alloc(m * n).data;
  let commandsInTask = -1;
  k.defer(() => {
    const at = Atomics.load(pool.ctrl, 0);
    k.gemmNN(a, b, inTask, m, kk, n, false);
    commandsInTask = Atomics.load(pool.ctrl, 0) - at;
  });
  k.gemmNN(a, b, out, m, kk, n, false);
  assert.equal(commandsInTask, 0, 'the task\'s product ran on this thread alone');
  sameBits(expected, inTask, 'the product inside a task');
  const after = Atomics.load(pool.ctrl, 0);
  k.gemmNN(a, b, out, m, kk, n, false);
  assert.equal(Atomics.load(pool.ctrl, 0) - after, 1, 'the next product is cut');
  // One thread: nothing to overlap with, so the task runs when deferred.
  let ran = false;
  one.setThreads(1);
  one.defer(() => { ran = true; });
  assert.equal(ran, true);
});
