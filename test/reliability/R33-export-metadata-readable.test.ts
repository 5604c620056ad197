// R33: the ONNX and TF.js exporters wrote labels, feature names and schemas their own importers
// refuse (feature names that do not match the inputs, a name past the reader's 2,001 characters,
// more schema columns than the reader's 100,000), and TF.js a preprocessing.json the loader
// refuses: "saved", then unreadable. Each exporter now runs the importer's checks first and
// refuses as the native writer does, naming the field; nothing is written. And the readers count a
// pipeline's missing indicators as inputs: a TF.js export (and an ONNX bare network) of a model
// with missing indicators was written and then refused by loadModel ("describes 3 inputs but the
// model has 5"); it loads back now, predicting as the native model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, layers, loadModel, modelFromOnnx, modelToOnnx, modelToTfjs, saveModel, sequential, tableFromRecords, type Preprocessing } from '../../src/index.js';
import { assertErrorData } from './errorData.js';
import { csvText, largestDifference, predictedOutputs, trainedOn } from '../io/pipelineExport.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-r33-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function twoInputs() {
  const m = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 1 });
  m.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd' });
  return m;
}

const FILES = { native: 'm.bpm', ONNX: 'm.onnx', 'TensorFlow.js': 'tfjs/model.json' } as const;

/** Saves in each format into a folder of its own; returns what each refusal said, or 'loaded'. */
function saveEach(preprocessing: Preprocessing, model = twoInputs()): Record<string, string> {
  const said: Record<string, string> = {};
  for (const [format, file] of Object.entries(FILES)) {
    const folder = mkdtempSync(join(dir, 'case-'));
    try {
      saveModel(model, join(folder, file), { preprocessing });
    } catch (e) {
      assert.ok(e instanceof InputError, `${format}: ${String(e)}`);
      assert.deepEqual(readdirSync(folder), [], `${format}: nothing written`);
      said[format] = e.message;
      continue;
    }
    loadModel(join(folder, file));
    said[format] = 'loaded';
  }
  return said;
}

test('R33: feature names that do not match the inputs, or past the reader\'s length, are refused by every writer', () => {
  const count = saveEach({ featureNames: ['a'] });
  for (const [format, message] of Object.entries(count)) assert.match(message, /^cannot save: .*featureNames: lists 1 names but the model has 2 inputs; the file would not load$/, format);
  const long = saveEach({ featureNames: ['a', 'b'.repeat(20_000)] });
  for (const [format, message] of Object.entries(long)) assert.match(message, /^cannot save: .*featureNames\[1\]: string of 20000 characters exceeds the limit of \d+; the file would not load$/, format);
  // Every format names the field as the native writer does; the in-memory exporters refuse alike.
  assert.equal(new Set(Object.values(long)).size, 1, JSON.stringify(long));
  assertErrorData(() => modelToOnnx(twoInputs(), { preprocessing: { featureNames: ['a'] } }), InputError, {}, /^cannot save: preprocessing\.featureNames: lists 1 names/);
  assertErrorData(() => modelToTfjs(twoInputs(), { preprocessing: { featureNames: ['a'] } }), InputError, {}, /^cannot save: preprocessing\.featureNames: lists 1 names/);
});

test('R33: a pipeline the loader would refuse (an imputer of the wrong width) is refused by every writer, before a graph or preprocessing.json is written', () => {
  const t = tableFromRecords([['a', 'b', 'y'], ['1', '2', 'x'], ['3', '4', 'z'], ['5', '1', 'x']], { task: 'classification' });
  const preprocessing: Preprocessing = { schema: t.schema, featureNames: [...t.featureNames], imputer: { values: [0], modes: [], indicators: [] } };
  const said = saveEach(preprocessing);
  for (const [format, message] of Object.entries(said)) assert.match(message, /^cannot save: preprocessing\.imputer\.values: .*; the file would not load$/, format);
});

test('R33: the same models with readable metadata save and load back in every format, names kept', () => {
  const said = saveEach({ featureNames: ['a', 'b'.repeat(2000)] });
  assert.deepEqual(said, { native: 'loaded', ONNX: 'loaded', 'TensorFlow.js': 'loaded' });
  const folder = mkdtempSync(join(dir, 'ok-'));
  saveModel(twoInputs(), join(folder, 'model.json'), { preprocessing: { featureNames: ['left', 'right'] } });
  assert.deepEqual(loadModel(join(folder, 'model.json')).preprocessing.featureNames, ['left', 'right']);
});

test('R33: a model with missing indicators saves to TF.js (with its pipeline) and to an ONNX bare network, and both load back', async () => {
  const text = csvText('n,c,y', 90, (i) => `${i % 6 === 0 ? '' : (i * 0.9) % 7},${i % 5 === 0 ? 'NA' : ['red', 'blue'][i % 2]},${i % 3 ? 'k' : 'm'}`);
  const loaded = await trainedOn(text, { preprocessing: { indicator: true } });
  assert.deepEqual(loaded.preprocessing.imputer!.indicators, ['n', 'c']);
  assert.equal(loaded.network.inputUnits, 5, 'n, c=red, c=blue and two indicators');
  const records = [{ n: 1, c: 'red' }, { n: null, c: 'blue' }, { n: 3, c: '' }];
  const folder = mkdtempSync(join(dir, 'indicators-'));
  saveModel(loaded.network, join(folder, 'model.json'), { preprocessing: loaded.preprocessing });
  const back = loadModel(join(folder, 'model.json'));
  assert.deepEqual(back.preprocessing.imputer, loaded.preprocessing.imputer);
  assert.ok(largestDifference(predictedOutputs(back, records), predictedOutputs(loaded, records)) <= 1e-5);
  const bare = modelFromOnnx(modelToOnnx(loaded.network, { preprocessing: loaded.preprocessing, networkOnly: true }));
  assert.equal(bare.network.inputUnits, 5);
  assert.deepEqual(bare.preprocessing.featureNames, loaded.preprocessing.featureNames);
});
