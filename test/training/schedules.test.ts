// Learning-rate schedules (Keras' formulas, keras/optimizers/schedules/learning_rate_schedule.py)
// at step 0, at their boundaries and far out; their configs; their use in fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, schedules, callbacks, InputError, type LearningRateSchedule } from '../../src/index.js';
import { assertClose, assertThrowsWith, assertRejectsWith } from '../helpers/assert.js';

function at(s: LearningRateSchedule, steps: number[]): number[] {
  return steps.map((t) => s.at(t));
}

function assertRates(actual: number[], expected: number[], what: string): void {
  actual.forEach((v, i) => assertClose(v, expected[i]!, 0, 1e-12, `${what}[${i}]`));
}

test('exponentialDecay: η₀·r^(t/T), staircase ⌊t/T⌋', () => {
  const smooth = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  assertRates(at(smooth, [0, 5, 10, 20, 1000]), [0.1, 0.1 * Math.SQRT1_2, 0.05, 0.025, 0.1 * 2 ** -100], 'smooth');
  const stairs = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  assertRates(at(stairs, [0, 9, 10, 19, 20, 1000]), [0.1, 0.1, 0.05, 0.05, 0.025, 0.1 * 2 ** -100], 'staircase');
});

test('inverseTimeDecay: η₀/(1 + r·t/T)', () => {
  const s = schedules.inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 1 });
  assertRates(at(s, [0, 5, 10, 20, 1e6]), [0.1, 0.1 / 1.5, 0.05, 0.1 / 3, 0.1 / (1 + 1e5)], 'smooth');
  const stairs = schedules.inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 1, staircase: true });
  assertRates(at(stairs, [0, 9, 10, 25]), [0.1, 0.1, 0.05, 0.1 / 3], 'staircase');
});

test('cosineDecay: η₀((1−α)·½(1 + cos(πt/T)) + α), flat after T', () => {
  const s = schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
  assertRates(at(s, [0, 50, 100, 101, 1e9]), [0.1, 0.1 * (0.9 * 0.5 + 0.1), 0.01, 0.01, 0.01], 'alpha 0.1');
  assertRates(at(s, [25]), [0.1 * (0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)) + 0.1)], 'quarter');
  // Keras' default α = 0 reaches exactly 0 at T.
  assert.equal(schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 }).at(100), 0);
});

test('piecewiseConstantDecay: values[i] while boundaries[i−1] < t ≤ boundaries[i]', () => {
  const s = schedules.piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
  assert.deepEqual(at(s, [0, 10, 11, 20, 21, 1e9]), [1, 1, 0.5, 0.5, 0.1, 0.1]);
});

test('bad schedule arguments name the argument and the value', () => {
  assertThrowsWith(() => schedules.piecewiseConstantDecay({ boundaries: [10], values: [1] }), InputError, /one more entry than boundaries; got 1 values for 1 boundaries/);
  assertThrowsWith(() => schedules.piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] }), InputError, /boundaries must increase; boundaries\[1\] = 5/);
  assertThrowsWith(() => schedules.piecewiseConstantDecay({ boundaries: [10], values: [1, 0] }), InputError, /values\[1\] must be a finite number > 0, got 0/);
  assertThrowsWith(() => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }), InputError, /decaySteps must be a finite number > 0, got 0/);
  assertThrowsWith(() => schedules.exponentialDecay({ initialLearningRate: -1, decaySteps: 10, decayRate: 0.5 }), InputError, /initialLearningRate .* got -1/);
  assertThrowsWith(() => schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 }), InputError, /alpha must be in \[0, 1\], got 2/);
  assertThrowsWith(() => schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, rate: 1 } as never), InputError, /unknown option "rate"/);
});

