// Built-in callbacks: early stopping (with restore of the best weights), checkpoints, the CSV
// log, terminate-on-NaN, reduce-on-plateau; hooks, async hooks and stopTraining; bad settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  sequential, layers, optimizers, callbacks, schedules, datasets, DivergenceError, InputError,
  type Callback, type Logs, type WeightArray, type Checkpoint,
} from '../../src/index.js';
import { assertRejectsWith, assertThrowsWith } from '../helpers/assert.js';

// A small noisy set and a network far larger than it needs: validation loss turns up early.
const train = datasets.moons({ n: 60, noise: 0.35, seed: 11 });
const val = datasets.moons({ n: 200, noise: 0.35, seed: 12 });

function bigModel(seed = 5, learningRate = 0.01) {
  const model = sequential([
    layers.dense({ units: 128, inputShape: [2], activation: 'relu' }),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed });
  model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Records the weights at the end of every epoch. */
class Snapshots implements Callback {
  readonly byEpoch = new Map<number, WeightArray[]>();
  private model!: ReturnType<typeof bigModel>;
  setModel(m: ReturnType<typeof bigModel>) {
    this.model = m;
  }
  onEpochEnd(epoch: number) {
    this.byEpoch.set(epoch, this.model.getWeights());
  }
}

test('earlyStopping stops a overfitting run before the limit and restores exactly the best epoch\'s weights', async () => {
  const model = bigModel();
  const snaps = new Snapshots();
  const stopper = callbacks.earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true });
  const history = await model.fit(train.x, train.y, { epochs: 300, batchSize: 16, verbose: 0, validationData: [val.x, val.y], callbacks: [snaps, stopper] });
  const epochs = history.epoch.length;
  assert.ok(epochs < 300, `stopped early (ran ${epochs} epochs)`);
  const valLoss = history.history.val_loss!;
  const best = valLoss.indexOf(Math.min(...valLoss));
  assert.equal(stopper.bestEpoch, best, 'the best epoch is the one with the lowest val_loss');
  assert.equal(stopper.stoppedEpoch, best + 10, 'stopped patience epochs after the best');
  assert.equal(epochs, best + 11);
  assert.deepEqual(model.getWeights(), snaps.byEpoch.get(best), 'weights are exactly those at the end of the best epoch');
  assert.notDeepEqual(snaps.byEpoch.get(epochs - 1), snaps.byEpoch.get(best), 'the last epoch differed, so restoring did something');
  // And the restored model scores the best val_loss again.
  assert.ok(Math.abs(model.evaluate(val.x, val.y).loss! - valLoss[best]!) < 1e-6);
});

test('earlyStopping: mode, minDelta and baseline as Keras', async () => {
  // Drive it with scripted logs: only the callback logic is under test here.
  const model = bigModel();
  const run = (args: Parameters<typeof callbacks.earlyStopping>[0], series: number[]) => {
    const es = callbacks.earlyStopping(args);
    es.setModel(model);
    model.stopTraining = false;
    es.onTrainBegin();
    let stoppedAt = -1;
    series.forEach((v, epoch) => {
      if (stoppedAt >= 0) return;
      es.onEpochEnd(epoch, { val_loss: v, val_accuracy: v });
      if (model.stopTraining) stoppedAt = epoch;
    });
    return { stoppedAt, best: es.bestEpoch };
  };
  // patience 2: two epochs without improvement stop at the second.
  assert.deepEqual(run({ patience: 2 }, [1, 0.9, 0.95, 0.92, 0.5]), { stoppedAt: 3, best: 1 });
  // minDelta 0.1: 0.95 → 0.9 is not an improvement.
  assert.deepEqual(run({ patience: 1, minDelta: 0.1 }, [1, 0.95, 0.9, 0.8]), { stoppedAt: 1, best: 0 });
  // max mode is chosen for accuracy names.
  assert.deepEqual(run({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.7, 0.6]), { stoppedAt: 2, best: 1 });
  // baseline: an improvement that does not beat it does not reset the wait, so a flat run
  // stops one epoch sooner than without it...
  assert.deepEqual(run({ patience: 2 }, [1, 1, 1, 1]), { stoppedAt: 2, best: 0 });
  assert.deepEqual(run({ patience: 2, baseline: 0.5 }, [1, 1, 1, 1]), { stoppedAt: 1, best: 0 });
  // ...while a run that keeps improving is never stopped (Keras returns on every improvement).
  assert.deepEqual(run({ patience: 1, baseline: 0.5 }, [1, 0.9, 0.8, 0.7]), { stoppedAt: -1, best: 3 });
  // patience 0 stops at the first epoch that does not improve (never at epoch 0).
  assert.deepEqual(run({ patience: 0 }, [1, 0.9, 0.9]), { stoppedAt: 2, best: 1 });
});

