import { ModelFormatError, UnsupportedError } from '../core/errors.js';
import type { FloatArray } from '../core/matrix.js';
import { crc32 } from './crc32.js';
import { parseUntrustedJson, Reader, type Json, type JsonObject } from './json.js';
import { HEADER_JSON_LIMITS, checkCap, checkJsonCaps } from './caps.js';

/**
 * The binary container of a native model file (little-endian):
 *
 *   offset 0   8 bytes  magic "BACKPROP"
 *          8   uint32   format version
 *         12   uint32   header length H in bytes
 *         16   uint32   CRC-32 of every byte of the file except these four
 *         20   H bytes  header: UTF-8 JSON, with a `tensors` manifest
 *       20+H   data     the tensors back to back, each at its manifest offset (relative to here)
 *
 * Weights are raw IEEE-754 bytes, so NaN and ±Infinity survive exactly (JSON would turn them into
 * null). The reader checks every size against the bytes present before allocating anything.
 */
export const MAGIC = 'BACKPROP';
/** The container format version this package writes. */
export const FORMAT_VERSION = 1;
const PREFIX = 20;

export type TensorDType = 'float32' | 'float64' | 'int32';

type TensorArray = FloatArray | Int32Array;

export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: TensorArray;
}

function dtypeOf(data: TensorArray): TensorDType {
  return data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'float32';
}

/** A tensor located in a decoded container; its bytes are a view into the file. */
export interface StoredTensor {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly size: number;
  readonly bytes: Uint8Array;
}

/** Caps applied before anything is parsed or allocated (RELIABILITY L2, L4). */
export interface ContainerLimits {
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** Largest JSON header accepted, in bytes. */
  readonly maxHeaderBytes: number;
  /** Most tensors in the manifest. */
  readonly maxTensors: number;
  /** Most elements in all tensors together. */
  readonly maxElements: number;
}

/** The loader's limits unless LoadArgs.limits says otherwise (file size, header size, tensor count and size). */
export const DEFAULT_LIMITS: ContainerLimits = {
  maxBytes: 2 ** 30,
  maxHeaderBytes: 32 * 2 ** 20,
  maxTensors: 100_000,
  maxElements: 2 ** 28,
};

const MAX_DIMS = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesPer(dtype: TensorDType): number {
  return dtype === 'float64' ? 8 : 4;
}


/** Lays out header + tensors; the manifest is added to the header as `tensors`. */
export function encodeContainer(header: JsonObject, tensors: readonly TensorEntry[]): Uint8Array {
  // The reader's caps, checked before a byte is laid out (R13): a file that saves also loads.
  checkCap('the number of tensors', 'maxTensors', tensors.length, DEFAULT_LIMITS.maxTensors);
  checkCap('the number of tensor values', 'maxElements', tensors.reduce((n, t) => n + t.data.length, 0), DEFAULT_LIMITS.maxElements);
  const manifest: Json[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype = dtypeOf(t.data);
    const byteLength = t.data.length * bytesPer(dtype);
    manifest.push({ name: t.name, dtype, shape: [...t.shape], offset, byteLength });
    offset += byteLength;
  }
  const full = { ...header, tensors: manifest };
  checkJsonCaps(full, 'the model file header', HEADER_JSON_LIMITS);
  const json = new TextEncoder().encode(JSON.stringify(full));
  checkCap('the model file header (bytes)', 'maxHeaderBytes', json.length, DEFAULT_LIMITS.maxHeaderBytes);
  checkCap('the model file (bytes)', 'maxBytes', PREFIX + json.length + offset, DEFAULT_LIMITS.maxBytes);
  const out = new Uint8Array(PREFIX + json.length + offset);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX);
  let at = PREFIX + json.length;
  for (const t of tensors) {
    writeTensor(out, at, t.data);
    at += t.data.byteLength;
  }
  view.setUint32(16, checksum(out), true);
  return out;
}

function checksum(bytes: Uint8Array): number {
  return crc32(bytes, crc32(bytes, 0, 0, 16), PREFIX, bytes.length);
}

function writeTensor(out: Uint8Array, at: number, data: TensorArray): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float64Array) view.setFloat64(at + 8 * i, data[i]!, true);
    else if (data instanceof Int32Array) view.setInt32(at + 4 * i, data[i]!, true);
    else view.setFloat32(at + 4 * i, data[i]!, true);
  }
}

/** Copies a stored tensor into a fresh typed array of its dtype (bit-exact on little-endian hosts). */
function readTensor(t: StoredTensor): TensorArray {
  const out = t.dtype === 'float64' ? new Float64Array(t.size) : t.dtype === 'int32' ? new Int32Array(t.size) : new Float32Array(t.size);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(t.bytes);
    return out;
  }
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  for (let i = 0; i < t.size; i++) {
    out[i] = t.dtype === 'float64' ? view.getFloat64(8 * i, true) : t.dtype === 'int32' ? view.getInt32(4 * i, true) : view.getFloat32(4 * i, true);
  }
  return out;
}

/** A float tensor's values (the caller has checked its dtype). */
export function readFloats(t: StoredTensor): FloatArray {
  if (t.dtype === 'int32') throw new ModelFormatError(`tensor ${JSON.stringify(t.name)} is int32, expected floats`);
  return readTensor(t) as FloatArray;
}

/** An int32 tensor's values. */
export function readInt32(t: StoredTensor): Int32Array {
  if (t.dtype !== 'int32') throw new ModelFormatError(`tensor ${JSON.stringify(t.name)} is ${t.dtype}, expected int32`);
  return readTensor(t) as Int32Array;
}

