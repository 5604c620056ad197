// R80: fit({ threads: 256 }) on a machine with a few cores took 3.3 GB and 9.3 s (every thread
// packs its own panels); now a count above the cores is capped at them, with a one-line warning
// naming the cap, and the weights are the bits of one thread (the cut never changes them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { layers, sequential, type Sequential } from '../../src/index.js';
import { existingKernelPool } from '../../src/kernels/pool/pool.js';

const cores = availableParallelism();

function model(): Sequential {
  const m = sequential([layers.dense({ units: 128, activation: 'relu', inputShape: [64] }), layers.dense({ units: 3, activation: 'softmax' })], { seed: 7 });
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam' });
  return m;
}
const x = Array.from({ length: 512 }, (_, i) => Array.from({ length: 64 }, (_, j) => Math.sin(i * 0.37 + j * 0.11)));
const y = x.map((r) => (r[0]! > 0.3 ? 2 : r[1]! > 0 ? 1 : 0));

test('R80: fit({ threads: 256 }) runs on the cores, says the cap in one warning, and gives the weights of one thread', async () => {
  const one = model();
  await one.fit(x, y, { epochs: 2, batchSize: 256, threads: 1, verbose: 0 });
  const many = model();
  const history = await many.fit(x, y, { epochs: 2, batchSize: 256, threads: 256, verbose: 0 });
  const caps = history.warnings.filter((w) => /threads 256 capped/.test(w));
  assert.equal(caps.length, 1, `warnings: ${JSON.stringify(history.warnings)}`);
  assert.match(caps[0]!, new RegExp(`^fit: threads 256 capped at ${cores}, the cores of this machine`));
  assert.ok(!caps[0]!.includes('\n'), 'one line');
  assert.ok((existingKernelPool()?.threads ?? 1) <= cores, `kernel threads ${existingKernelPool()?.threads} on ${cores} cores`);
  assert.deepEqual(many.getWeights(), one.getWeights(), 'the weights of one thread, bit for bit');
});

test('R80: predict({ threads: 256 }) is capped too and says so once on the console', () => {
  const m = model();
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warned.push(a.join(' '));
  try {
    const p1 = m.predict(x, { threads: 256 });
    const p2 = m.predict(x, { threads: 256 });
    assert.deepEqual(p1, m.predict(x, { threads: 1 }));
    assert.deepEqual(p2, p1);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warned.filter((w) => /capped/.test(w)), [`backprop: predict: threads 256 capped at ${cores}, the cores of this machine (more only add memory and waits; the results are the same)`]);
});
