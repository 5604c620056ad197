// fit's `threads` over the kernel threads: every count gives the same weights bit for bit (each
// element of a product is computed by one thread, in one thread's order), with dropout and batch
// normalisation too; the option's validation; 'auto' and what it says; the process exits by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  sequential, layers, regularizers, setKernelBackend, kernelBackend, InputError, UnsupportedError, type Sequential, type WeightArray,
} from '../../src/index.js';
import { seededClasses } from '../helpers/data.js';
import { describeThreads } from '../../src/model/kernelThreads.js';
import { kernelCores, kernelPool } from '../../src/kernels/pool/pool.js';

const flat = (w: WeightArray[]) => w.flatMap((t) => (Array.isArray(t[0]) ? (t as number[][]).flat() : (t as number[])));

/** 64-256-64-3: at batch 128 its products (up to 128×64×256 = 2.1M multiply-adds) are cut over 2 threads. */
function build(backend: 'typescript' | 'wasm', extra: 'dropout' | 'batchNorm' | 'none'): Sequential {
  const before = kernelBackend();
  setKernelBackend(backend);
  try {
    const model = sequential([
      layers.dense({ units: 256, activation: 'relu', inputShape: [64], kernelRegularizer: regularizers.l2({ l2: 1e-3 }) }),
      ...(extra === 'dropout' ? [layers.dropout({ rate: 0.3 })] : extra === 'batchNorm' ? [layers.batchNormalization()] : []),
      layers.dense({ units: 64, activation: 'tanh' }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ], { seed: 11 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  } finally {
    setKernelBackend(before);
  }
}

const { x, y } = seededClasses(640, 64, 3, 3);

for (const extra of ['dropout', 'batchNorm'] as const) {
  test(`wasm with ${extra}: threads 1, 2 and 3 give bit-identical weights and losses, and the steps really were cut`, async () => {
    const runs: { w: number[]; loss: number[] }[] = [];
    for (const threads of [1, 2, 3, 2]) {
      const m = build('wasm', extra);
      const pool = kernelPool();
      assert.ok(typeof pool === 'object');
      const before = Atomics.load(pool.ctrl, 0);
      const h = await m.fit(x, y, { epochs: 2, batchSize: 128, verbose: 0, threads, seed: 4 });
      const commands = Atomics.load(pool.ctrl, 0) - before;
      if (threads === 1) assert.equal(commands, 0, 'one thread sends the threads nothing');
      else assert.ok(commands >= 10 * 5, `${threads} threads: ${commands} cut calls over 10 steps`);
      runs.push({ w: flat(m.getWeights()), loss: h.history.loss! });
    }
    for (const r of runs.slice(1)) {
      assert.deepEqual(r.loss, runs[0]!.loss);
      assert.deepEqual(r.w, runs[0]!.w);
    }
    assert.ok(runs[0]!.loss[1]! < runs[0]!.loss[0]!, 'it learns');
  });
}

test('with 2 threads each next batch is gathered during the step before; weights and losses stay those of 1 thread (ragged last batch, a batch size changed mid-epoch)', async () => {
  const { x: x7, y: y7 } = seededClasses(700, 64, 3, 8);
  const runs: { w: number[]; loss: number[]; deferred: number; gathers: number }[] = [];
  for (const threads of [1, 2]) {
    const m = build('wasm', 'none');
    const kernels = m.backprop().kernels;
    const [defer, gather] = [kernels.defer.bind(kernels), kernels.gatherRows.bind(kernels)];
    let [deferred, gathers] = [0, 0];
    kernels.defer = (task) => { deferred++; defer(task); };
    kernels.gatherRows = (...a) => { gathers++; gather(...a); };
    const run = m.session.start(x7, y7, { epochs: 3, batchSize: 128, verbose: 0, threads, seed: 9 });
    await run.step();
    await run.step();
    run.setBatchSize(96);
    const h = await run.finish();
    runs.push({ w: flat(m.getWeights()), loss: h.history.loss!, deferred, gathers });
  }
  assert.deepEqual(runs[1]!.loss, runs[0]!.loss);
  assert.deepEqual(runs[1]!.w, runs[0]!.w);
  // Epoch 1: 2 steps of 128, then 96s over the other 444 rows (5 steps); epochs 2 and 3: 8 steps of 96 (the last of 28).
  const steps = 2 + 5 + 8 + 8;
  // Each step defers the weights' copy and the loss value (run at once on one thread).
  assert.deepEqual([runs[0]!.deferred, runs[0]!.gathers], [2 * steps, 2 * steps], '1 thread: the weights saved, the loss and x, y gathered at each step');
  // 2 threads: each step but an epoch's last also defers the next batch's gather, and the next step
  // takes it; the one gathered for 128 rows before the batch size changed is gathered again.
  assert.deepEqual([runs[1]!.deferred, runs[1]!.gathers], [2 * steps + steps - 3, 2 * (steps + 1)], '2 threads: gathers ahead, used');
});

test('a batch size grown just before a batch gathered ahead of the same row count: that batch is gathered again into the new buffers (bits of 1 thread)', async () => {
  const { x: x7, y: y7 } = seededClasses(700, 64, 3, 8);
  const runs: { w: number[]; loss: number[] }[] = [];
  for (const threads of [1, 2]) {
    const m = build('wasm', 'none');
    const run = m.session.start(x7, y7, { epochs: 2, batchSize: 128, verbose: 0, threads, seed: 3 });
    // After 5 steps of 128 the last 60 rows were gathered ahead; at batch size 200 the step is still of 60.
    for (let i = 0; i < 5; i++) await run.step();
    run.setBatchSize(200);
    const h = await run.finish();
    runs.push({ w: flat(m.getWeights()), loss: h.history.loss! });
  }
  assert.deepEqual(runs[1]!.loss, runs[0]!.loss);
  assert.deepEqual(runs[1]!.w, runs[0]!.w);
});

test('a callback that evaluates other rows before and after each step changes nothing in the training, with 1 or 2 threads', async () => {
  const { x: x7, y: y7 } = seededClasses(700, 64, 3, 8);
  const { x: xv, y: yv } = seededClasses(300, 64, 3, 12);
  const runs: { w: number[]; loss: number[] }[] = [];
  for (const [threads, evaluating] of [[1, false], [1, true], [2, true]] as const) {
    const m = build('wasm', 'none');
    // evaluate stages its rows in the engine's memory: never where the step's batch, or the next one gathered ahead, waits.
    const evaluate = (): void => void m.evaluate(xv, yv, { batchSize: 300, threads });
    const callbacks = evaluating ? [{ onBatchBegin: evaluate, onBatchEnd: evaluate }] : [];
    const h = await m.fit(x7, y7, { epochs: 2, batchSize: 128, verbose: 0, threads, seed: 5, callbacks });
    runs.push({ w: flat(m.getWeights()), loss: h.history.loss! });
  }
  for (const r of runs.slice(1)) {
    assert.deepEqual(r.loss, runs[0]!.loss);
    assert.deepEqual(r.w, runs[0]!.w);
  }
});

test('predict and evaluate cut large batches over the threads, with the bits of one thread', async () => {
  const m = build('wasm', 'none');
  await m.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, threads: 1 });
  const pool = kernelPool();
  assert.ok(typeof pool === 'object');
  const one = m.predictMatrix(x, { threads: 1 });
  const before = Atomics.load(pool.ctrl, 0);
  const two = m.predictMatrix(x, { threads: 2 });
  assert.ok(Atomics.load(pool.ctrl, 0) - before >= 3, 'the 640-row batch was cut');
  assert.deepEqual([...two.data], [...one.data]);
  assert.deepEqual(m.evaluate(x, y, { threads: 2 }), m.evaluate(x, y, { threads: 1 }));
  assert.throws(() => m.predict(x, { threads: 0 }), (e: unknown) => e instanceof InputError && /predict: threads must be/.test(e.message));
});

test('threads is validated with an InputError; a count the backend cannot run is an UnsupportedError naming why', async () => {
  for (const bad of [0, -1, 1.5, 'two', 1000]) {
    await assert.rejects(build('wasm', 'none').fit(x, y, { verbose: 0, threads: bad as number }), (e: unknown) => e instanceof InputError && /threads must be 'auto' or an integer from 1 to 256/.test(e.message));
  }
  await assert.rejects(build('typescript', 'none').fit(x, y, { verbose: 0, threads: 2 }),
    (e: unknown) => e instanceof UnsupportedError && /threads 2 is not available here: the TypeScript kernels run on one thread.*use threads: 1/.test(e.message));
  // 'auto' on the TypeScript kernels is one thread.
  const h = await build('typescript', 'none').fit(x, y, { verbose: 0, epochs: 1 });
  assert.equal(h.history.loss!.length, 1);
});

test("'auto' cuts what is large enough and says so: W2 at batch 128 on the cores, batch 1 on one thread", () => {
  const w2 = sequential([layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })]);
  w2.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const cores = kernelCores();
  const big = describeThreads(w2, 128, 'auto');
  if (cores >= 2) {
    assert.equal(big.threads, Math.min(cores, 128 / 4));
    assert.match(big.text, new RegExp(`^${big.threads} threads \\(auto: ${cores} cores; products up to 128×784×256 cut over them\\)$`));
  } else {
    assert.equal(big.text, '1 thread (auto: 1 core)');
  }
  const one = describeThreads(w2, 1, 'auto');
  assert.equal(one.threads, 1);
  assert.equal(cores >= 2 ? one.text : '', cores >= 2 ? '1 thread (auto: the largest product, 1×784×256, is under 4194304 multiply-adds)' : '');
  assert.equal(describeThreads(w2, 128, 3).text, '3 threads');
  // A count asked for at batch 1 cuts nothing, so the threads are not started; the line says why.
  assert.deepEqual(describeThreads(w2, 1, 3), { threads: 1, text: '1 thread (threads 3 asked, but the largest product, 1×784×256, is under 524288 multiply-adds)' });
  // 'auto' keeps a product under 2^22 multiply-adds on one thread (2 threads won nothing there and
  // took 1.7× the CPU); a count asked for still cuts it.
  const wide = sequential([layers.dense({ units: 256, activation: 'relu', inputShape: [20] }), layers.dense({ units: 256, activation: 'relu' }), layers.dense({ units: 1 })]);
  wide.compile({ optimizer: 'adam', loss: 'mse' });
  if (cores >= 2) {
    assert.deepEqual(describeThreads(wide, 32, 'auto'), { threads: 1, text: '1 thread (auto: the largest product, 32×256×256, is under 4194304 multiply-adds)' });
    assert.equal(describeThreads(wide, 64, 'auto').threads, 2);
    assert.equal(describeThreads(wide, 32, 2).threads, 2);
  }
});

