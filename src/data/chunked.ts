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

/** Float32 storage, for a table read as float32 (half the memory of float64). */
export class ChunkedFloat32 extends Chunked<Float32Array> {
  protected allocate(n: number): Float32Array {
    return new Float32Array(n);
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
