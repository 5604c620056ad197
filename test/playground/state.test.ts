// The playground's configuration: URL hash round trip, bad values named and ignored, limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { activationNames, initializerNames } from '../../src/index.js';
import {
  defaultConfig, fromHash, toHash, fitActivations, needsReset, needsNewData, datasetNames, playgroundOptimizers,
  regularizationNames, lossChoices, LIMITS, type PlaygroundConfig,
} from '../../playground/src/state.js';
import { featureNames } from '../../playground/src/features.js';
import { lessonIds } from '../../playground/src/lessonIds.js';

const arbConfig: fc.Arbitrary<PlaygroundConfig> = fc
  .record({
    dataset: fc.constantFrom(...datasetNames),
    spiralClasses: fc.integer({ min: 2, max: 5 }),
    noise: fc.double({ min: 0, max: 0.5, noNaN: true }),
    points: fc.integer({ min: LIMITS.points.min, max: LIMITS.points.max }),
    trainRatio: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
    dataSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    hidden: fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 6 }),
    initializer: fc.constantFrom(...initializerNames),
    optimizer: fc.constantFrom(...playgroundOptimizers),
    learningRate: fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
    batchSize: fc.integer({ min: 1, max: 1000 }),
    regularization: fc.constantFrom(...regularizationNames),
    regularizationRate: fc.double({ min: 0, max: 1, noNaN: true }),
    dropout: fc.double({ min: 0, max: 0.9, noNaN: true }),
    batchNorm: fc.boolean(),
    loss: fc.constantFrom(...lossChoices),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    speed: fc.constantFrom(0, 1, 20, 60),
    act: fc.array(fc.constantFrom(...activationNames), { minLength: 6, maxLength: 6 }),
    features: fc.subarray([...featureNames], { minLength: 1 }),
    initScale: fc.constantFrom(0, 0.5, 1, 10),
    discretize: fc.boolean(),
    lesson: fc.constantFrom('' as const, ...lessonIds),
  })
  .map(({ act, ...c }) => ({ ...c, activations: act.slice(0, c.hidden.length) }));

test('every configuration survives toHash → fromHash unchanged, with no problems', () => {
  fc.assert(fc.property(arbConfig, (c) => {
    const back = fromHash(`#${toHash(c)}`);
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.config, c);
  }), { numRuns: 300 });
});

test('an empty hash gives the defaults; a partial one changes only what it names', () => {
  assert.deepEqual(fromHash(''), { config: defaultConfig(), problems: [] });
  const { config } = fromHash('#data=xor&layers=8&lr=0.1');
  assert.deepEqual(config, { ...defaultConfig(), dataset: 'xor', hidden: [8], activations: ['tanh'], learningRate: 0.1 });
});

test('bad values are ignored one by one, each named with its key and value', () => {
  const { config, problems } = fromHash('#data=mooons&layers=4,99&act=tanh,rleu&lr=-1&batch=1.5&bn=yes&noise=abc&opt=adamw&n=');
  assert.deepEqual(config, defaultConfig());
  assert.equal(problems.length, 9);
  assert.match(problems[0]!, /^data="mooons" ignored: expected one of circles, moons/);
  assert.ok(problems.some((p) => /^layers="4,99" ignored: expected up to 6 comma-separated unit counts in \[1, 16\]/.test(p)));
  assert.ok(problems.some((p) => /^act="tanh,rleu" ignored: unknown activation "rleu"; known: linear, step/.test(p)));
  assert.ok(problems.some((p) => /^lr="-1" ignored/.test(p)));
  assert.ok(problems.some((p) => /^batch="1.5" ignored: expected an integer/.test(p)));
  assert.ok(problems.some((p) => /^n="" ignored/.test(p)));
  assert.deepEqual(fromHash('#layers=1,2,3,4,5,6,7').config.hidden, defaultConfig().hidden, 'at most 6 hidden layers');
});

test('activations follow the layers: extra dropped, missing copied from the last', () => {
  assert.deepEqual(fitActivations(['relu'], 3), ['relu', 'relu', 'relu']);
  assert.deepEqual(fitActivations(['relu', 'sigmoid', 'tanh'], 1), ['relu']);
  assert.deepEqual(fitActivations([], 2), ['tanh', 'tanh']);
  assert.deepEqual(fromHash('#layers=3,3,3&act=relu').config.activations, ['relu', 'relu', 'relu']);
});

test('what a change needs: learning rate, batch size, optimiser and speed are live; the rest resets', () => {
  const a = defaultConfig();
  for (const live of [{ learningRate: 1 }, { batchSize: 3 }, { optimizer: 'sgd' as const }, { speed: 5 }]) {
    assert.equal(needsReset(a, { ...a, ...live }), false, JSON.stringify(live));
    assert.equal(needsNewData(a, { ...a, ...live }), false);
  }
  assert.equal(needsReset(a, { ...a, hidden: [4, 3] }), true);
  assert.equal(needsNewData(a, { ...a, hidden: [4, 3] }), false);
  assert.equal(needsReset(a, { ...a, noise: 0.2 }), true);
  assert.equal(needsNewData(a, { ...a, noise: 0.2 }), true);
  assert.equal(needsReset(a, { ...a }), false);
});

test('features, weight scale, discretize and lesson: in the hash, checked, canonical order; display settings need no reset', () => {
  const { config, problems } = fromHash('#features=x2sq,x1sq&initScale=10&discretize=1&lesson=zero-init');
  assert.deepEqual(problems, []);
  assert.deepEqual(config.features, ['x1sq', 'x2sq'], 'features in the order of the input column');
  assert.equal(config.initScale, 10);
  assert.equal(config.discretize, true);
  assert.equal(config.lesson, 'zero-init');
  assert.match(toHash(config), /features=x1sq%2Cx2sq/);
  const bad = fromHash('#features=x1,x3&lesson=nope&discretize=2');
  assert.deepEqual(bad.config, defaultConfig());
  assert.deepEqual(bad.problems, [
    'features="x1,x3" ignored: unknown feature "x3"; known: x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2',
    'discretize="2" ignored: expected 0 or 1',
    'lesson="nope" ignored: expected one of xor-hidden, zero-init, sigmoid-saturation, learning-rate, overfitting, batchnorm-deep, circles-features',
  ]);
  assert.equal(fromHash('#features=').problems[0], 'features="" ignored: at least one feature is needed');
  const a = defaultConfig();
  assert.equal(needsReset(a, { ...a, discretize: true }), false);
  assert.equal(needsReset(a, { ...a, lesson: 'xor-hidden' }), false);
  assert.equal(needsReset(a, { ...a, features: ['x1sq'] }), true);
  assert.equal(needsReset(a, { ...a, initScale: 2 }), true);
  assert.equal(needsNewData(a, { ...a, features: ['x1sq'] }), false);
});
