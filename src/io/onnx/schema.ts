import { ModelFormatError, UnsupportedError } from '../../core/errors.js';
import { ProtoMessage, ProtoWriter, littleEndianFloats } from './protobuf.js';
import { ONNX_CAPS, checkCap } from '../caps.js';

/**
 * The part of onnx.proto an MLP uses, as plain objects, with field numbers from onnx/onnx.proto
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto).
 */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** Float values (FLOAT, DOUBLE and INT64 tensors are all read into numbers). */
  readonly data: Float32Array | Float64Array;
  /** The element type written (default float; the reader leaves it out). */
  readonly type?: OnnxElementType;
}

/** Element types the writer can give a tensor or a graph input/output. */
export type OnnxElementType = 'float' | 'double' | 'int64' | 'string';

export type OnnxAttribute =
  | { readonly name: string; readonly kind: 'float'; readonly value: number }
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'string'; readonly value: string }
  | { readonly name: string; readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly name: string; readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly name: string; readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly name: string; readonly kind: 'tensor'; readonly value: OnnxTensor };

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
  readonly domain: string;
}

/** A graph input or output: name and shape (a string for a symbolic dimension, undefined when unknown). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly shape: readonly (number | string | undefined)[] | undefined;
  /** Element type (default float; the reader leaves it out). */
  readonly type?: OnnxElementType;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  /** Opset version per domain ('' is ai.onnx). */
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly graph: OnnxGraph;
  readonly metadata: readonly { readonly key: string; readonly value: string }[];
}

const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const DOUBLE = 11;
const ELEMENT_TYPES: Record<OnnxElementType, number> = { float: FLOAT, double: DOUBLE, int64: INT64, string: STRING };

// ---------------------------------------------------------------- writing

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  const type = t.type ?? 'float';
  if (type === 'string') throw new UnsupportedError(`ONNX tensor ${t.name}: string tensors are written as Constant nodes with value_strings`);
  w.packedInts(1, t.dims);
  w.int(2, ELEMENT_TYPES[type]);
  w.string(8, t.name);
  const raw = new Uint8Array(t.data.length * (type === 'float' ? 4 : 8));
  const view = new DataView(raw.buffer);
  t.data.forEach((v, i) => {
    if (type === 'float') view.setFloat32(i * 4, v, true);
    else if (type === 'double') view.setFloat64(i * 8, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  });
  w.bytes(9, raw);
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  switch (a.kind) {
    case 'float': w.float(2, a.value); w.int(20, 1); break;
    case 'int': w.int(3, a.value); w.int(20, 2); break;
    case 'string': w.string(4, a.value); w.int(20, 3); break;
    case 'tensor': w.message(5, (t) => writeTensor(t, a.value)); w.int(20, 4); break;
    case 'floats': w.packedFloats(7, a.value); w.int(20, 6); break;
    case 'ints': w.packedInts(8, a.value); w.int(20, 7); break;
    case 'strings': for (const v of a.value) w.string(9, v); w.int(20, 8); break;
  }
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, ELEMENT_TYPES[v.type ?? 'float']);
    if (v.shape !== undefined) {
      tensor.message(2, (shape) => {
        for (const d of v.shape!) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : d !== undefined ? dim.string(2, d) : undefined));
      });
    }
  }));
}

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

/**
 * The reader's caps (ONNX_CAPS) on what is about to be encoded, so that an export always loads
 * back (R14, R15): counts of nodes, initializers, inputs, outputs and metadata, and the lengths of
 * names and metadata values the reader would refuse. Throws CapError naming the cap.
 */
