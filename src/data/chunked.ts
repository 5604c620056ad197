import type { DType } from '../core/matrix.js';

/**
 * Append-only columns stored in fixed-size chunks, so that a table read row by row from a
 * stream never copies what it already holds when it grows (peak memory ≈ data + one chunk).
 */
const CHUNK = 1 << 16;

abstract class Chunked<T extends Float64Array | Float32Array | Int32Array> {
  protected readonly chunks: T[] = [];
  protected fill = CHUNK;
  length = 0;

  protected abstract allocate(n: number): T;

  push(value: number): void {
    if (this.fill === CHUNK) {
      this.chunks.push(this.allocate(CHUNK));
      this.fill = 0;
    }
    this.chunks[this.chunks.length - 1]![this.fill++] = value;
    this.length++;
  }

  /** As forEach, releasing each chunk once visited; the column is empty afterwards. */
  drain(fn: (value: number, index: number) => void): void {
    let index = 0;
    const total = this.length;
    while (this.chunks.length > 0) {
      const chunk = this.chunks.shift()!;
      const n = Math.min(CHUNK, total - index);
      for (let k = 0; k < n; k++) fn(chunk[k]!, index++);
    }
    this.length = 0;
    this.fill = CHUNK;
  }

  get(i: number): number {
    return this.chunks[Math.floor(i / CHUNK)]![i % CHUNK]!;
  }

  /** Calls fn(value, index) in order without materialising the column. */
  forEach(fn: (value: number, index: number) => void): void {
    let index = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(CHUNK, this.length - index);
      for (let k = 0; k < n; k++) fn(chunk[k]!, index++);
    }
  }
}

export class ChunkedFloat64 extends Chunked<Float64Array> {
  protected allocate(n: number): Float64Array {
    return new Float64Array(n);
  }
}

export class ChunkedInt32 extends Chunked<Int32Array> {
  protected allocate(n: number): Int32Array {
    return new Int32Array(n);
  }

  toInt32Array(): Int32Array {
    const out = new Int32Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(CHUNK, this.length - offset);
      out.set(chunk.subarray(0, n), offset);
      offset += n;
    }
    return out;
  }
}

/**
 * The numeric input columns of a table being read, row-major in one buffer of `width` values a
 * row: when every column stays numeric the buffer becomes the table's x as it is, so a large file
 * is never held twice (RELIABILITY C5). Sized from a row-count hint (the CLI counts the file's
 * lines) and doubled when the hint falls short.
 */
export class RowBuffer {
  data: Float32Array | Float64Array;
  private capacity: number;
  width = 0;

  constructor(private readonly dtype: DType, capacityHint: number) {
    this.capacity = Math.max(16, Math.floor(capacityHint));
    this.data = new Float32Array(0);
  }

  /** Fixes the row width (the number of columns) and allocates the buffer. */
  open(width: number): void {
    this.width = width;
    this.data = this.allocate(this.capacity * width);
  }

  /** Column k of the buffer, to push its values row by row. */
  column(k: number): BufferColumn {
    return new BufferColumn(this, k);
  }

  /** Makes room for `rows` rows. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const next = this.allocate(Math.max(rows, this.capacity * 2) * this.width);
    next.set(this.data);
    this.data = next;
    this.capacity = next.length / this.width;
  }

  private allocate(n: number): Float32Array | Float64Array {
    return this.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  }
}

/** One column of a RowBuffer, with the push / get / forEach / drain of the chunked columns. */
export class BufferColumn {
  length = 0;

  constructor(private readonly rows: RowBuffer, private readonly k: number) {}

  push(value: number): void {
    this.rows.reserve(this.length + 1);
    this.rows.data[this.length * this.rows.width + this.k] = value;
    this.length++;
  }

  get(i: number): number {
    return this.rows.data[i * this.rows.width + this.k]!;
  }

  forEach(fn: (value: number, index: number) => void): void {
    const { data, width } = this.rows;
    for (let i = 0; i < this.length; i++) fn(data[i * width + this.k]!, i);
  }

  /** As forEach: the buffer is shared by the columns, so nothing is released. */
  drain(fn: (value: number, index: number) => void): void {
    this.forEach(fn);
  }
}
