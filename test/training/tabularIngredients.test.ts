// The ingredients of the tabular preset, each on its own: the robust scaler with its smooth clip,
// label smoothing (values and float64 central-difference gradients), the warm-up/cosine and
// coslog schedules, Adam's β2 and best-epoch restore through the training spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Matrix, Rng, layers, losses, optimizers, schedules, sequential, robustScaler, scalerFromJSON, smoothClip, smoothUnclip,
  trainingSpec, prepareTraining, startRun, TableBuilder, scheduleFromConfig, InputError, SpecError,
  type Loss,
} from '../../src/index.js';
import { centralDifference, randomMatrix } from '../helpers/gradcheck.js';
import { getScheduleConfig } from '../../src/optimizers/schedules.js';
import { compileWithOptimizer } from '../../src/search/trainingSpace.js';

const TOL = 1e-6;

test('robust scaler: median and interquartile range, then z/√(1 + (z/3)²); fallbacks for flat quartiles and constants', () => {
  // Column 0: 1..9 → median 5, quartiles 3 and 7 (IQR 4). Column 1: mostly 0 with two 1s → IQR 0, half range 0.5.
  // Column 2: constant → 0.
  const rows = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v, i) => [v, i < 2 ? 1 : 0, 7]);
  const s = robustScaler().fit(rows);
  assert.deepEqual(s.toJSON(), { kind: 'robust', offset: [5, 0, 7], scale: [4, 0.5, 1], clip: 3 });
  const out = s.transform([[9, 1, 7], [5, 0, 7], [105, 0, 7]]);
  assert.ok(Math.abs(out[0]![0]! - 1 / Math.sqrt(1 + 1 / 9)) < 1e-12);
  assert.ok(Math.abs(out[0]![1]! - 2 / Math.sqrt(1 + 4 / 9)) < 1e-12);
  assert.equal(out[1]![0], 0);
  assert.equal(out[0]![2], 0);
  // An outlier 25 IQRs out lands just under the bound 3, not at 25.
  assert.ok(Math.abs(out[2]![0]! - 25 / Math.sqrt(1 + (25 / 3) ** 2)) < 1e-12 && out[2]![0]! < 3, String(out[2]![0]));
  // Round trip through JSON and the inverse.
  const back = scalerFromJSON(s.toJSON()).inverseTransform(out);
  [[9, 1, 7], [5, 0, 7], [105, 0, 7]].forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(back[i]![j]! - v) < 1e-6 * Math.max(1, Math.abs(v)), `${i},${j}: ${back[i]![j]} vs ${v}`)));
  // Without a clip it is the plain affine map.
  const plain = robustScaler({ clip: Infinity }).fit(rows);
  assert.equal(plain.transform([[105, 0, 7]])[0]![0], 25);
  assert.equal('clip' in plain.toJSON(), false);
  assert.throws(() => robustScaler({ clip: 0 }), InputError);
  assert.equal(smoothUnclip(smoothClip(2.5, 3), 3).toFixed(12), '2.500000000000');
});

function probabilities(rows: number, cols: number, seed: number, normalise: boolean): Matrix {
  const m = randomMatrix(rows, cols, seed);
  for (let i = 0; i < m.data.length; i++) m.data[i] = 0.1 + 0.8 / (1 + Math.exp(-m.data[i]!));
  if (normalise) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += m.data[i * cols + j]!;
      for (let j = 0; j < cols; j++) m.data[i * cols + j]! /= s;
    }
  }
  return m;
}

function checkLoss(loss: Loss, p: Matrix, y: Matrix): void {
  const analytic = Matrix.zeros(p.rows, p.cols, 'float64');
  loss.gradient(p, y, analytic);
  const res = centralDifference(p.data as Float64Array, analytic.data, () => loss.value(p, y));
  assert.ok(res.maxRelativeError < TOL, `${loss.name}: rel error ${res.maxRelativeError} at ${JSON.stringify(res.worst)}`);
}

