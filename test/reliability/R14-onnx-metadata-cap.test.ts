// R14: an ONNX export whose metadata (the pipeline and schema JSON) would be over the reader's
// 10 MB cap is refused before writing, naming the cap; a smaller one loads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapError, layers, modelFromOnnx, modelToOnnx, sequential, tableFromRecords } from '../../src/index.js';
import { ONNX_CAPS } from '../../src/io/caps.js';
import { assertErrorData } from './errorData.js';

function wide(columns: number) {
  const header = [...Array.from({ length: columns }, (_, c) => `c${c}`), 'y'];
  const records = [header, ...Array.from({ length: 1000 }, (_, i) => [...Array.from({ length: columns }, (_, c) => `${c}:${i}:`.padEnd(1000, 'v')), String(i % 2)])];
  const t = tableFromRecords(records, { source: 'wide.csv', categorical: header.slice(0, -1), task: 'classification' });
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [t.x.cols] })]);
  return { m, preprocessing: { schema: t.schema, featureNames: [...t.featureNames] } };
}

test('R14: metadata over maxMetadataValueBytes is refused naming the key and the cap', () => {
  const { m, preprocessing } = wide(6);
  const e = assertErrorData(() => modelToOnnx(m, { preprocessing, networkOnly: true }), CapError,
    { cap: 'maxMetadataValueBytes', limit: ONNX_CAPS.maxMetadataValueBytes }, /cannot save: ONNX metadata "[a-z_.]+" \(bytes\) would be \d+, over the reader's maxMetadataValueBytes of 10000000/);
  assert.ok(e.actual > ONNX_CAPS.maxMetadataValueBytes);
});

test('R14: the same pipeline at a third of the width exports and loads back', () => {
  const { m, preprocessing } = wide(2);
  const back = modelFromOnnx(modelToOnnx(m, { preprocessing, networkOnly: true }));
  assert.equal(back.network.inputUnits, 2000);
  assert.equal(back.preprocessing.featureNames?.length, 2000);
});