test('config round trip: schedules.fromConfig and an optimiser rebuilt from its getConfig', () => {
  const all: LearningRateSchedule[] = [
    schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9, staircase: true }),
    schedules.inverseTimeDecay({ initialLearningRate: 0.2, decaySteps: 3, decayRate: 0.5 }),
    schedules.cosineDecay({ initialLearningRate: 0.3, decaySteps: 50, alpha: 0.05 }),
    schedules.piecewiseConstantDecay({ boundaries: [5, 9], values: [0.3, 0.2, 0.1] }),
  ];
  for (const s of all) {
    const json = JSON.parse(JSON.stringify({ name: s.name, config: s.config })) as { name: string; config: Record<string, number> };
    const back = schedules.fromConfig(json);
    assert.equal(back.name, s.name);
    assert.deepEqual(at(back, [0, 4, 5, 6, 10, 100]), at(s, [0, 4, 5, 6, 10, 100]));
    const opt = optimizers.adam({ learningRate: s });
    const rebuilt = optimizers.adam(JSON.parse(JSON.stringify(opt.getConfig())) as never);
    assert.deepEqual(rebuilt.getConfig(), opt.getConfig());
    assert.equal(rebuilt.learningRateAt(6), s.at(6));
  }
  assertThrowsWith(() => schedules.fromConfig({ name: 'exponentialDecy', config: {} }), InputError, /did you mean "exponentialDecay"/);
});

function smallModel(learningRate: number | LearningRateSchedule) {
  const model = sequential([layers.dense({ units: 4, inputShape: [2], activation: 'tanh' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
  model.compile({ optimizer: optimizers.sgd({ learningRate }), loss: 'binaryCrossentropy' });
  return model;
}
const X = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
const Y = X.map(([a, b]) => (a! * b! > 0 ? 1 : 0));

test('history.lr holds, per epoch, the rate the schedule gave the epoch\'s last step', async () => {
  const s = schedules.exponentialDecay({ initialLearningRate: 0.5, decaySteps: 4, decayRate: 0.5 });
  const history = await smallModel(s).fit(X, Y, { epochs: 6, batchSize: 10, verbose: 0 });
  // 4 steps per epoch: epoch e ends with step 4e + 3.
  assert.deepEqual(history.history.lr, [0, 1, 2, 3, 4, 5].map((e) => s.at(4 * e + 3)));
  assert.ok(history.history.lr![5]! < history.history.lr![0]! / 30, 'the rate decays');
});

test('a schedule that reaches a rate of 0 within the fit is refused before training starts', async () => {
  const model = smallModel(schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }));
  const before = model.getWeights();
  await assertRejectsWith(() => model.fit(X, Y, { epochs: 5, batchSize: 10, verbose: 0 }), InputError, /learning rate must be a finite number > 0, got 0 at step 19 from the schedule cosineDecay/);
  assert.deepEqual(model.getWeights(), before, 'nothing trained');
  // Within decaySteps it is fine.
  await model.fit(X, Y, { epochs: 2, batchSize: 10, verbose: 0 });
});

test('a custom schedule returning a negative rate mid-run stops with a clear error', async () => {
  const bad: LearningRateSchedule = { name: 'mine', config: {}, at: (t) => (t === 5 ? -0.1 : 0.1) };
  await assertRejectsWith(() => smallModel(bad).fit(X, Y, { epochs: 5, batchSize: 10, verbose: 0 }), InputError, /got -0.1 at step 5 from the schedule mine/);
});

test('learningRateScheduler sets the rate each epoch and history records it', async () => {
  const model = smallModel(0.2);
  const history = await model.fit(X, Y, { epochs: 4, batchSize: 40, verbose: 0, callbacks: [callbacks.learningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2))] });
  assert.deepEqual(history.history.lr, [0.2, 0.1, 0.05, 0.025]);
});

test('learningRateScheduler: a non-positive rate or a schedule-driven optimiser is an error', async () => {
  await assertRejectsWith(() => smallModel(0.1).fit(X, Y, { epochs: 3, verbose: 0, callbacks: [callbacks.learningRateScheduler((e) => (e < 2 ? 0.1 : 0))] }), InputError, /returned 0 for epoch 3/);
  const scheduled = smallModel(schedules.inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 1 }));
  await assertRejectsWith(() => scheduled.fit(X, Y, { epochs: 2, verbose: 0, callbacks: [callbacks.learningRateScheduler((_e, lr) => lr)] }), InputError, /learningRate is the schedule inverseTimeDecay/);
});