export function checkOnnxCaps(m: OnnxModel): void {
  const g = m.graph;
  checkCap('ONNX graph nodes', 'maxNodes', g.nodes.length, ONNX_CAPS.maxNodes);
  checkCap('ONNX graph initializers', 'maxNodes', g.initializers.length, ONNX_CAPS.maxNodes);
  checkCap('ONNX graph inputs', 'maxValueInfos', g.inputs.length, ONNX_CAPS.maxValueInfos);
  checkCap('ONNX metadata_props entries', 'maxMetadataProps', m.metadata.length, ONNX_CAPS.maxMetadataProps);
  checkCap('the ONNX graph name (bytes)', 'maxNameBytes', utf8Length(g.name), ONNX_CAPS.maxNameBytes);
  for (const p of m.metadata) {
    checkCap(`ONNX metadata key ${JSON.stringify(p.key.slice(0, 50))} (bytes)`, 'maxNameBytes', utf8Length(p.key), ONNX_CAPS.maxNameBytes);
    checkCap(`ONNX metadata ${JSON.stringify(p.key.slice(0, 50))} (bytes)`, 'maxMetadataValueBytes', utf8Length(p.value), ONNX_CAPS.maxMetadataValueBytes);
  }
  for (const v of [...g.inputs, ...g.outputs]) checkCap(`ONNX graph input or output name ${JSON.stringify(v.name.slice(0, 50))} (bytes)`, 'maxNameBytes', utf8Length(v.name), ONNX_CAPS.maxNameBytes);
  for (const n of g.nodes) {
    checkCap(`ONNX node name ${JSON.stringify(n.name.slice(0, 50))} (bytes)`, 'maxNameBytes', utf8Length(n.name), ONNX_CAPS.maxNameBytes);
    for (const t of [...n.inputs, ...n.outputs]) checkCap(`ONNX value name ${JSON.stringify(t.slice(0, 50))} (bytes)`, 'maxStringBytes', utf8Length(t), ONNX_CAPS.maxStringBytes);
  }
  for (const t of g.initializers) checkCap(`ONNX initializer name ${JSON.stringify(t.name.slice(0, 50))} (bytes)`, 'maxStringBytes', utf8Length(t.name), ONNX_CAPS.maxStringBytes);
}

/** Encodes a model as ONNX protobuf bytes, after checking it against the reader's caps. */
export function encodeOnnx(m: OnnxModel): Uint8Array {
  checkOnnxCaps(m);
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  w.message(7, (g) => {
    for (const n of m.graph.nodes) {
      g.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, i);
        for (const o of n.outputs) nw.string(2, o);
        nw.string(3, n.name);
        nw.string(4, n.opType);
        for (const a of n.attributes) nw.message(5, (aw) => writeAttribute(aw, a));
        if (n.domain !== '') nw.string(7, n.domain);
      });
    }
    g.string(2, m.graph.name);
    for (const t of m.graph.initializers) g.message(5, (tw) => writeTensor(tw, t));
    for (const v of m.graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of m.graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  for (const o of m.opsets) {
    w.message(8, (ow) => {
      if (o.domain !== '') ow.string(1, o.domain);
      ow.int(2, o.version);
    });
  }
  for (const p of m.metadata) {
    w.message(14, (pw) => {
      pw.string(1, p.key);
      pw.string(2, p.value);
    });
  }
  return w.finish();
}

// ---------------------------------------------------------------- reading

/** Caps on what a file may declare, checked before anything is allocated. */
export interface OnnxLimits {
  readonly maxNodes: number;
  readonly maxElements: number;
}

function readTensor(bytes: Uint8Array, what: string, limits: OnnxLimits): OnnxTensor {
  const t = ProtoMessage.parse(bytes, what);
  const name = t.string(8);
  const where = `${what} ${JSON.stringify(name)}`;
  const dims = t.ints(1, 8);
  let count = 1;
  for (const d of dims) {
    if (d < 0) throw new ModelFormatError(`${where}: negative dimension ${d}`);
    count *= d;
    if (count > limits.maxElements) throw new ModelFormatError(`${where}: [${dims.join(', ')}] has more than ${limits.maxElements} elements`);
  }
  const type = t.int(2, 0);
  if (t.has(13) || t.int(14, 0) === 1) throw new UnsupportedError(`${where}: tensors stored in external files are not supported`);
  const raw = t.bytes(9);
  let data: Float32Array | Float64Array;
  if (type === FLOAT) data = raw !== undefined ? rawFloats(raw, 4, count, where) as Float32Array : t.floats(4, count);
  else if (type === DOUBLE) data = raw !== undefined ? rawFloats(raw, 8, count, where) as Float64Array : t.doubles(10, count);
  else if (type === INT64) {
    if (raw !== undefined) {
      if (raw.length !== count * 8) throw new ModelFormatError(`${where}: ${raw.length} bytes of int64 for [${dims.join(', ')}]`);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
      data = Float64Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    } else data = t.int64s(7, count);
  } else throw new UnsupportedError(`${where}: tensor data type ${type} is not supported (FLOAT, DOUBLE and INT64 are)`);
  if (data.length !== count) throw new ModelFormatError(`${where}: holds ${data.length} values but its shape [${dims.join(', ')}] needs ${count}`);
  return { name, dims, data };
}

function rawFloats(raw: Uint8Array, width: 4 | 8, count: number, where: string): Float32Array | Float64Array {
  if (raw.length !== count * width) throw new ModelFormatError(`${where}: raw data of ${raw.length} bytes, expected ${count * width}`);
  if (width === 4) return littleEndianFloats(raw);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
}

