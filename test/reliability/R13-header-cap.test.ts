// R13: a native model whose header would be over the reader's 32 MiB cap (wide categorical
// columns, as `train` on a 3 MB CSV of long category values) is refused before writing, with
// the cap named; one just under the cap saves and loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CapError, DEFAULT_LIMITS, layers, modelFromBytes, modelToBytes, saveModel, sequential, tableFromRecords } from '../../src/index.js';
import { assertErrorData } from './errorData.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-r13-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** `columns` categorical columns of `rows` distinct values of `chars` characters each, and the table read from them. */
function wideTable(columns: number, rows: number, chars: number) {
  const header = [...Array.from({ length: columns }, (_, c) => `c${c}`), 'y'];
  const records = [header, ...Array.from({ length: rows }, (_, i) => [...Array.from({ length: columns }, (_, c) => `${c}:${i}:`.padEnd(chars, 'v')), String(i % 2)])];
  return tableFromRecords(records, { source: 'wide.csv', categorical: header.slice(0, -1), task: 'classification' });
}

function modelFor(inputs: number) {
  const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [inputs] })]);
  m.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
  return m;
}

test('R13: a header over maxHeaderBytes (wide categories) is refused naming the cap; nothing is written', () => {
  const t = wideTable(18, 1000, 1000);
  const m = modelFor(t.x.cols);
  const path = join(dir, 'wide.bpm');
  const e = assertErrorData(() => saveModel(m, path, { preprocessing: { schema: t.schema, featureNames: [...t.featureNames] } }), CapError,
    { cap: 'maxHeaderBytes', limit: DEFAULT_LIMITS.maxHeaderBytes }, /cannot save: the model file header \(bytes\) would be \d+, over the reader's maxHeaderBytes of 33554432/);
  assert.ok(e.actual > DEFAULT_LIMITS.maxHeaderBytes && e.actual < 2 * DEFAULT_LIMITS.maxHeaderBytes, String(e.actual));
  assert.deepEqual(readdirSync(dir), []);
});

test('R13: the same table at half the width saves and loads back', () => {
  const t = wideTable(6, 1000, 1000);
  const m = modelFor(t.x.cols);
  const bytes = modelToBytes(m, { preprocessing: { schema: t.schema, featureNames: [...t.featureNames] } });
  const back = modelFromBytes(bytes);
  assert.equal(back.network.inputUnits, 6000);
  assert.equal(back.preprocessing.featureNames?.length, 6000);
});

test('R13: metadata over the header cap is refused the same way', () => {
  const m = modelFor(2);
  assertErrorData(() => modelToBytes(m, { metadata: { note: 'x'.repeat(DEFAULT_LIMITS.maxHeaderBytes) } }), CapError, { cap: 'maxHeaderBytes' }, /over the reader's maxHeaderBytes/);
});
