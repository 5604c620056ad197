// The threaded fit (fit's `threads`): determinism, agreement with one thread, the option's
// validation, the small-work default, and that the workers end with the fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  sequential, layers, regularizers, setKernelBackend, kernelBackend, Rng, InputError, UnsupportedError, type Sequential, type WeightArray,
} from '../../src/index.js';
import { seededClasses } from '../helpers/data.js';
import { chooseThreads, availableCores, MIN_ROWS_PER_THREAD, MIN_WORK_PER_THREAD } from '../../src/model/threads.js';


const flat = (w: WeightArray[]) => w.flatMap((t) => (Array.isArray(t[0]) ? (t as number[][]).flat() : (t as number[])));

function build(backend: 'typescript' | 'wasm', dropout: boolean): Sequential {
  const before = kernelBackend();
  setKernelBackend(backend);
  try {
    const model = sequential([
      layers.dense({ units: 24, activation: 'relu', inputShape: [12], kernelRegularizer: regularizers.l2({ l2: 1e-3 }) }),
      ...(dropout ? [layers.dropout({ rate: 0.3 })] : []),
      layers.dense({ units: 3, activation: 'softmax' }),
    ], { seed: 11 });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  } finally {
    setKernelBackend(before);
  }
}

const { x, y } = seededClasses(300, 12, 3, 3);

for (const backend of ['typescript', 'wasm'] as const) {
  test(`${backend}: threads 2 twice gives bit-identical weights (with dropout), and agrees with threads 1 within 1e-4 after an epoch`, async () => {
    const runs: number[][] = [];
    for (let r = 0; r < 2; r++) {
      const m = build(backend, true);
      await m.fit(x, y, { epochs: 2, batchSize: 40, verbose: 0, threads: 2, seed: 4 });
      runs.push(flat(m.getWeights()));
    }
    assert.deepEqual(runs[0], runs[1]);

    const results = [];
    for (const threads of [1, 2]) {
      const m = build(backend, false);
      const h = await m.fit(x, y, { epochs: 1, batchSize: 40, verbose: 0, threads, seed: 4 });
      results.push({ w: flat(m.getWeights()), loss: h.history.loss![0]!, acc: h.history.accuracy![0]! });
    }
    const [one, two] = results as [typeof results[0], typeof results[0]];
    let worst = 0;
    for (let i = 0; i < one.w.length; i++) worst = Math.max(worst, Math.abs(one.w[i]! - two.w[i]!));
    assert.ok(worst <= 1e-4, `largest weight difference ${worst}`);
    assert.ok(Math.abs(one.loss - two.loss) <= 1e-4, `epoch loss ${one.loss} vs ${two.loss}`);
    assert.ok(Math.abs(one.acc - two.acc) <= 1e-9, `accuracy ${one.acc} vs ${two.acc}`);
    assert.ok(worst > 0, 'two threads really split the batch (the partial sums round differently)');
    assert.ok(one.loss > 0.1 && one.loss < 2, `loss ${one.loss}`);
  });
}

test('threads is validated with an InputError; batch normalisation refuses threads > 1 clearly', async () => {
  for (const bad of [0, -1, 1.5, 'two', 1000]) {
    await assert.rejects(build('typescript', false).fit(x, y, { verbose: 0, threads: bad as number }), (e: unknown) => e instanceof InputError && /threads must be 'auto' or an integer from 1 to 256/.test(e.message));
  }
  const bn = sequential([layers.dense({ units: 8, inputShape: [12] }), layers.batchNormalization(), layers.dense({ units: 3, activation: 'softmax' })]);
  bn.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await assert.rejects(bn.fit(x, y, { verbose: 0, threads: 2 }), (e: unknown) => e instanceof UnsupportedError && /batch_normalization.*threads: 1/.test(e.message));
  // Without the option the same model trains on one thread.
  await bn.fit(x, y, { verbose: 0, epochs: 1 });
});

test("the default is 'auto': 1 thread when the work or the slices are small, the cores available when both are large", () => {
  const small = build('typescript', false);
  const weights = small.params().reduce((s, p) => s + p.size, 0);
  const cores = availableCores();
  assert.ok(cores >= 1);
  assert.equal(chooseThreads(small, undefined, 1024, 235_146), chooseThreads(small, 'auto', 1024, 235_146), 'absent is auto');
  assert.equal(chooseThreads(small, 'auto', 4096, weights), 1, 'a small network');
  assert.ok(4096 * weights < 2 * MIN_WORK_PER_THREAD);
  assert.equal(chooseThreads(small, 'auto', 2048, 235_146), Math.min(cores, 2048 / MIN_ROWS_PER_THREAD));
  assert.equal(chooseThreads(small, 'auto', 512, 235_146), Math.min(cores, 512 / MIN_ROWS_PER_THREAD));
  assert.equal(chooseThreads(small, undefined, 128, 235_146), 1, 'W2 batches of 128: 64-row slices do not pay');
  assert.equal(chooseThreads(small, 3, 8, 10), 3, 'an explicit count is used as given');
});

test('a threaded fit ends its workers: the process exits by itself', () => {
  const script = `
    import { sequential, layers } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
    const m = sequential([layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), layers.dense({ units: 1 })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = Array.from({ length: 64 }, (_, i) => [i % 3, i % 5, i % 7, 1]);
    const h = await m.fit(x, x.map((r) => [r[0] - r[1]]), { epochs: 2, batchSize: 32, verbose: 0, threads: 2 });
    console.log('done', h.history.loss.length);
  `;
  const dir = mkdtempSync(join(tmpdir(), 'backprop-threads-'));
  const file = join(dir, 'fit.mts');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done 2/);
});