test('batch 1 with threads 2 or auto cuts nothing and starts no threads (W3: 784-256-128-10, SGD, batch 1)', async () => {
  for (const threads of [2, 'auto'] as const) {
    const w3 = sequential([layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })], { seed: 3 });
    w3.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const rows = Array.from({ length: 6 }, (_, i) => Array.from({ length: 784 }, (_, j) => ((i * 13 + j) % 17) / 17));
    const pool = kernelPool();
    assert.ok(typeof pool === 'object');
    const [before, starts, workers] = [Atomics.load(pool.ctrl, 0), pool.starts, pool.threads];
    await w3.fit(rows, [0, 1, 2, 3, 4, 5], { epochs: 1, batchSize: 1, verbose: 0, threads });
    w3.predict(rows.slice(0, 1), { threads });
    assert.equal(Atomics.load(pool.ctrl, 0) - before, 0, `threads ${threads}: no call was cut, not even the optimiser's update of the 784×256 weights`);
    assert.deepEqual([pool.starts, pool.threads], [starts, workers], `threads ${threads}: no thread was started`);
  }
});

test('a threaded fit leaves idle kernel threads that do not keep the process alive', () => {
  const script = `
    import { sequential, layers } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
    const m = sequential([layers.dense({ units: 256, activation: 'relu', inputShape: [64] }), layers.dense({ units: 1 })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = Array.from({ length: 256 }, (_, i) => Array.from({ length: 64 }, (_, j) => ((i * j) % 7) / 7));
    const h = await m.fit(x, x.map((r) => [r[0] - r[1]]), { epochs: 2, batchSize: 128, verbose: 0, threads: 2 });
    console.log('done', h.history.loss.length);
  `;
  const dir = mkdtempSync(join(tmpdir(), 'backprop-threads-'));
  const file = join(dir, 'fit.mts');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 120_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done 2/);
});
