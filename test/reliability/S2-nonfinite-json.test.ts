// S2: NaN or ±Infinity in the JSON parts of a model file (scaler, metadata) is refused at save,
// naming where; weights keep NaN and ±Infinity losslessly (binary tensors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, layers, modelFromBytes, modelToBytes, sequential } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { bitsOf } from '../io/helpers.js';

function model() {
  const m = sequential([layers.dense({ units: 1, inputShape: [2] })]);
  m.build(2);
  return m;
}

test('S2: a scaler holding NaN or Infinity is refused at save, never written as null', () => {
  assertThrowsWith(() => modelToBytes(model(), { preprocessing: { scaler: { kind: 'standard', offset: [0, NaN], scale: [1, 1] } } }), InputError,
    /cannot save preprocessing\.scaler\.offset\[1\] = NaN: a model file's JSON header holds only finite numbers/);
  assertThrowsWith(() => modelToBytes(model(), { preprocessing: { scaler: { kind: 'minMax', offset: [0, 0], scale: [Infinity, 1] } } }), InputError,
    /preprocessing\.scaler\.scale\[0\] = Infinity/);
});

test('S2: NaN in metadata is refused with its path; finite metadata round-trips', () => {
  assertThrowsWith(() => modelToBytes(model(), { metadata: { run: { scores: [1, 2, NaN] } } }), InputError, /cannot save metadata\.run\.scores\[2\] = NaN/);
  assertThrowsWith(() => modelToBytes(model(), { metadata: { best: -Infinity } }), InputError, /cannot save metadata\.best = -Infinity/);
  const loaded = modelFromBytes(modelToBytes(model(), { metadata: { run: { scores: [1, 2, 3] }, note: 'ok' } }));
  assert.deepEqual(loaded.metadata, { run: { scores: [1, 2, 3] }, note: 'ok' });
});

test('S2: NaN and ±Infinity in weights round-trip bit for bit', () => {
  const m = model();
  m.params()[0]!.value.set([NaN, Infinity]);
  m.params()[1]!.value.set([-Infinity]);
  const back = modelFromBytes(modelToBytes(m)).model;
  for (let i = 0; i < 2; i++) assert.deepEqual(bitsOf(back.params()[i]!.value), bitsOf(m.params()[i]!.value));
});