test('unknown monitor names and bad settings are clear errors before training', async () => {
  const model = bigModel();
  const before = model.getWeights();
  await assertRejectsWith(() => model.fit(train.x, train.y, { epochs: 2, verbose: 0, validationData: [val.x, val.y], callbacks: [callbacks.earlyStopping({ monitor: 'val_acuracy' })] }),
    InputError, /monitor "val_acuracy" is not logged by this fit; did you mean "val_accuracy"\? Logged: loss, accuracy, val_loss, val_accuracy, lr/);
  await assertRejectsWith(() => model.fit(train.x, train.y, { epochs: 2, verbose: 0, callbacks: [callbacks.earlyStopping({ monitor: 'val_loss' })] }),
    InputError, /val_ names need validationSplit or validationData/);
  await assertRejectsWith(() => model.fit(train.x, train.y, { epochs: 2, verbose: 0, callbacks: [callbacks.reduceLROnPlateau({ monitor: 'los' })] }), InputError, /did you mean "loss"/);
  assert.deepEqual(model.getWeights(), before, 'nothing was trained');
  assertThrowsWith(() => callbacks.earlyStopping({ patience: -1 }), InputError, /patience must be an integer ≥ 0, got -1/);
  assertThrowsWith(() => callbacks.reduceLROnPlateau({ patience: -3 }), InputError, /patience must be an integer ≥ 0, got -3/);
  assertThrowsWith(() => callbacks.reduceLROnPlateau({ factor: 1.5 }), InputError, /factor must be in \(0, 1\)/);
  assertThrowsWith(() => callbacks.earlyStopping({ mode: 'down' as never }), InputError, /mode must be 'auto', 'min' or 'max', got "down"/);
  assertThrowsWith(() => callbacks.earlyStopping({ patiense: 3 } as never), InputError, /unknown option "patiense"/);
});

test('reduceLROnPlateau divides the rate by 1/factor after patience flat epochs; history.lr shows it', async () => {
  const model = bigModel(5, 0.01);
  // A monitor that never improves after epoch 0: a flat validation loss.
  const flat: Callback = { onEpochEnd: (_e: number, logs: Logs) => void (logs.flat = 1) };
  const plateau = callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 3, minDelta: 1e9, cooldown: 1 });
  const history = await model.fit(train.x, train.y, { epochs: 12, batchSize: 60, verbose: 0, callbacks: [flat, plateau] });
  // Epoch 0 sets the best; epochs 1–3 are flat → reduce at 3; cooldown 1 (epoch 4 counts once
  // the cooldown has run out, as Keras) → 4,5,6 → reduce at 6; then at 9.
  assert.deepEqual(plateau.reductions.map((r) => r.epoch), [3, 6, 9]);
  assert.deepEqual(history.history.lr, [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025, 0.00125, 0.00125]);
  assert.equal(model.optimizer!.learningRate, 0.00125);
});

test('reduceLROnPlateau respects minLr and needs a numeric rate', async () => {
  const model = bigModel(5, 0.01);
  const plateau = callbacks.reduceLROnPlateau({ monitor: 'loss', factor: 0.1, patience: 0, minDelta: 1e9, minLr: 0.0005 });
  const history = await model.fit(train.x, train.y, { epochs: 5, batchSize: 60, verbose: 0, callbacks: [plateau] });
  // An epoch's lr is the one it trained with; the reduction at the end of epoch 1 shows from epoch 2.
  assert.deepEqual(history.history.lr, [0.01, 0.01, 0.001, 0.0005, 0.0005]);
  const scheduled = sequential([layers.dense({ units: 1, inputShape: [2] })]);
  scheduled.compile({ optimizer: optimizers.sgd({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }) }), loss: 'mse' });
  await assertRejectsWith(() => scheduled.fit(train.x, train.y, { epochs: 2, verbose: 0, callbacks: [callbacks.reduceLROnPlateau({ monitor: 'loss' })] }), InputError, /reduceLROnPlateau: the optimizer's learningRate is the schedule exponentialDecay/);
});

