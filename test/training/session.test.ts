// The training session (src/model/session.ts): a run advanced by hand trains exactly as fit,
// its state round-trips, and the live setters take effect at the next step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, datasets, InputError, type Sequential } from '../../src/index.js';

const data = datasets.moons({ n: 120, noise: 0.2, seed: 3 });

function net(optimizer: 'sgd' | 'adam' = 'adam', lr = 0.05): Sequential {
  const m = sequential([layers.dense({ units: 8, inputShape: [2], activation: 'tanh' }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 7 });
  m.compile({ optimizer: optimizer === 'sgd' ? optimizers.sgd({ learningRate: lr }) : optimizers.adam({ learningRate: lr }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

const flat = (m: Sequential) => m.params().map((p) => Array.from(p.value));

test('k advances of one epoch equal one fit of k epochs, bit for bit (weights and logs)', async () => {
  const a = net();
  const h = await a.fit(data.x, data.y, { epochs: 6, batchSize: 16, verbose: 0, validationSplit: 0.2 });
  const b = net();
  const run = b.session.start(data.x, data.y, { epochs: 6, batchSize: 16, verbose: 0, validationSplit: 0.2 });
  for (let k = 0; k < 6; k++) assert.equal((await run.advance(1)).epoch, k + 1);
  assert.equal(run.done, true);
  assert.deepEqual(flat(b), flat(a));
  assert.deepEqual(run.history.history, h.history);
  assert.equal(run.history.iterations, 6 * Math.ceil(96 / 16));
});

test('state() then restore() continues the run bit for bit, on the same session or a fresh model', async () => {
  const a = net();
  const run = a.session.start(data.x, data.y, { batchSize: 10, verbose: 0 });
  await run.advance(3);
  const saved = run.state();
  assert.equal(saved.epoch, 3);
  // The optimiser's part is a typed copy (no per-epoch conversion), equal to the file's plain arrays.
  const plain = a.session.optimizer.getState(a.params());
  assert.deepEqual(Object.fromEntries(Object.entries(saved.optimizer.slots).map(([k, v]) => [k, v.map((t) => Array.from(t))])), { ...plain.slots });
  assert.ok(Object.values(saved.optimizer.slots).every((v) => v.every((t) => t instanceof Float32Array || t instanceof Float64Array)));
  assert.equal(saved.optimizer.iterations, plain.iterations);
  await run.advance(2);
  const straight = flat(a);
  const logs = run.epochLogs.slice(3);

  run.restore(saved);
  await run.advance(2);
  assert.deepEqual(flat(a), straight, 'the same session, rewound');
  assert.deepEqual(run.epochLogs.slice(5), logs);

  const b = net();
  const fresh = b.session.start(data.x, data.y, { batchSize: 10, verbose: 0 });
  fresh.restore(saved);
  await fresh.advance(2);
  assert.deepEqual(flat(b), straight, 'a fresh model of the same config, restored');
  assert.deepEqual(fresh.epochLogs, logs);

  await run.step();
  assert.throws(() => run.state(), (e: unknown) => e instanceof InputError && /inside epoch 6 \(batch 1\)/.test(e.message));
});

test('the learning rate set between steps is the one the next step uses', async () => {
  const steps: number[][][] = [];
  for (const lr of [0.1, 0.3]) {
    const m = net('sgd', 0.1);
    const run = m.session.start(data.x, data.y, { batchSize: 120, shuffle: false, verbose: 0 });
    await run.step();
    const before = flat(m);
    run.setLearningRate(lr);
    await run.step();
    steps.push(flat(m).map((t, i) => t.map((v, j) => v - before[i]![j]!)));
  }
  // Plain SGD: the same gradient (same weights, same full batch) times a three times larger rate.
  const [small, large] = steps as [number[][], number[][]];
  let checked = 0;
  small.forEach((t, i) => t.forEach((d, j) => {
    if (Math.abs(d) < 1e-5) return;
    assert.ok(Math.abs(large[i]![j]! / d - 3) < 1e-2, `param ${i}[${j}]: ${large[i]![j]} vs 3 × ${d}`);
    checked++;
  }));
  assert.ok(checked > 10);
});

test('a batch size set mid-epoch takes the next rows; an optimiser set between steps takes the next step', async () => {
  const m = net();
  const run = m.session.start(data.x, data.y, { batchSize: 20, verbose: 0 });
  await run.step();
  run.setBatchSize(100);
  const s = await run.step();
  assert.deepEqual([s.steps, s.epoch], [2, 1], '20 rows, then the other 100: the epoch ends after the second step');
  assert.equal(run.batchSize, 100);
  assert.throws(() => run.setBatchSize(0), InputError);

  // Switching to Adam: the next step is Adam's first, exactly as a model compiled with Adam.
  const a = net('sgd');
  const ra = a.session.start(data.x, data.y, { batchSize: 120, shuffle: false, verbose: 0 });
  ra.setOptimizer(optimizers.adam({ learningRate: 0.05 }));
  await ra.step();
  const b = net('adam');
  await b.session.start(data.x, data.y, { batchSize: 120, shuffle: false, verbose: 0 }).step();
  assert.equal(a.session.optimizer.name, 'adam');
  assert.equal(a.session.optimizer.iterations, 1);
  assert.deepEqual(flat(a), flat(b));
});

test('the session evaluates its validation data and keeps its compile part as JSON', async () => {
  const m = net();
  const run = m.session.start(data.x, data.y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25 });
  await run.finish();
  const v = run.evaluate();
  assert.equal(v.loss, run.epochLogs.at(-1)!.val_loss);
  assert.equal(v.accuracy, run.epochLogs.at(-1)!.val_accuracy);
  const config = m.session.getConfig();
  assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
  assert.equal(config.optimizer.name, 'adam');
  assert.deepEqual(config.metrics, ['accuracy']);
});
