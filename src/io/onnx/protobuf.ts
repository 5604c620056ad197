import { ModelFormatError } from '../../core/errors.js';

/**
 * The protobuf wire format, as much of it as ONNX needs: varints (type 0), 64-bit (type 1),
 * length-delimited (type 2: strings, bytes, sub-messages, packed repeats) and 32-bit (type 5).
 * Written here because the core has no runtime dependencies and the format is a page long.
 */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned varint, or a negative int64 as its 10-byte two's complement. */
  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.buf[this.len++] = byte;
    } while (v !== 0n);
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): void {
    this.key(field, 0);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.key(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.len, 4).setFloat32(0, value, true);
    this.len += 4;
  }

  bytes(field: number, data: Uint8Array): void {
    this.key(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, text: string): void {
    this.bytes(field, new TextEncoder().encode(text));
  }

  message(field: number, write: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated int64 (dims, ints). */
  packedInts(field: number, values: readonly number[]): void {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated float (floats attribute). */
  packedFloats(field: number, values: readonly number[]): void {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.bytes(field, data);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One field as read: a varint (as bigint, so int64 survives), fixed bits, or a byte slice. */
export type ProtoValue = { wire: 0; value: bigint } | { wire: 1; value: DataView } | { wire: 2; value: Uint8Array } | { wire: 5; value: DataView };

/** Fields of one message by number, in file order. Bounds are checked on every read. */
export class ProtoMessage {
  private constructor(readonly fields: Map<number, ProtoValue[]>, readonly what: string) {}

  /** Parses one message; `what` names it in errors (e.g. "model.graph.node[3]"). */
  static parse(bytes: Uint8Array, what: string): ProtoMessage {
    const fields = new Map<number, ProtoValue[]>();
    let at = 0;
    const fail = (why: string): ModelFormatError => new ModelFormatError(`${what}: invalid protobuf at byte ${at} (${why})`);
    const varint = (): bigint => {
      let result = 0n;
      let shift = 0n;
      for (let i = 0; i < 10; i++) {
        if (at >= bytes.length) throw fail('truncated varint');
        const b = bytes[at++]!;
        result |= BigInt(b & 0x7f) << shift;
        if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
        shift += 7n;
      }
      throw fail('varint longer than 10 bytes');
    };
    while (at < bytes.length) {
      const key = varint();
      const field = Number(key >> 3n);
      const wire = Number(key & 7n);
      if (field === 0 || field > 536_870_911) throw fail(`field number ${field}`);
      let value: ProtoValue;
      if (wire === 0) value = { wire, value: varint() };
      else if (wire === 1 || wire === 5) {
        const n = wire === 1 ? 8 : 4;
        if (at + n > bytes.length) throw fail('truncated fixed-width value');
        value = { wire, value: new DataView(bytes.buffer, bytes.byteOffset + at, n) } as ProtoValue;
        at += n;
      } else if (wire === 2) {
        const n = varint();
        if (n > BigInt(bytes.length - at)) throw fail(`length ${n} runs past the end (${bytes.length - at} bytes left)`);
        value = { wire, value: bytes.subarray(at, at + Number(n)) };
        at += Number(n);
      } else throw fail(`unsupported wire type ${wire}`);
      let list = fields.get(field);
      if (list === undefined) fields.set(field, (list = []));
      list.push(value);
    }
    return new ProtoMessage(fields, what);
  }

  private fail(field: number, why: string): ModelFormatError {
    return new ModelFormatError(`${this.what}: field ${field} ${why}`);
  }

  has(field: number): boolean {
    return this.fields.has(field);
  }

  /** The last varint of a field as a safe number (negative int64 included), or `fallback`. */
  int(field: number, fallback = 0): number {
    const list = this.fields.get(field);
    if (list === undefined) return fallback;
    const v = list[list.length - 1]!;
    if (v.wire !== 0) throw this.fail(field, 'is not an integer');
    const n = Number(BigInt.asIntN(64, v.value));
    if (!Number.isSafeInteger(n)) throw this.fail(field, `holds ${BigInt.asIntN(64, v.value)}, beyond a safe integer`);
    return n;
  }

  float(field: number, fallback: number): number {
    const list = this.fields.get(field);
    if (list === undefined) return fallback;
    const v = list[list.length - 1]!;
    if (v.wire !== 5) throw this.fail(field, 'is not a float');
    return v.value.getFloat32(0, true);
  }

  bytes(field: number): Uint8Array | undefined {
    const list = this.fields.get(field);
    if (list === undefined) return undefined;
    const v = list[list.length - 1]!;
    if (v.wire !== 2) throw this.fail(field, 'is not length-delimited');
    return v.value;
  }

  string(field: number, maxLength = 10_000): string {
    const b = this.bytes(field);
    if (b === undefined) return '';
    if (b.length > maxLength) throw this.fail(field, `is a string of ${b.length} bytes, over ${maxLength}`);
    return new TextDecoder().decode(b);
  }

  /** Every occurrence of a length-delimited field (repeated messages and strings). */
  all(field: number, max: number): Uint8Array[] {
    const list = this.fields.get(field) ?? [];
    if (list.length > max) throw this.fail(field, `repeats ${list.length} times, over the limit of ${max}`);
    return list.map((v) => {
      if (v.wire !== 2) throw this.fail(field, 'is not length-delimited');
      return v.value;
    });
  }

  strings(field: number, max: number): string[] {
    return this.all(field, max).map((b) => {
      if (b.length > 10_000) throw this.fail(field, `holds a string of ${b.length} bytes`);
      return new TextDecoder().decode(b);
    });
  }

  /** A repeated int64 field, packed or not. */
  ints(field: number, max: number): number[] {
    const out: number[] = [];
    for (const v of this.fields.get(field) ?? []) {
      if (v.wire === 0) out.push(this.safe(field, v.value));
      else if (v.wire === 2) {
        const inner = ProtoMessage.packed(v.value, `${this.what} field ${field}`);
        for (const x of inner) {
          out.push(this.safe(field, x));
          if (out.length > max) break;
        }
      } else throw this.fail(field, 'is not a repeated integer');
      if (out.length > max) throw this.fail(field, `has more than ${max} values`);
    }
    return out;
  }

  /** A repeated float field, packed or not. */
  floats(field: number, maxCount: number): Float32Array {
    const parts: Float32Array[] = [];
    let total = 0;
    for (const v of this.fields.get(field) ?? []) {
      let part: Float32Array;
      if (v.wire === 5) part = Float32Array.of(v.value.getFloat32(0, true));
      else if (v.wire === 2) {
        if (v.value.length % 4 !== 0) throw this.fail(field, `packed floats of ${v.value.length} bytes (not a multiple of 4)`);
        part = littleEndianFloats(v.value);
      } else throw this.fail(field, 'is not a repeated float');
      total += part.length;
      if (total > maxCount) throw this.fail(field, `has more than ${maxCount} values`);
      parts.push(part);
    }
    const out = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** A repeated double field (packed). */
  doubles(field: number, maxCount: number): Float64Array {
    const b = this.bytes(field);
    if (b === undefined) return new Float64Array(0);
    if (b.length % 8 !== 0 || b.length / 8 > maxCount) throw this.fail(field, `packed doubles of ${b.length} bytes`);
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    const out = new Float64Array(b.length / 8);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }

  private safe(field: number, v: bigint): number {
    const n = Number(BigInt.asIntN(64, v));
    if (!Number.isSafeInteger(n)) throw this.fail(field, `holds ${BigInt.asIntN(64, v)}, beyond a safe integer`);
    return n;
  }

  private static packed(bytes: Uint8Array, what: string): bigint[] {
    const out: bigint[] = [];
    let at = 0;
    while (at < bytes.length) {
      let result = 0n;
      let shift = 0n;
      let done = false;
      for (let i = 0; i < 10 && at < bytes.length; i++) {
        const b = bytes[at++]!;
        result |= BigInt(b & 0x7f) << shift;
        shift += 7n;
        if ((b & 0x80) === 0) {
          done = true;
          break;
        }
      }
      if (!done) throw new ModelFormatError(`${what}: invalid packed varint`);
      out.push(BigInt.asUintN(64, result));
    }
    return out;
  }
}

/** Float32 values from little-endian bytes (copied, so unaligned offsets are fine). */
export function littleEndianFloats(b: Uint8Array): Float32Array {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const out = new Float32Array(Math.floor(b.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