test('lr = 1e3 ends through terminateOnNaN, naming the layer and parameter; no NaN weight is left', async () => {
  const data = datasets.moons({ n: 200, noise: 0.1, seed: 1 });
  const make = () => {
    const m = sequential([
      layers.dense({ units: 16, inputShape: [2], activation: 'relu' }),
      layers.dense({ units: 16, activation: 'relu' }),
      layers.dense({ units: 1 }),
    ], { seed: 1 });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 1e3 }), loss: 'mse' });
    return m;
  };
  const model = make();
  const snaps = new Snapshots();
  const batchWeights: WeightArray[][] = [];
  const perBatch: Callback = { onBatchEnd: () => void batchWeights.push(model.getWeights()) };
  const nan = callbacks.terminateOnNaN();
  const history = await model.fit(data.x, data.y, { epochs: 50, verbose: 0, callbacks: [snaps, perBatch, nan] });
  assert.ok(nan.event, 'terminateOnNaN fired');
  assert.ok(history.epoch.length < 50);
  assert.match(nan.event.message, /^epoch 1, batch \d+: .*dense_\d\/kernel \(layer dense_\d\).*Lower the learning rate \(now 1000\)/);
  assert.equal(nan.event.layer, nan.event.param!.split('/')[0]);
  assert.ok(history.warnings.includes(nan.event.message), 'the message is in history.warnings');
  const flat = model.getWeights().flat(2) as number[];
  assert.ok(flat.every(Number.isFinite), 'no NaN or Infinity left in the model');
  assert.deepEqual(model.getWeights(), batchWeights[batchWeights.length - 1], 'the weights of the last finite step');

  // Without the callback the same run throws DivergenceError, also leaving finite weights (T1).
  const plain = make();
  await assertRejectsWith(() => plain.fit(data.x, data.y, { epochs: 50, verbose: 0 }), DivergenceError, /^epoch 1, batch \d+: .*(not finite|non-finite)/);
  assert.ok((plain.getWeights().flat(2) as number[]).every(Number.isFinite));
});

