import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainingSpec, type JsonObject } from '../../src/index.js';
import { readingOf } from '../../cli/apply.js';
import { runMetadata } from '../../cli/settings.js';

test('readingOf: evaluate reads cells as train did, from the saved spec or an older file\'s settings', () => {
  const spec = trainingSpec({ preprocessing: { naValues: ['', '-'], decimal: ',' } });
  assert.deepEqual(readingOf(runMetadata(spec, { data: 'a.csv' }, 'backprop train')), { naValues: ['', '-'], decimal: ',' });
  assert.deepEqual(readingOf(runMetadata(trainingSpec({}), {}, 'backprop train')), {});
  // A file written before the spec was saved: flat settings keyed by option name, read by legacyRun.
  const legacy: JsonObject = { train: { task: 'auto', layers: [4], activation: 'relu', dropout: 0, optimizer: 'adam', epochs: 3, batchSize: 8, validationSplit: 0.2, scale: 'standard', seed: 1, naValues: ['NA'], decimal: ',' } };
  assert.deepEqual(readingOf(legacy), { naValues: ['NA'], decimal: ',' });
  assert.deepEqual(readingOf({ producer: 'library' }), {});
  assert.throws(() => readingOf({ spec: { preprocessing: { decimal: ';' } } }, 'm.bpm'), /m\.bpm: metadata\.spec\.preprocessing\.decimal/);
});