test('label smoothing: value is the cross-entropy against (1 − ε)·y + ε/K; gradients match central differences in float64', () => {
  const e = 0.1;
  const labels = Matrix.fromArray([[0], [2], [1], [3], [2]], 'float64');
  const onehot = Matrix.zeros(5, 4, 'float64');
  for (let i = 0; i < 5; i++) onehot.data[i * 4 + labels.data[i]!] = 1;
  const p = probabilities(5, 4, 5, true);
  // By hand: −(1/m) Σ_i Σ_c y'_ic log p_ic.
  let expected = 0;
  for (let i = 0; i < 5; i++) for (let c = 0; c < 4; c++) expected -= ((1 - e) * onehot.data[i * 4 + c]! + e / 4) * Math.log(p.data[i * 4 + c]!);
  expected /= 5;
  const sparse = losses.sparseCategoricalCrossentropy({ labelSmoothing: e });
  const dense = losses.categoricalCrossentropy({ labelSmoothing: e });
  assert.ok(Math.abs(sparse.value(p, labels) - expected) < 1e-12);
  assert.ok(Math.abs(dense.value(p, onehot) - expected) < 1e-12);
  assert.ok(sparse.value(p, labels) > losses.sparseCategoricalCrossentropy().value(p, labels) - 1, 'finite');
  checkLoss(sparse, p, labels);
  checkLoss(dense, p, onehot);
  checkLoss(losses.sparseCategoricalCrossentropy({ labelSmoothing: e, fromLogits: true }), randomMatrix(5, 4, 6, 2), labels);
  checkLoss(losses.categoricalCrossentropy({ labelSmoothing: e, fromLogits: true }), randomMatrix(5, 4, 6, 2), onehot);
  const yb = Matrix.fromArray([[1, 0], [0, 0], [1, 1], [0, 1]], 'float64');
  const pb = probabilities(4, 2, 3, false);
  let bce = 0;
  for (let i = 0; i < 8; i++) {
    const t = (1 - e) * yb.data[i]! + e / 2;
    bce -= t * Math.log(pb.data[i]!) + (1 - t) * Math.log(1 - pb.data[i]!);
  }
  assert.ok(Math.abs(losses.binaryCrossentropy({ labelSmoothing: e }).value(pb, yb) - bce / 8) < 1e-12);
  checkLoss(losses.binaryCrossentropy({ labelSmoothing: e }), pb, yb);
  checkLoss(losses.binaryCrossentropy({ labelSmoothing: e, fromLogits: true }), randomMatrix(4, 2, 4, 3), yb);
  assert.throws(() => losses.categoricalCrossentropy({ labelSmoothing: 1 }), /labelSmoothing must be a number in \[0, 1\)/);
});

test('label smoothing: the fused softmax and sigmoid gradients of a whole network match central differences', () => {
  const X = Array.from({ length: 6 }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i), (i % 3) - 1]);
  const cases: [Loss, number[] | number[][], number][] = [
    [losses.sparseCategoricalCrossentropy({ labelSmoothing: 0.1 }), [0, 1, 2, 2, 1, 0], 3],
    [losses.categoricalCrossentropy({ labelSmoothing: 0.2 }), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], 3],
    [losses.binaryCrossentropy({ labelSmoothing: 0.1 }), [0, 1, 1, 0, 1, 0], 1],
  ];
  for (const [loss, y, units] of cases) {
    const model = sequential([layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units, activation: units === 1 ? 'sigmoid' : 'softmax' })], { dtype: 'float64', seed: 4 });
    model.compile({ optimizer: optimizers.sgd(), loss });
    const { grads } = model.computeGradients(X, y as number[]);
    model.params().forEach((p, k) => {
      const g = (grads[k] as (number | number[])[]).flat();
      const res = centralDifference(p.value as Float64Array, g, () => model.evaluate(X, y as number[]).loss!);
      assert.ok(res.maxRelativeError < TOL, `${p.name} with ${loss.name}: rel error ${res.maxRelativeError}`);
    });
  }
});

test('warmupCosineDecay: linear warm-up to the peak, half cosine to α·peak, flat afterwards; config round trip', () => {
  const s = schedules.warmupCosineDecay({ initialLearningRate: 0.01, warmupSteps: 10, decaySteps: 100, alpha: 0.1 });
  assert.equal(s.at(0), 0.001);
  assert.equal(s.at(9), 0.01);
  assert.equal(s.at(10), 0.01);
  assert.ok(Math.abs(s.at(60) - 0.01 * (0.9 * 0.5 + 0.1)) < 1e-15);
  assert.ok(Math.abs(s.at(110) - 0.001) < 1e-15);
  assert.equal(s.at(500), s.at(110));
  assert.deepEqual(scheduleFromConfig(getScheduleConfig(s)).at(37), s.at(37));
  assert.throws(() => schedules.warmupCosineDecay({ initialLearningRate: 0.01, warmupSteps: -1, decaySteps: 10 }), InputError);
});

test('cosLogDecay: RealMLP coslog4, ½ − ½cos(2π log2(1 + 15u)) at the middle of each step', () => {
  const s = schedules.cosLogDecay({ initialLearningRate: 0.04, decaySteps: 1000 });
  const f = (u: number) => 0.04 * (0.5 - 0.5 * Math.cos(2 * Math.PI * Math.log2(1 + 15 * u)));
  for (const t of [0, 1, 99, 500, 998, 999]) assert.ok(Math.abs(s.at(t) - f((t + 0.5) / 1000)) < 1e-15, `step ${t}`);
  assert.equal(s.at(5000), s.at(999), 'past the end: the rate of the last step');
  // Peaks where log2(1 + 15u) = k + ½ (the first at u = (√2 − 1)/15), zeros where it is an integer (u = 1/15, 3/15, 7/15, 1).
  assert.ok(s.at(Math.round((1000 * (Math.SQRT2 - 1)) / 15)) > 0.0399);
  assert.ok(s.at(Math.round(1000 / 15)) < 1e-4 && s.at(466) < 1e-4);
  assert.ok(s.at(0) > 0 && s.at(999) > 0 && s.at(999) < 1e-5, 'no step has rate 0, the last is tiny');
  assert.equal(scheduleFromConfig(getScheduleConfig(s)).at(123), s.at(123));
});