test('a non-finite loss names the layer whose output overflowed first', async () => {
  const model = sequential([layers.dense({ units: 2, inputShape: [2] }), layers.dense({ units: 1 })]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  model.setWeights([[[3e38, 0], [3e38, 0]], [0, 0], [[1], [1]], [0]]);
  const before = model.getWeights();
  const nan = callbacks.terminateOnNaN();
  await model.fit([[1, 1]], [1], { epochs: 3, verbose: 0, callbacks: [nan] });
  assert.equal(nan.event?.kind, 'loss');
  assert.equal(nan.event?.layer, 'dense_1');
  assert.equal(nan.event?.param, 'dense_1/kernel');
  assert.match(nan.event!.message, /loss is (NaN|Infinity); non-finite values first appear in the output of layer dense_1 \(largest \|weight\| in dense_1\/kernel: 3\.00e\+38\)/);
  assert.deepEqual(model.getWeights(), before, 'nothing was applied');
});

test('modelCheckpoint keeps the best weights in memory and hands each checkpoint to save', async () => {
  const model = bigModel();
  const saved: Checkpoint[] = [];
  const snaps = new Snapshots();
  const best = callbacks.modelCheckpoint({ monitor: 'val_loss', saveBestOnly: true, save: async (c) => {
    await new Promise((r) => setTimeout(r, 1));
    saved.push(c);
  } });
  const every = callbacks.modelCheckpoint();
  const history = await model.fit(train.x, train.y, { epochs: 40, batchSize: 16, verbose: 0, validationData: [val.x, val.y], callbacks: [snaps, best, every] });
  const valLoss = history.history.val_loss!;
  const bestEpoch = valLoss.indexOf(Math.min(...valLoss));
  // Saved exactly at the epochs that set a new record.
  const records = valLoss.flatMap((v, e) => (valLoss.slice(0, e).every((u) => v < u) ? [e] : []));
  assert.deepEqual(saved.map((c) => c.epoch), records);
  assert.equal(best.latest!.epoch, bestEpoch);
  assert.deepEqual(best.latest!.weights, snaps.byEpoch.get(bestEpoch));
  assert.equal(best.latest!.logs.val_loss, valLoss[bestEpoch]);
  assert.equal(every.latest!.epoch, 39);
  assert.ok(best.restore());
  assert.deepEqual(model.getWeights(), snaps.byEpoch.get(bestEpoch));
});

test('csvLogger writes Keras\' header and one row per epoch, to a function or a file', async () => {
  const lines: string[] = [];
  const model = bigModel();
  const history = await model.fit(train.x, train.y, { epochs: 3, batchSize: 30, verbose: 0, validationData: [val.x, val.y], callbacks: [callbacks.csvLogger({ write: (l) => void lines.push(l) })] });
  assert.equal(lines[0], 'epoch,accuracy,loss,lr,val_accuracy,val_loss');
  assert.equal(lines.length, 4);
  const row = lines[2]!.split(',').map(Number);
  assert.deepEqual(row, [1, history.history.accuracy![1], history.history.loss![1], 0.01, history.history.val_accuracy![1], history.history.val_loss![1]]);

  const dir = mkdtempSync(join(tmpdir(), 'backprop-csv-'));
  try {
    const path = join(dir, 'log.csv');
    writeFileSync(path, 'stale');
    await model.fit(train.x, train.y, { epochs: 2, verbose: 0, callbacks: [callbacks.csvLogger({ path, separator: ';' })] });
    let text = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(text[0], 'epoch;accuracy;loss;lr');
    assert.equal(text.length, 3);
    await model.fit(train.x, train.y, { epochs: 2, verbose: 0, callbacks: [callbacks.csvLogger({ path, separator: ';', append: true })] });
    text = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(text.length, 5, 'appended two rows, no second header');
    assert.equal(text.filter((l) => l.startsWith('epoch')).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assertThrowsWith(() => callbacks.csvLogger({} as never), InputError, /exactly one of write .* or path/);
});

test('every hook runs in order, async hooks are awaited, and stopTraining ends after the current batch', async () => {
  const model = bigModel();
  const events: string[] = [];
  const hooks: Callback = {
    setParams: (p) => void events.push(`params steps=${p.steps} epochs=${p.epochs} metrics=${p.metrics.join('|')}`),
    onTrainBegin: () => void events.push('trainBegin'),
    onEpochBegin: async (e) => {
      await new Promise((r) => setTimeout(r, 2));
      events.push(`epochBegin ${e}`);
    },
    onBatchBegin: (b) => void events.push(`batchBegin ${b}`),
    onBatchEnd: (b, logs) => {
      events.push(`batchEnd ${b} ${Number.isFinite(logs.loss) ? 'loss' : '?'}`);
      if (b === 1 && events.includes('epochBegin 1')) model.stopTraining = true;
    },
    onEpochEnd: (e) => void events.push(`epochEnd ${e}`),
    onTrainEnd: () => void events.push('trainEnd'),
  };
  const history = await model.fit(train.x, train.y, { epochs: 5, batchSize: 20, verbose: 0, callbacks: [hooks] });
  assert.deepEqual(events, [
    'params steps=3 epochs=5 metrics=loss|accuracy|lr',
    'trainBegin',
    'epochBegin 0', 'batchBegin 0', 'batchEnd 0 loss', 'batchBegin 1', 'batchEnd 1 loss', 'batchBegin 2', 'batchEnd 2 loss', 'epochEnd 0',
    'epochBegin 1', 'batchBegin 0', 'batchEnd 0 loss', 'batchBegin 1', 'batchEnd 1 loss', 'epochEnd 1',
    'trainEnd',
  ]);
  assert.equal(history.iterations, 5);
  assert.equal(history.epoch.length, 2);
});