function readAttribute(bytes: Uint8Array, what: string, limits: OnnxLimits): OnnxAttribute | undefined {
  const a = ProtoMessage.parse(bytes, what);
  const name = a.string(1, 200);
  const type = a.int(20, 0);
  switch (type) {
    case 1: return { name, kind: 'float', value: a.float(2, 0) };
    case 2: return { name, kind: 'int', value: a.int(3, 0) };
    case 3: return { name, kind: 'string', value: a.string(4, 1000) };
    case 4: {
      const t = a.bytes(5);
      if (t === undefined) throw new ModelFormatError(`${what} ${name}: tensor attribute without a tensor`);
      return { name, kind: 'tensor', value: readTensor(t, `${what} ${name}`, limits) };
    }
    case 6: return { name, kind: 'floats', value: Array.from(a.floats(7, 100_000)) };
    case 7: return { name, kind: 'ints', value: a.ints(8, 100_000) };
    case 8: return { name, kind: 'strings', value: a.strings(9, 100_000) };
    default: return undefined; // graphs, sparse tensors, type protos: no MLP op reads them
  }
}

function readValueInfo(bytes: Uint8Array, what: string): OnnxValueInfo {
  const v = ProtoMessage.parse(bytes, what);
  const name = v.string(1, ONNX_CAPS.maxNameBytes);
  const typeBytes = v.bytes(2);
  if (typeBytes === undefined) return { name, shape: undefined };
  const tensorBytes = ProtoMessage.parse(typeBytes, `${what} type`).bytes(1);
  if (tensorBytes === undefined) return { name, shape: undefined };
  const shapeBytes = ProtoMessage.parse(tensorBytes, `${what} tensor type`).bytes(2);
  if (shapeBytes === undefined) return { name, shape: undefined };
  const dims = ProtoMessage.parse(shapeBytes, `${what} shape`).all(1, 8).map((d) => {
    const dim = ProtoMessage.parse(d, `${what} dim`);
    if (dim.has(1)) return dim.int(1);
    if (dim.has(2)) return dim.string(2, 200);
    return undefined;
  });
  return { name, shape: dims };
}

/** Decodes ONNX protobuf bytes into the subset above; unknown fields are skipped as protobuf allows. */
export function decodeOnnx(bytes: Uint8Array, limits: OnnxLimits): OnnxModel {
  const m = ProtoMessage.parse(bytes, 'ONNX model');
  const graphBytes = m.bytes(7);
  if (graphBytes === undefined) throw new ModelFormatError('ONNX model: has no graph (field 7)');
  const g = ProtoMessage.parse(graphBytes, 'ONNX graph');
  const nodes = g.all(1, limits.maxNodes).map((nb, i): OnnxNode => {
    const what = `ONNX graph node[${i}]`;
    const n = ProtoMessage.parse(nb, what);
    return {
      inputs: n.strings(1, 64),
      outputs: n.strings(2, 64),
      name: n.string(3, ONNX_CAPS.maxNameBytes),
      opType: n.string(4, 200),
      attributes: n.all(5, 100).map((ab) => readAttribute(ab, `${what} attribute`, limits)).filter((a): a is OnnxAttribute => a !== undefined),
      domain: n.string(7, 200),
    };
  });
  let total = 0;
  const initializers = g.all(5, limits.maxNodes).map((tb, i) => {
    const t = readTensor(tb, `ONNX initializer[${i}]`, limits);
    total += t.data.length;
    if (total > limits.maxElements) throw new ModelFormatError(`ONNX graph: initializers hold more than ${limits.maxElements} values`);
    return t;
  });
  const opsets = m.all(8, 100).map((ob) => {
    const o = ProtoMessage.parse(ob, 'ONNX opset_import');
    return { domain: o.string(1, 200), version: o.int(2, 0) };
  });
  const metadata = m.all(14, ONNX_CAPS.maxMetadataProps).map((pb) => {
    const p = ProtoMessage.parse(pb, 'ONNX metadata_props');
    return { key: p.string(1, ONNX_CAPS.maxNameBytes), value: p.string(2, ONNX_CAPS.maxMetadataValueBytes) };
  });
  return {
    irVersion: m.int(1, 0),
    producerName: m.string(2, 1000),
    producerVersion: m.string(3, 1000),
    opsets,
    graph: {
      name: g.string(2, ONNX_CAPS.maxNameBytes),
      nodes,
      initializers,
      inputs: g.all(11, ONNX_CAPS.maxValueInfos).map((b, i) => readValueInfo(b, `ONNX graph input[${i}]`)),
      outputs: g.all(12, ONNX_CAPS.maxValueInfos).map((b, i) => readValueInfo(b, `ONNX graph output[${i}]`)),
    },
    metadata,
  };
}