/** A seeded two-class table: the class is the sign of x0 + x1, with a noise column. */
function twoClassTable(rows: number): ReturnType<TableBuilder['finish']> {
  const rng = new Rng(3);
  const b = new TableBuilder(['x0', 'x1', 'noise', 'y'], { target: 'y', task: 'classification' });
  for (let i = 0; i < rows; i++) {
    const x0 = rng.normal();
    const x1 = rng.normal();
    b.add([x0.toFixed(4), x1.toFixed(4), rng.normal().toFixed(4), x0 + x1 > 0 ? 'a' : 'b'], i + 2);
  }
  return b.finish();
}

test('spec: robust scaling, label smoothing, β2, a schedule over the run and keepBest reach the model, and it learns', async () => {
  const table = twoClassTable(300);
  const spec = trainingSpec({
    preprocessing: { scale: 'robust' },
    architecture: { hidden: [16, 16, 16] },
    compile: { optimizer: 'adam', learningRate: 0.003, beta2: 0.95, labelSmoothing: 0.1, schedule: 'warmupCosine' },
    fit: { epochs: 12, batchSize: 20, keepBest: true },
  });
  const p = prepareTraining(spec, table);
  assert.equal(p.preprocessing.scaler?.kind, 'robust');
  assert.equal(p.preprocessing.scaler?.clip, 3);
  const model = p.network.model;
  assert.deepEqual(model.loss?.config, { labelSmoothing: 0.1 });
  const opt = model.optimizer!.getConfig() as { beta2: number; learningRate: { name: string; config: { warmupSteps: number; decaySteps: number; alpha: number } } };
  assert.equal(opt.beta2, 0.95);
  // 240 training rows in batches of 20 for 12 epochs: 144 steps, 7 of warm-up (5 %).
  assert.equal(opt.learningRate.name, 'warmupCosineDecay');
  assert.deepEqual([opt.learningRate.config.warmupSteps, opt.learningRate.config.decaySteps, opt.learningRate.config.alpha], [7, 137, 0.01]);
  const run = startRun(p);
  const history = await run.finish();
  assert.equal(history.epoch.length, 12, 'keepBest trains every epoch');
  const losses = history.history.val_loss!;
  const best = losses.indexOf(Math.min(...losses));
  assert.equal(run.earlyStopping?.bestEpoch, best);
  const ev = model.evaluate(p.validation!.x, p.validation!.y);
  assert.ok(Math.abs(ev.loss! - losses[best]!) < 1e-5, `restored weights give the best epoch's validation loss ${losses[best]}, got ${ev.loss}`);
  assert.ok(ev.accuracy! >= 0.9, `accuracy ${ev.accuracy}`);
});

test('spec: bad ingredient settings name the field', () => {
  assert.throws(() => trainingSpec({ compile: { optimizer: 'sgd', beta2: 0.95 } }), /spec\.compile\.beta2: the sgd optimizer has no beta2 \(adam has one\)/);
  // Momentum is an optimiser setting too (the registry's config keys): refused by the spec, naming the
  // field, for an optimiser without it, instead of an unknown-option error when the network is built.
  assert.throws(() => trainingSpec({ compile: { optimizer: 'adam', momentum: 0.9 } }), (e: unknown) => e instanceof SpecError && e.field === 'compile.momentum' && /the adam optimizer has no momentum \(sgd and rmsprop have one\)/.test(e.message));
  assert.equal(trainingSpec({ compile: { optimizer: 'rmsprop', momentum: 0.9 } }).compile.momentum, 0.9);
  // A trial's other optimizer keeps only the settings it has.
  assert.deepEqual(compileWithOptimizer({ optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, labelSmoothing: 0.1 }, 'adam'), { optimizer: 'adam', labelSmoothing: 0.1 });
  assert.deepEqual(compileWithOptimizer({ optimizer: 'sgd', momentum: 0.9 }, 'rmsprop'), { optimizer: 'rmsprop', momentum: 0.9 });
  assert.deepEqual(compileWithOptimizer({ optimizer: 'adam', beta2: 0.95 }, 'sgd'), { optimizer: 'sgd' });
  assert.throws(() => trainingSpec({ compile: { optimizer: 'adam', schedule: 'cosine' as never } }), /spec\.compile\.schedule: unknown schedule "cosine"/);
  assert.throws(() => trainingSpec({ compile: { optimizer: 'adam', labelSmoothing: 1.5 } }), /spec\.compile\.labelSmoothing/);
  assert.throws(() => trainingSpec({ preprocessing: { task: 'auto', scale: 'robustly' as never } }), /did you mean "robust"/);
});
