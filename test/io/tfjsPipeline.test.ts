// The TF.js export of a model with a pipeline: the network in model.json, the pipeline in
// preprocessing.json, applied by the library's applyPreprocessing; tfjs-layers on its output agrees
// with LoadedModel.predict (what `backprop predict` computes) within 1e-5, per column kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { applyPreprocessing, layers, loadModel, sequential, modelToTfjs, saveModel, UnsupportedError, type JsonObject, type LoadedModel, type RawRecord, type Json } from '../../src/index.js';
import { csvText, largestDifference, noneIsACategory, predictedOutputs, trainedOn } from './pipelineExport.js';

/** What a browser page does: preprocessing.json through applyPreprocessing, then tfjs on the network. */
async function tfjsOnRecords(loaded: LoadedModel, records: readonly RawRecord[]): Promise<number[][]> {
  const a = modelToTfjs(loaded.network, { preprocessing: loaded.preprocessing });
  assert.ok(a.preprocessing !== undefined, 'a model with a schema exports its pipeline');
  // preprocessing.json as a page fetches it: text, parsed.
  const pre = JSON.parse(JSON.stringify(a.preprocessing)) as Json;
  const { data, shape } = applyPreprocessing(pre, records);
  const manifest = (a.modelJson.weightsManifest as JsonObject[])[0]!;
  const model = await tfl.loadLayersModel(tf.io.fromMemory({
    modelTopology: a.modelJson.modelTopology as object,
    weightSpecs: manifest.weights as unknown as tf.io.WeightsManifestEntry[],
    weightData: a.weightData.slice().buffer,
  }), { strict: true });
  return (await (model.predict(tf.tensor2d(data, shape)) as tf.Tensor).array()) as number[][];
}

const colours = ['red', 'blue', 'green', 'teal'];

test('TF.js + applyPreprocessing: numeric with missing values (regression, target scaling folded): tfjs = predict within 1e-5', async () => {
  const loaded = await trainedOn(csvText('a,b,y', 80, (i) => `${i % 5 === 0 ? 'NA' : (i * 0.37) % 9},${(i * 1.3) % 4 - 2},${(i * 0.37) % 9 + i / 10}`));
  const records = [{ a: 3.5, b: 1 }, { a: null, b: -1.25 }, { a: Number.NaN, b: 0 }, { a: 100, b: 7 }];
  const ours = predictedOutputs(loaded, records);
  const theirs = await tfjsOnRecords(loaded, records);
  // Regression values in the target's units (tens): relative to their size.
  const diff = largestDifference(theirs.map((r) => r.map((v) => v / 10)), ours.map((r) => r.map((v) => v / 10)));
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
});

test('TF.js + applyPreprocessing: categorical with unseen and missing values: tfjs = predict within 1e-5, the unseen value counted', async () => {
  const loaded = await trainedOn(csvText('colour,size,y', 90, (i) => `${i % 7 === 0 ? '' : colours[i % 3]},${(i * 0.7) % 5},${['p', 'q', 'r'][(i + (i % 3)) % 3]}`));
  const records = [{ colour: 'red', size: 1 }, { colour: 'mauve', size: 1 }, { colour: '', size: 3 }, { colour: 'NA', size: 3 }, { colour: 'green', size: 4 }];
  const diff = largestDifference(await tfjsOnRecords(loaded, records), predictedOutputs(loaded, records));
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
  const pre = modelToTfjs(loaded.network, { preprocessing: loaded.preprocessing }).preprocessing!;
  assert.match(applyPreprocessing(pre, records).warnings.join(), /colour: 1 value not seen in training \("mauve"\)/);
});

test('TF.js + applyPreprocessing: dates with times and missing indicators: tfjs = predict within 1e-5', async () => {
  const text = csvText('when,n,c,y', 90, (i) => `${String(1 + ((i * 5) % 28)).padStart(2, '0')}.${String(1 + (i % 12)).padStart(2, '0')}.${1990 + (i % 30)} ${i % 24}:15,${i % 6 === 0 ? '' : (i * 0.9) % 7},${i % 5 === 0 ? 'NA' : colours[i % 4]},${i % 3 ? 'k' : 'm'}`);
  const loaded = await trainedOn(text, { preprocessing: { indicator: true } });
  assert.deepEqual(loaded.preprocessing.imputer!.indicators, ['n', 'c']);
  const records = [
    { when: '29.02.2012 12:00', n: 1, c: 'red' }, { when: '', n: null, c: '' }, { when: '01.01.1960', n: 3, c: 'violet' }, { when: '15.07.2024 23:59:30', n: 2, c: 'None' },
  ];
  const diff = largestDifference(await tfjsOnRecords(loaded, records), predictedOutputs(loaded, records));
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
});