/**
 * Checks and splits a container: size caps, magic, version, header length, manifest (safe-integer
 * shapes whose products match the bytes present, offsets tiling the data exactly, unique names),
 * then the checksum. Throws ModelFormatError (or UnsupportedError for a newer format version).
 */
export function decodeContainer(bytes: Uint8Array, limits: ContainerLimits): { header: JsonObject; tensors: Map<string, StoredTensor> } {
  const n = bytes.length;
  if (n > limits.maxBytes) throw new ModelFormatError(`model file is ${n} bytes, over the limit of ${limits.maxBytes}`);
  if (n === 0) throw new ModelFormatError('model file is empty');
  let magic = '';
  for (let i = 0; i < Math.min(n, MAGIC.length); i++) magic += String.fromCharCode(bytes[i]!);
  if (magic !== MAGIC.slice(0, magic.length)) {
    const hint = bytes[0] === 0x7b ? ' (it looks like JSON: a TensorFlow.js model.json is read with the tfjs importer)' : '';
    throw new ModelFormatError(`not a backprop model file: it does not start with "${MAGIC}"${hint}`);
  }
  if (n < PREFIX) throw new ModelFormatError(`model file is truncated: ${n} bytes, shorter than the ${PREFIX}-byte prefix`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 0) throw new ModelFormatError('model file has format version 0, which does not exist');
  if (version > FORMAT_VERSION) {
    throw new UnsupportedError(`model file has format version ${version}; this backprop reads version ${FORMAT_VERSION} and older. Upgrade backprop to read it`);
  }
  const headerLength = view.getUint32(12, true);
  if (headerLength > limits.maxHeaderBytes) throw new ModelFormatError(`model file header of ${headerLength} bytes exceeds the limit of ${limits.maxHeaderBytes}`);
  if (PREFIX + headerLength > n) throw new ModelFormatError(`model file is truncated: the header needs ${headerLength} bytes, ${n - PREFIX} are present`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLength));
  } catch {
    throw new ModelFormatError('model file header is not valid UTF-8');
  }
  const r = new Reader('model file header');
  const header = r.object(parseUntrustedJson(text, 'model file header', HEADER_JSON_LIMITS));
  const dataStart = PREFIX + headerLength;
  const tensors = readManifest(header, bytes, dataStart, limits);
  const stored = view.getUint32(16, true);
  const actual = checksum(bytes);
  if (stored !== actual) {
    throw new ModelFormatError(`model file is corrupt: checksum 0x${hex(actual)} does not match the stored 0x${hex(stored)}`);
  }
  return { header, tensors };
}

function hex(v: number): string {
  return v.toString(16).padStart(8, '0');
}

function readManifest(header: JsonObject, bytes: Uint8Array, dataStart: number, limits: ContainerLimits): Map<string, StoredTensor> {
  const r = new Reader('model file header').at('tensors');
  const list = r.array(header.tensors, limits.maxTensors);
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  const spans: [number, number, string][] = [];
  let elements = 0;
  list.forEach((entry, i) => {
    const ri = r.at(i);
    const o = ri.object(entry);
    ri.keys(o, ['name', 'dtype', 'shape', 'offset', 'byteLength']);
    const name = ri.at('name').string(o.name, 500);
    const rn = new Reader(`tensor ${JSON.stringify(name)}`);
    if (tensors.has(name)) throw rn.fail('appears twice in the manifest');
    const dtype = rn.at('dtype').oneOf(o.dtype, ['float32', 'float64', 'int32'] as const);
    const dims = rn.at('shape').array(o.shape, MAX_DIMS);
    let size = 1;
    const shape = dims.map((d, k) => {
      const v = rn.at('shape').at(k).integer(d, 0, limits.maxElements);
      size *= v;
      // Checked per step so that [4194305, 4194305, 211106198978564] fails before it overflows.
      if (size > limits.maxElements) throw rn.fail(`shape [${dims.join(', ')}] has more than ${limits.maxElements} elements`);
      return v;
    });
    elements += size;
    if (elements > limits.maxElements) throw rn.fail(`the tensors together exceed ${limits.maxElements} elements`);
    const byteLength = rn.at('byteLength').integer(o.byteLength, 0, Number.MAX_SAFE_INTEGER);
    if (byteLength !== size * bytesPer(dtype)) {
      throw rn.fail(`byteLength ${byteLength} does not match shape [${shape.join(', ')}] of ${dtype} (${size * bytesPer(dtype)} bytes)`);
    }
    const offset = rn.at('offset').integer(o.offset, 0, Number.MAX_SAFE_INTEGER);
    if (offset + byteLength > dataLength) {
      throw rn.fail(`needs bytes ${offset}..${offset + byteLength} of the data but the file has ${dataLength} (truncated?)`);
    }
    spans.push([offset, offset + byteLength, name]);
    tensors.set(name, { name, dtype, shape, size, bytes: bytes.subarray(dataStart + offset, dataStart + offset + byteLength) });
  });
  spans.sort((a, b) => a[0] - b[0]);
  let end = 0;
  for (const [start, stop, name] of spans) {
    if (start < end) throw new ModelFormatError(`tensor ${JSON.stringify(name)} overlaps the tensor before it (offset ${start} < ${end})`);
    if (start > end) throw new ModelFormatError(`model file data has a gap of ${start - end} bytes before tensor ${JSON.stringify(name)}`);
    end = stop;
  }
  if (end !== dataLength) throw new ModelFormatError(`model file has ${dataLength - end} bytes after the last tensor; the manifest describes ${end}`);
  return tensors;
}
