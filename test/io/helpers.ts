import { crc32 } from '../../src/io/crc32.js';
import { sequential, layers, datasets, type Sequential, type OptimizerName } from '../../src/index.js';

/** Splits a model file into its header object and data bytes (no checks). */
export function split(bytes: Uint8Array): { version: number; header: Record<string, unknown>; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + h))) as Record<string, unknown>;
  return { version: view.getUint32(8, true), header, data: bytes.slice(20 + h) };
}

/** Builds a file from a header (any JSON text) and data, with a correct checksum: a forged file. */
export function forge(header: unknown, data: Uint8Array, version = 1, headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(20 + json.length + data.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('BACKPROP'), 0);
  view.setUint32(8, version, true);
  view.setUint32(12, json.length, true);
  out.set(json, 20);
  out.set(data, 20 + json.length);
  view.setUint32(16, crc32(out, crc32(out, 0, 0, 16), 20, out.length), true);
  return out;
}

/** A small trained classifier with dropout and batch norm, compiled with the given optimiser. */
export async function smallModel(optimizer: OptimizerName = 'adam', epochs = 2): Promise<Sequential> {
  const model = sequential([
    layers.dense({ units: 6, inputShape: [2], activation: 'tanh' }),
    layers.dropout({ rate: 0.25 }),
    layers.batchNormalization(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 5 });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const d = datasets.blobs({ n: 60, seed: 1 });
  await model.fit(d.x, d.y, { epochs, batchSize: 16, verbose: 0 });
  return model;
}

/** The bytes of a typed array, for bit-exact comparison (NaN payloads included). */
export function bitsOf(a: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * CPU milliseconds this process spent since `from` (process.cpuUsage()): what a loader case
 * costs, not the wall time a machine shared by many processes kept it waiting.
 */
export function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}
