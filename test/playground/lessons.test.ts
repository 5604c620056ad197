// The playground's lessons, checked in Node through the training session the page's worker
// uses: seeded data and weights, a fixed number of epochs, no browser and no clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DivergenceError, Matrix } from '../../src/index.js';
import { lessonById, presetConfig } from '../../playground/src/lessons.js';
import { lessonIds } from '../../playground/src/lessonIds.js';
import { defaultConfig } from '../../playground/src/state.js';
import { makeData } from '../../playground/src/data.js';
import { accuracyOf, buildModel, encodeY } from '../../playground/src/model.js';
import { effectiveFeatures, expandFeatures } from '../../playground/src/features.js';

/** Trains a lesson's preset for `epochs` epochs as the worker does; the model and its test scores. */
async function trainPreset(id: string, preset: number, epochs: number) {
  const lesson = lessonById(id)!;
  const config = presetConfig(lesson, lesson.presets[preset]!, defaultConfig());
  const data = makeData(config);
  const net = buildModel(config, data);
  const features = effectiveFeatures(data.inputDim, config.features);
  const x = Matrix.fromArray(expandFeatures(data.trainX, features));
  const y = Matrix.fromArray(encodeY(data.trainY, data, net.lossName));
  const run = net.model.session.start(x, y, { batchSize: config.batchSize, verbose: 0 });
  const first = (await run.advance(1)).logs.loss!;
  const last = epochs > 1 ? (await run.advance(epochs - 1)).logs.loss! : first;
  const testX = expandFeatures(data.testX, features);
  const outputs = data.task === 'multiclass' ? data.classes : 1;
  const accuracy = data.task === 'regression' ? NaN : accuracyOf(net.model.predictMatrix(testX).data, outputs, data.testY);
  // Losses as the page's worker measures them (with the penalty, inference mode), on both sets.
  const trainLoss = net.model.evaluate(x, y).loss!;
  const testLoss = net.model.evaluate(Matrix.fromArray(testX), Matrix.fromArray(encodeY(data.testY, data, net.lossName))).loss!;
  return { net, first, last, accuracy, trainLoss, testLoss };
}

test('xor-hidden: a perceptron stays near chance on XOR, one hidden layer of 4 tanh units learns it', async () => {
  const line = await trainPreset('xor-hidden', 0, 60);
  const hidden = await trainPreset('xor-hidden', 1, 60);
  assert.ok(line.accuracy < 0.7, `perceptron test accuracy ${line.accuracy}`);
  assert.ok(hidden.accuracy > 0.9, `hidden layer test accuracy ${hidden.accuracy}`);
});

test('zero-init: with zero initial weights every hidden weight stays exactly 0', async () => {
  const zero = await trainPreset('zero-init', 0, 20);
  const hidden = zero.net.blocks[0]!.dense;
  assert.ok(Array.from(hidden.kernel.value).every((v) => v === 0), 'hidden kernel all 0');
  assert.ok(Array.from(hidden.bias!.value).every((v) => v === 0), 'hidden bias all 0');
  const random = await trainPreset('zero-init', 1, 20);
  assert.ok(Array.from(random.net.blocks[0]!.dense.kernel.value).some((v) => v !== 0));
});

test('learning-rate: η = 1 diverges (the error says where, as data), η = 1e-5 crawls, η = 0.03 learns', async () => {
  await assert.rejects(trainPreset('learning-rate', 0, 50), (e: unknown) => e instanceof DivergenceError && e.event !== undefined && ['loss', 'gradient', 'weight', 'exploding'].includes(e.event.kind));
  const crawl = await trainPreset('learning-rate', 1, 30);
  assert.ok(Math.abs(crawl.last - crawl.first) / crawl.first < 0.01, `crawl: loss ${crawl.first} → ${crawl.last}`);
  const learn = await trainPreset('learning-rate', 2, 30);
  assert.ok(learn.last < 0.75 * learn.first && learn.last < 0.75 * crawl.last, `learns: loss ${learn.first} → ${learn.last} (crawl ${crawl.last})`);
});

test('circles-features: no hidden layer separates the circles given x1², x2², not given x1, x2', async () => {
  const raw = await trainPreset('circles-features', 0, 60);
  const squares = await trainPreset('circles-features', 1, 60);
  assert.ok(raw.accuracy < 0.75, `x1, x2: test accuracy ${raw.accuracy}`);
  assert.ok(squares.accuracy > 0.95, `x1², x2²: test accuracy ${squares.accuracy}`);
});

test('sigmoid-saturation: weights × 100 leave the sigmoid net stuck, weights × 1 learn the circles', async () => {
  const stuck = await trainPreset('sigmoid-saturation', 0, 50);
  const learns = await trainPreset('sigmoid-saturation', 1, 50);
  assert.ok(stuck.accuracy < 0.75, `weights × 100: test accuracy ${stuck.accuracy}`);
  assert.ok(learns.accuracy > 0.95, `weights × 1: test accuracy ${learns.accuracy}`);
});

test('overfitting: without regularisation the test loss runs away; L2 and dropout keep it close to the training loss', async () => {
  const gaps: number[] = [];
  for (const k of [0, 1, 2]) {
    const p = await trainPreset('overfitting', k, 300);
    gaps.push(p.testLoss - p.trainLoss);
  }
  assert.ok(gaps[0]! > 0.8, `no regularisation: test − training loss ${gaps[0]}`);
  assert.ok(gaps[1]! < 0.4 && gaps[2]! < Math.min(1, 0.6 * gaps[0]!), `L2 ${gaps[1]}, dropout ${gaps[2]}`);
});

test('batchnorm-deep: six sigmoid layers barely learn in 100 epochs; with batch norm they learn the circles', async () => {
  const deep = await trainPreset('batchnorm-deep', 0, 100);
  const bn = await trainPreset('batchnorm-deep', 1, 100);
  assert.ok(deep.accuracy < 0.8 && deep.trainLoss > 0.5, `without: test accuracy ${deep.accuracy}, loss ${deep.trainLoss}`);
  assert.ok(bn.accuracy > 0.9, `with batch norm: test accuracy ${bn.accuracy}`);
});

test('every lesson of the page is checked here', () => {
  const checked = ['xor-hidden', 'zero-init', 'sigmoid-saturation', 'learning-rate', 'overfitting', 'batchnorm-deep', 'circles-features'];
  assert.deepEqual([...lessonIds].sort(), checked.sort());
});
