import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, Matrix, NotFittedError, ShapeError, labelEncoder, labelEncoderFromJSON, minMaxScaler, oneHot, scalerFromJSON, standardScaler, parseNumberCell } from '../../src/index.js';
import { assertAllClose, assertThrowsWith } from '../helpers/assert.js';

test('oneHot: index k of depth d is a row with a single 1 at k; bad indices name the row', () => {
  assert.deepEqual(oneHot([0, 2, 1], 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assertThrowsWith(() => oneHot([0, 3], 3), InputError, /row 1 has index 3; expected an integer in \[0, 2\]/);
  assertThrowsWith(() => oneHot([0.5], 3), InputError, /row 0 has index 0\.5/);
});

test('labelEncoder: sorted classes, transform, inverse, JSON round trip; numbers and strings not mixed', () => {
  assert.deepEqual(labelEncoder().fit([7, 3, 7, -1]).classes, [-1, 3, 7]);
  const enc = labelEncoder().fit(['dog', 'bee', 'cat', 'ant', 'dog']);
  assert.deepEqual(enc.classes, ['ant', 'bee', 'cat', 'dog']);
  assert.deepEqual(enc.transform(['cat', 'ant', 'dog']), [2, 0, 3]);
  assert.deepEqual(enc.inverseTransform([3, 1]), ['dog', 'bee']);
  assert.deepEqual(labelEncoderFromJSON(enc.toJSON()).transform(['dog']), [3]);
  assertThrowsWith(() => labelEncoder().fit(['dog', 3]), InputError, /labels mix numbers and strings/);
  assertThrowsWith(() => enc.transform(['bird']), InputError, /row 0 has label "bird"/);
  assertThrowsWith(() => labelEncoder().transform(['x']), NotFittedError, /call fit/);
  assertThrowsWith(() => labelEncoder().fit([NaN]), InputError, /row 0 is NaN/);
});

test('scalers on a Matrix: fitted statistics, float32 output, inverse, constant columns map to 0', () => {
  const x = Matrix.fromArray([[1, 10, 5], [3, 30, 5]], 'float64');
  const s = standardScaler().fit(x);
  const t = s.transform(x, 'float32');
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(Array.from(t.data), [-1, -1, 0, 1, 1, 0]);
  assertAllClose(s.inverseTransform(t, 'float64').data, x.data, 1e-6);
  const m = minMaxScaler().fit(x);
  assert.deepEqual(m.transform([[2, 20, 5]]), [[0.5, 0.5, 0]]);
  assertThrowsWith(() => s.transform(Matrix.zeros(1, 2)), ShapeError, /x has 2 features, the scaler was fitted on 3/);
  assert.deepEqual(scalerFromJSON(s.toJSON()).transform([[3, 30, 5]]), [[1, 1, 0]]);
  assertThrowsWith(() => scalerFromJSON({ kind: 'standard', offset: [0], scale: [0] }), InputError, /scale ≠ 0/);
});

test('property: a fitted scaler inverts its transform on number[][] and Matrix alike', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), (rows) => {
      for (const s of [standardScaler(), minMaxScaler()]) {
        const back = s.inverseTransform(s.fitTransform(rows));
        back.forEach((r, i) => assertAllClose(r, rows[i]!, 1e-6, 1e-9));
        const m = Matrix.fromArray(rows, 'float64');
        assertAllClose(s.fit(m).inverseTransform(s.transform(m)).data, m.data, 1e-6, 1e-9);
      }
    }),
    { numRuns: 100 },
  );
});

test('parseNumberCell accepts decimal and exponent forms only', () => {
  for (const [s, v] of [['1', 1], [' -2.5 ', -2.5], ['.5', 0.5], ['3.', 3], ['1e-3', 0.001], ['+4E2', 400]] as const) {
    assert.deepEqual(parseNumberCell(s), { ok: true, value: v });
  }
  for (const s of ['', 'NaN', 'nan', 'Infinity', '1e999', '0x10', '1,5', '--1', 'abc']) assert.equal(parseNumberCell(s).ok, false, s);
});
