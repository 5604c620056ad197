import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { sequential, layers, UnsupportedError, ModelFormatError, type ActivationSpec } from '../../src/index.js';
import { modelToTfjs, type TfjsArtifacts } from '../../src/io/tfjs/export.js';
import { modelFromTfjs } from '../../src/io/tfjs/import.js';
import type { Json, JsonObject } from '../../src/io/json.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { LOSS_PAIRINGS, activationLabel, exportMlp, maxDiff, pairedModel, rows } from './helpers.js';

const ACTIVATIONS: ActivationSpec[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', { name: 'leakyRelu', alpha: 0.3 }, 'softmax'];

/** Loads the artifacts with tf.loadLayersModel (strict weight names, its default) and predicts. */
async function tfjsPredict(a: TfjsArtifacts, x: number[][]): Promise<number[][]> {
  const manifest = (a.modelJson.weightsManifest as JsonObject[])[0]!;
  const handler = tf.io.fromMemory({
    modelTopology: a.modelJson.modelTopology as object,
    weightSpecs: manifest.weights as unknown as tf.io.WeightsManifestEntry[],
    weightData: a.weightData.slice().buffer,
  });
  const model = await tfl.loadLayersModel(handler, { strict: true });
  const y = model.predict(tf.tensor2d(x)) as tf.Tensor;
  return (await y.array()) as number[][];
}

for (const act of ACTIVATIONS) {
  const label = activationLabel(act);
  test(`tfjs ${label}: tf.loadLayersModel predicts as we do within 1e-5, and the import gives the same predictions`, async () => {
    const model = await exportMlp(act, act === 'softmax' ? 'softmax' : 'linear', 3, 5, { epsilon: 1e-3, momentum: 0.9 });
    const a = modelToTfjs(model);
    const x = rows(7, 4, 41);
    const ours = model.predict(x);
    assert.ok(maxDiff(await tfjsPredict(a, x), ours) <= 1e-5, label);
    const back = modelFromTfjs(a.modelJson, a.weightData).model;
    assert.ok(maxDiff(back.predict(x), ours) <= 1e-5, `${label} import`);
    assert.deepEqual(back.layers.map((l) => l.outputActivation()?.spec ?? l.className), model.layers.map((l) => l.outputActivation()?.spec ?? l.className));
  });
}

for (const pairing of LOSS_PAIRINGS) {
  const [loss, out] = pairing;
  test(`tfjs loss pairing ${loss} + ${out} output: trained model matches tfjs and round trips`, async () => {
    const { model, x } = await pairedModel(pairing);
    const a = modelToTfjs(model);
    assert.ok(maxDiff(await tfjsPredict(a, x), model.predict(x)) <= 1e-5);
    assert.ok(maxDiff(modelFromTfjs(a.modelJson, a.weightData).model.predict(x), model.predict(x)) <= 1e-5);
  });
}

test('tfjs model.json is laid out as tfjs 4.x writes it: batch_input_shape first, trainable weights first, moving statistics last', () => {
  const model = sequential([layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), layers.batchNormalization(), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' })]);
  model.classes = ['a', 'b', 'c'];
  const a = modelToTfjs(model, { preprocessing: { featureNames: ['w', 'x', 'y', 'z'] } });
  assert.equal(a.modelJson.format, 'layers-model');
  assert.match(String(a.modelJson.generatedBy), /^TensorFlow\.js tfjs-layers v4\./);
  const topo = a.modelJson.modelTopology as { config: { layers: { class_name: string; config: JsonObject }[] } };
  assert.deepEqual(topo.config.layers.map((l) => l.class_name), ['Dense', 'BatchNormalization', 'Dropout', 'Dense']);
  assert.deepEqual(topo.config.layers[0]!.config.batch_input_shape, [null, 4]);
  assert.deepEqual(a.weightSpecs.map((s) => s.name), ['dense_1/kernel', 'dense_1/bias', 'batch_normalization_1/gamma', 'batch_normalization_1/beta', 'dense_2/kernel', 'dense_2/bias', 'batch_normalization_1/moving_mean', 'batch_normalization_1/moving_variance']);
  assert.equal(a.weightData.length, 396); // the byte count FORMATS.md measured for this model
  assert.deepEqual(a.modelJson.userDefinedMetadata, { classes: ['a', 'b', 'c'], featureNames: ['w', 'x', 'y', 'z'] });
  const back = modelFromTfjs(a.modelJson, a.weightData);
  assert.deepEqual(back.model.classes, ['a', 'b', 'c']);
  assert.deepEqual(back.preprocessing.featureNames, ['w', 'x', 'y', 'z']);
});

test('tfjs export: step, sign and piecewiseLinear have no tfjs equivalent (UnsupportedError)', () => {
  for (const act of ['step', 'sign', 'piecewiseLinear'] as const) {
    assertThrowsWith(() => modelToTfjs(sequential([layers.dense({ units: 2, inputShape: [2], activation: act })])), UnsupportedError, new RegExp(act), /TensorFlow\.js/);
    assertThrowsWith(() => modelToTfjs(sequential([layers.activation({ activation: act, inputShape: [2] })])), UnsupportedError, new RegExp(act));
  }
});

function fixture(name: string): { json: Json; bin: Uint8Array; x: number[][]; y: number[][] } {
  const dir = new URL(`./fixtures/tfjs_${name}/`, import.meta.url);
  const data = JSON.parse(readFileSync(new URL(`./fixtures/tfjs_${name}.json`, import.meta.url), 'utf8')) as { x: number[][]; y: number[][] };
  return { json: JSON.parse(readFileSync(new URL('model.json', dir), 'utf8')) as Json, bin: new Uint8Array(readFileSync(new URL('model.weights.bin', dir))), ...data };
}

for (const name of ['dense_bn_dropout_softmax', 'input_leaky_activation_sigmoid']) {
  test(`tfjs model.save fixture ${name}: imported predictions match tfjs' within 1e-5`, () => {
    const f = fixture(name);
    const { model } = modelFromTfjs(f.json, f.bin);
    assert.ok(maxDiff(model.predict(f.x), f.y) <= 1e-5);
  });
}

test('Keras 3 spellings (InputLayer batch_shape, LeakyReLU negative_slope, nested activation) and Keras 2 model_config import alike', () => {
  const f = fixture('input_leaky_activation_sigmoid');
  const json = structuredClone(f.json) as { modelTopology: { config: { layers: { class_name: string; config: JsonObject }[] } } };
  for (const l of json.modelTopology.config.layers) {
    if (l.class_name === 'InputLayer') {
      l.config.batch_shape = l.config.batch_input_shape!;
      delete l.config.batch_input_shape;
    }
    if (l.class_name === 'LeakyReLU') {
      l.config.negative_slope = l.config.alpha!;
      delete l.config.alpha;
    }
    if (l.class_name === 'Activation') l.config.activation = { module: 'keras.activations', class_name: 'function', config: 'tanh' } as unknown as Json;
  }
  // Keras 3 puts the activation function's name in config (a string); both shapes are read.
  const keras3 = modelFromTfjs(json as unknown as Json, f.bin).model;
  assert.ok(maxDiff(keras3.predict(f.x), f.y) <= 1e-5);
  const wrapped = { ...(json as unknown as JsonObject), modelTopology: { model_config: json.modelTopology as unknown as Json, keras_version: '2.15.0', backend: 'tensorflow' } };
  assert.ok(maxDiff(modelFromTfjs(wrapped, f.bin).model.predict(f.x), f.y) <= 1e-5);
});

test('tfjs import: unknown layers and activations are UnsupportedError; wrong names, shapes and sizes are ModelFormatError', () => {
  const f = fixture('dense_bn_dropout_softmax');
  const edit = (fn: (j: { modelTopology: { config: { layers: { class_name: string; config: JsonObject }[] } }; weightsManifest: { weights: { name: string; shape: number[] }[] }[] }) => void): Json => {
    const j = structuredClone(f.json) as never;
    fn(j);
    return j;
  };
  assertThrowsWith(() => modelFromTfjs(edit((j) => (j.modelTopology.config.layers[2]!.class_name = 'Conv2D')), f.bin), UnsupportedError, /Conv2D/, /dropout_Dropout1/);
  assertThrowsWith(() => modelFromTfjs(edit((j) => (j.modelTopology.config.layers[0]!.config.activation = 'selu')), f.bin), UnsupportedError, /selu/);
  assertThrowsWith(() => modelFromTfjs(edit((j) => (j.weightsManifest[0]!.weights[0]!.name = 'dense_Dense1/kernelX')), f.bin), ModelFormatError, /dense_Dense1\/kernel/);
  assertThrowsWith(() => modelFromTfjs(edit((j) => (j.weightsManifest[0]!.weights[1]!.shape = [4])), f.bin), ModelFormatError, /bytes/);
  assertThrowsWith(() => modelFromTfjs(f.json, f.bin.subarray(0, 100)), ModelFormatError, /need 396 bytes of float32 weights but the weights data has 100/);
  assertThrowsWith(() => modelFromTfjs(edit((j) => (j.weightsManifest[0]!.weights[0]!.shape = [1e6, 1e6])), f.bin), ModelFormatError, /more than/);
});

test('the importer checks layers through the layer registry: units, rate and weight shapes are refused naming the field', () => {
  const m = sequential([layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 1 });
  const a = modelToTfjs(m);
  const edited = (edit: (ls: { config: Record<string, Json> }[]) => void): Json => {
    const json = JSON.parse(JSON.stringify(a.modelJson)) as { modelTopology: { config: { layers: { config: Record<string, Json> }[] } } };
    edit(json.modelTopology.config.layers);
    return json as unknown as Json;
  };
  assertThrowsWith(() => modelFromTfjs(edited((ls) => (ls[0]!.config.units = 0)), a.weightData), ModelFormatError, /layers\[0\]\.config\.units: expected an integer in \[1, /);
  assertThrowsWith(() => modelFromTfjs(edited((ls) => (ls[1]!.config.rate = 1)), a.weightData), ModelFormatError, /layers\[1\]\.config\.rate: must be in \[0, 1\), got 1/);
  // 5 units instead of 4: the registry's shapes need 3·5 + 5 + 5·2 + 2 = 32 floats, the data holds 4·3 + 4 + 4·2 + 2 = 26.
  assertThrowsWith(() => modelFromTfjs(edited((ls) => (ls[0]!.config.units = 5)), a.weightData), ModelFormatError, /the layers need 128 bytes of float32 weights but the weights data has 104/);
  assert.equal(modelFromTfjs(edited(() => undefined), a.weightData).model.layers.length, 3);
});
