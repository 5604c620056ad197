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

/** Where one occurrence of a field lies in its message: the varint, the fixed bytes or the payload. */
interface Span {
  readonly wire: 0 | 1 | 2 | 5;
  readonly start: number;
  readonly end: number;
}

/**
 * One message's fields by number. Parsing checks the structure in one pass and keeps only a count
 * and the last occurrence of each field, never one object per occurrence: a repeated field is
 * counted against its cap before any of it is materialised (a 95 MB file of empty nodes, or 10⁷
 * int64 varints, is refused in bounded memory, R30). Bounds are checked on every read.
 */
export class ProtoMessage {
  private constructor(
    private readonly data: Uint8Array,
    private readonly counts: Map<number, number>,
    private readonly last: Map<number, Span>,
    readonly what: string,
  ) {}

  /** Parses one message; `what` names it in errors (e.g. "model.graph.node[3]"). */
  static parse(bytes: Uint8Array, what: string): ProtoMessage {
    const counts = new Map<number, number>();
    const last = new Map<number, Span>();
    let at = 0;
    const fail = (why: string): ModelFormatError => new ModelFormatError(`${what}: invalid protobuf at byte ${at} (${why})`);
    while (at < bytes.length) {
      const key = numberVarint(bytes, at);
      if (key < 0) throw fail(at + 10 <= bytes.length ? 'varint longer than 10 bytes' : 'truncated varint');
      at = varintEnd;
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (field === 0 || field > 536_870_911) throw fail(`field number ${field}`);
      let span: Span;
      if (wire === 0) {
        if (numberVarint(bytes, at) === -1) throw fail(at + 10 <= bytes.length ? 'varint longer than 10 bytes' : 'truncated varint');
        span = { wire, start: at, end: varintEnd };
      } else if (wire === 1 || wire === 5) {
        const n = wire === 1 ? 8 : 4;
        if (at + n > bytes.length) throw fail('truncated fixed-width value');
        span = { wire, start: at, end: at + n };
      } else if (wire === 2) {
        const n = numberVarint(bytes, at);
        if (n === -1) throw fail('truncated varint');
        if (n > bytes.length - varintEnd) throw fail(`length ${n} runs past the end (${bytes.length - varintEnd} bytes left)`);
        span = { wire, start: varintEnd, end: varintEnd + n };
      } else throw fail(`unsupported wire type ${wire}`);
      at = span.end;
      counts.set(field, (counts.get(field) ?? 0) + 1);
      last.set(field, span);
    }
    return new ProtoMessage(bytes, counts, last, what);
  }

  private fail(field: number, why: string): ModelFormatError {
    return new ModelFormatError(`${this.what}: field ${field} ${why}`);
  }

  /** How many times a field occurs (a packed field counts once). */
  count(field: number): number {
    return this.counts.get(field) ?? 0;
  }

  has(field: number): boolean {
    return this.counts.has(field);
  }

  /** Calls `visit` with every occurrence of a field in order, after its count was checked against `max` (nothing is read before). */
  private each(field: number, max: number, visit: (wire: 0 | 1 | 2 | 5, start: number, end: number) => void): void {
    const n = this.count(field);
    if (n > max) throw this.fail(field, `occurs ${n} times, over the limit of ${max}`);
    if (n === 0) return;
    if (n === 1) {
      const v = this.last.get(field)!;
      return visit(v.wire, v.start, v.end);
    }
    const b = this.data;
    let at = 0;
    let seen = 0;
    while (at < b.length && seen < n) {
      const key = numberVarint(b, at);
      at = varintEnd;
      const f = Math.floor(key / 8);
      const wire = (key % 8) as 0 | 1 | 2 | 5;
      let start = at;
      if (wire === 0) {
        numberVarint(b, at);
        at = varintEnd;
      } else if (wire === 2) {
        const len = numberVarint(b, at);
        start = varintEnd;
        at = varintEnd + len;
      } else at += wire === 1 ? 8 : 4;
      if (f === field) {
        seen++;
        visit(wire, start, at);
      }
    }
  }

  private varintAt(span: Span): bigint {
    return readVarint(this.data, span.start)!.value;
  }

  /** The last varint of a field as a safe number (negative int64 included), or `fallback`. */
  int(field: number, fallback = 0): number {
    const v = this.last.get(field);
    if (v === undefined) return fallback;
    if (v.wire !== 0) throw this.fail(field, 'is not an integer');
    return this.safe(field, this.varintAt(v));
  }

  float(field: number, fallback: number): number {
    const v = this.last.get(field);
    if (v === undefined) return fallback;
    if (v.wire !== 5) throw this.fail(field, 'is not a float');
    return new DataView(this.data.buffer, this.data.byteOffset + v.start, 4).getFloat32(0, true);
  }

  bytes(field: number): Uint8Array | undefined {
    const v = this.last.get(field);
    if (v === undefined) return undefined;
    if (v.wire !== 2) throw this.fail(field, 'is not length-delimited');
    return this.data.subarray(v.start, v.end);
  }