test('TF.js files: saveModel writes preprocessing.json beside model.json, loadModel reads it back (predict equal), and refuses a model.json without it', async () => {
  const loaded = await trainedOn(csvText('colour,size,y', 60, (i) => `${colours[i % 3]},${(i * 0.7) % 5},${i % 2 ? 'yes' : 'no'}`));
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-pipeline-'));
  try {
    saveModel(loaded.network, join(dir, 'model.json'), { preprocessing: loaded.preprocessing });
    const back = loadModel(join(dir, 'model.json'));
    const records = [{ colour: 'blue', size: 2 }, { colour: 'teal', size: 0 }];
    assert.ok(largestDifference(predictedOutputs(back, records), predictedOutputs(loaded, records)) <= 1e-5);
    assert.deepEqual(back.predict(records).values, loaded.predict(records).values);
    rmSync(join(dir, 'preprocessing.json'));
    assert.throws(() => loadModel(join(dir, 'model.json')), /preprocessing file .*preprocessing\.json.* does not exist/);
    writeFileSync(join(dir, 'preprocessing.json'), '{"schema": 1}');
    assert.throws(() => loadModel(join(dir, 'model.json')), /preprocessing\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TF.js: an export that cannot carry the target scaling names it and refuses; networkOnly writes the bare network', () => {
  const network = sequential([layers.dense({ units: 3, inputShape: [1], activation: 'tanh' }), layers.dense({ units: 1, activation: 'relu' })]);
  const pre = {
    schema: { inputs: [{ name: 'a', kind: 'numeric' as const }], target: { kind: 'numeric' as const, names: ['y'] } },
    featureNames: ['a'],
    targetScaler: { kind: 'standard' as const, offset: [1], scale: [2] },
  };
  assert.throws(() => modelToTfjs(network, { preprocessing: pre }), (e: Error) => e instanceof UnsupportedError && /cannot carry the target scaling.*--network-only/.test(e.message));
  const bare = modelToTfjs(network, { preprocessing: pre, networkOnly: true });
  assert.equal(bare.preprocessing, undefined);
  assert.equal((bare.modelJson.userDefinedMetadata as JsonObject).preprocessingFile, undefined);
});

test('TF.js + applyPreprocessing reads cells with the training file\'s --na-values: a category called None stays a value; tfjs = predict within 1e-5', async () => {
  const { text, reading, records } = noneIsACategory;
  const loaded = await trainedOn(text, { fit: { epochs: 200, seed: 1 } }, reading);
  assert.deepEqual(loaded.preprocessing.reading, { naValues: ['', 'NA'] });
  const pre = JSON.parse(JSON.stringify(modelToTfjs(loaded.network, { preprocessing: loaded.preprocessing }).preprocessing)) as Json;
  const { data, shape } = applyPreprocessing(pre, records);
  // x, then kind one-hot (None, wood, and 'none' unseen → zeros); NA is missing → the mode, wood.
  const kinds = (loaded.preprocessing.schema!.inputs[1] as unknown as { categories: string[] }).categories;
  assert.equal(shape[1], 1 + kinds.length);
  const none = kinds.indexOf('None');
  assert.ok(none >= 0, `None is a category: ${kinds.join(', ')}`);
  assert.equal(data[shape[1] * 0 + 1 + none]! > data[shape[1] * 1 + 1 + none]!, true, 'row 0 has None hot, row 1 does not');
  assert.match(applyPreprocessing(pre, records).warnings.join(), /kind: 1 value not seen in training \("none"\)/);
  const diff = largestDifference(await tfjsOnRecords(loaded, records), predictedOutputs(loaded, records));
  assert.ok(diff <= 1e-5, `largest difference ${diff}`);
  assert.deepEqual(loaded.predict(records.slice(0, 2)).values, ['b', 'a']);
});
