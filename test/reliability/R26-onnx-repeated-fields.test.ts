// R26: an ONNX file of millions of empty nodes is refused at the node cap in bounded memory:
// repeated fields are counted before any of them is materialised (a 95 MB file took 4.9 GB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFormatError, modelFromOnnx } from '../../src/index.js';
import { ProtoWriter } from '../../src/io/onnx/protobuf.js';
import { ONNX_CAPS } from '../../src/io/caps.js';
import { assertErrorData } from './errorData.js';

test('R26: 10^7 empty nodes (20 MB) are refused naming the count and the cap, in bounded memory', () => {
  const n = 10_000_000;
  const graph = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) graph[2 * i] = 0x0a; // field 1 (node), length 0
  const w = new ProtoWriter();
  w.int(1, 8);
  w.bytes(7, graph);
  const bytes = w.finish();
  const before = process.memoryUsage();
  assertErrorData(() => modelFromOnnx(bytes), ModelFormatError, {}, new RegExp(`ONNX graph: field 1 occurs ${n} times, over the limit of ${ONNX_CAPS.maxNodes}`));
  const after = process.memoryUsage();
  // Materialising the nodes first took about 50 bytes of heap per byte of file.
  const grown = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  assert.ok(grown < 2 * bytes.length, `heap grew by ${(grown / 1e6).toFixed(1)} MB for a ${(bytes.length / 1e6).toFixed(1)} MB file`);
});

test('R26: a graph at the node cap still parses; one node over is refused', () => {
  const node = (w: ProtoWriter, i: number) => w.message(1, (nw) => { nw.string(1, i === 0 ? 'x' : `t${i - 1}`); nw.string(2, `t${i}`); nw.string(4, 'Relu'); });
  for (const [count, ok] of [[ONNX_CAPS.maxNodes, true], [ONNX_CAPS.maxNodes + 1, false]] as const) {
    const w = new ProtoWriter();
    w.int(1, 8);
    w.message(7, (g) => { for (let i = 0; i < count; i++) node(g, i); });
    w.message(8, (o) => o.int(2, 17));
    let error: unknown;
    try {
      modelFromOnnx(w.finish());
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ModelFormatError, String(error));
    if (ok) assert.doesNotMatch(error.message, /over the limit/);
    else assert.match(error.message, /field 1 occurs 10001 times, over the limit of 10000/);
  }
});
