// R27: 10^7 INT64 varints in a tensor (918 MB before) are counted against the tensor's shape
// before they are decoded, and decoded straight into one Float64Array when they fit it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFormatError, modelFromOnnx } from '../../src/index.js';
import { ProtoMessage, ProtoWriter } from '../../src/io/onnx/protobuf.js';
import { assertErrorData } from './errorData.js';

function int64Tensor(dims: number, values: number, packed: boolean): Uint8Array {
  const t = new ProtoWriter();
  t.packedInts(1, [dims]);
  t.int(2, 7);
  t.string(8, 'w');
  if (packed) t.packedInts(7, Array.from({ length: values }, (_, i) => i % 3));
  else {
    // Key 0x38 (field 7, varint) and a one-byte value, written directly: 10^7 through the writer is slow.
    const raw = new Uint8Array(2 * values);
    for (let i = 0; i < values; i++) raw.set([0x38, i % 3], 2 * i);
    const head = t.finish();
    const all = new Uint8Array(head.length + raw.length);
    all.set(head);
    all.set(raw, head.length);
    const g = new ProtoWriter();
    g.bytes(5, all);
    const m = new ProtoWriter();
    m.int(1, 8);
    m.bytes(7, g.finish());
    return m.finish();
  }
  const g = new ProtoWriter();
  g.bytes(5, t.finish());
  const m = new ProtoWriter();
  m.int(1, 8);
  m.bytes(7, g.finish());
  return m.finish();
}

test('R27: 10^7 unpacked int64 varints for a tensor of 10 are refused before decoding, in bounded memory', () => {
  const bytes = int64Tensor(10, 10_000_000, false);
  const before = process.memoryUsage();
  assertErrorData(() => modelFromOnnx(bytes), ModelFormatError, {}, /ONNX initializer\[0\]: field 7 occurs 10000000 times, over the limit of 10/);
  const after = process.memoryUsage();
  const grown = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  assert.ok(grown < bytes.length, `heap grew by ${(grown / 1e6).toFixed(1)} MB for a ${(bytes.length / 1e6).toFixed(1)} MB file`);
});

test('R27: packed varints are counted too; values that fit are decoded exactly (negatives included)', () => {
  assertErrorData(() => modelFromOnnx(int64Tensor(10, 1000, true)), ModelFormatError, {}, /field 7 has more than 10 values/);
  const w = new ProtoWriter();
  w.packedInts(7, [0, 1, -1, 2 ** 40, -(2 ** 40), 127, 128]);
  w.int(7, 300);
  const values = ProtoMessage.parse(w.finish(), 't').int64s(7, 8);
  assert.deepEqual(Array.from(values), [0, 1, -1, 2 ** 40, -(2 ** 40), 127, 128, 300]);
});