  string(field: number, maxLength = 10_000): string {
    const b = this.bytes(field);
    if (b === undefined) return '';
    if (b.length > maxLength) throw this.fail(field, `is a string of ${b.length} bytes, over ${maxLength}`);
    return new TextDecoder().decode(b);
  }

  /** Every occurrence of a length-delimited field (repeated messages and strings), counted against `max` first. */
  all(field: number, max: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.each(field, max, (wire, start, end) => {
      if (wire !== 2) throw this.fail(field, 'is not length-delimited');
      out.push(this.data.subarray(start, end));
    });
    return out;
  }

  strings(field: number, max: number, maxLength = 10_000): string[] {
    return this.all(field, max).map((b) => {
      if (b.length > maxLength) throw this.fail(field, `holds a string of ${b.length} bytes`);
      return new TextDecoder().decode(b);
    });
  }

  /** A repeated int64 field, packed or not: its values counted against `max` before any is decoded. */
  ints(field: number, max: number): number[] {
    return Array.from(this.int64s(field, max));
  }

  /** As `ints`, into one Float64Array allocated once the values are counted (tensor data: 8 bytes a value). */
  int64s(field: number, max: number): Float64Array {
    let total = 0;
    this.each(field, max, (wire, start, end) => {
      if (wire === 0) total++;
      else if (wire === 2) total += packedCount(this.data, start, end);
      else throw this.fail(field, 'is not a repeated integer');
      if (total > max) throw this.fail(field, `has more than ${max} values`);
    });
    const out = new Float64Array(total);
    let i = 0;
    this.each(field, max, (wire, start, end) => {
      for (let at = start; at < end; ) {
        const small = numberVarint(this.data, at);
        // Up to 7 bytes (< 2⁴⁹) the number is exact; longer ones (negatives, big values) go through BigInt.
        if (small >= 0 && varintEnd - at <= 7) {
          out[i++] = small;
          at = varintEnd;
        } else {
          const x = readVarint(this.data, at);
          if (x === undefined || x.next > end) throw new ModelFormatError(`${this.what} field ${field}: invalid packed varint`);
          out[i++] = this.safe(field, x.value);
          at = x.next;
        }
        if (wire === 0) break;
      }
    });
    return out;
  }

  /** A repeated float field, packed or not: its values counted against `maxCount` before any is decoded. */
  floats(field: number, maxCount: number): Float32Array {
    let total = 0;
    this.each(field, maxCount, (wire, start, end) => {
      if (wire === 5) total++;
      else if (wire === 2) {
        if ((end - start) % 4 !== 0) throw this.fail(field, `packed floats of ${end - start} bytes (not a multiple of 4)`);
        total += (end - start) / 4;
      } else throw this.fail(field, 'is not a repeated float');
      if (total > maxCount) throw this.fail(field, `has more than ${maxCount} values`);
    });
    const out = new Float32Array(total);
    let at = 0;
    this.each(field, maxCount, (_wire, start, end) => {
      const view = new DataView(this.data.buffer, this.data.byteOffset + start, end - start);
      for (let k = 0; k < end - start; k += 4) out[at++] = view.getFloat32(k, true);
    });
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
}

/** The varint at `at` (up to 10 bytes) and the offset after it, or undefined when truncated or too long. */
function readVarint(bytes: Uint8Array, at: number): { value: bigint; next: number } | undefined {
  // Most varints (keys, lengths, small ints) fit 28 bits: plain number arithmetic, no BigInt per byte.
  let small = 0;
  for (let i = 0; i < 4 && at + i < bytes.length; i++) {
    const b = bytes[at + i]!;
    small |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return { value: BigInt(small >>> 0), next: at + i + 1 };
  }
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= bytes.length) return undefined;
    const b = bytes[at + i]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: BigInt.asUintN(64, result), next: at + i + 1 };
    shift += 7n;
  }
  return undefined;
}

/** The offset after the varint numberVarint read last. */
let varintEnd = 0;

/**
 * The varint at `at` as a number (exact below 2⁵³; keys and lengths), its end in `varintEnd`;
 * -1 when truncated or longer than 10 bytes. No allocation: the parser's hot loop.
 */
function numberVarint(bytes: Uint8Array, at: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at + i >= bytes.length) return -1;
    const b = bytes[at + i]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      varintEnd = at + i + 1;
      return value;
    }
    scale *= 128;
  }
  return -1;
}

/** Values in a packed varint run: bytes without the continuation bit (checked again when decoded). */
function packedCount(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if ((bytes[i]! & 0x80) === 0) n++;
  return n;
}

/** Float32 values from little-endian bytes (copied, so unaligned offsets are fine). */
export function littleEndianFloats(b: Uint8Array): Float32Array {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const out = new Float32Array(Math.floor(b.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
