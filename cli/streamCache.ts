import { closeSync, existsSync, ftruncateSync, openSync, readSync, readdirSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '../src/index.js';

/**
 * The encoded training rows of a streamed run in a binary temp file: the first training epoch
 * parses the CSV and writes each block it trains on (x then y, float32, in file order, before the
 * shuffle buffer); later epochs read these blocks instead of parsing the text again. The batches
 * are the same either way (the shuffle buffer draws per row, whatever the blocks). The file is
 * deleted when the run ends, on Ctrl-C, and at process exit; a file left by a process that was
 * killed (SIGKILL) is removed by the next streamed run. Disk: rows × (inputs + outputs) × 4 bytes.
 */

const PREFIX = 'backprop-stream-';

/** Bytes the cache of `rows` rows of `xCols` inputs and `yCols` targets takes. */
export function cacheBytes(rows: number, xCols: number, yCols: number): number {
  return rows * (xCols + yCols) * 4;
}

/** Free bytes for an unprivileged user in `dir`, undefined when the platform cannot say. */
function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** Removes caches of processes that no longer run (killed before they could delete theirs). */
function removeOrphans(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(PREFIX) && n.endsWith('.f32'));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Another run removed it first.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The decision on a cache, said in one line by the caller. */
export type CacheChoice =
  | { readonly use: true; readonly cache: RowCache; readonly bytes: number }
  | { readonly use: false; readonly why: string; readonly bytes: number };

/** A cache for this run when the disk has room for it (with 10 % to spare), else why not. */
export function openRowCache(rows: number, xCols: number, yCols: number, dir = tmpdir()): CacheChoice {
  const bytes = cacheBytes(rows, xCols, yCols);
  removeOrphans(dir);
  const free = freeBytes(dir);
  if (free !== undefined && free < bytes * 1.1) return { use: false, why: `${dir} has ${(free / 1e6).toFixed(0)} MB free, the cache needs ${(bytes / 1e6).toFixed(1)} MB`, bytes };
  return { use: true, cache: new RowCache(join(dir, `${PREFIX}${process.pid}-${Date.now().toString(36)}.f32`)), bytes };
}

/** One run's cache file: written during a full pass, then read block by block. */
export class RowCache {
  private fd: number | undefined;
  private readonly blocks: number[] = [];
  private bytesWritten = 0;
  /** Whether a whole pass was written (an interrupted or abandoned pass leaves it unusable). */
  complete = false;
  private readonly cleanup = () => this.close();
  private xCols = 0;
  private yCols = 0;

  constructor(readonly path: string) {
    process.on('exit', this.cleanup);
  }

  /** Passes the blocks of a full pass through, writing each; the cache is complete when the pass ends. */
  async *record(source: AsyncIterable<{ x: Matrix; y: Matrix }>): AsyncGenerator<{ x: Matrix; y: Matrix }, void, undefined> {
    this.fd ??= openSync(this.path, 'w+', 0o600);
    ftruncateSync(this.fd, 0);
    this.blocks.length = 0;
    this.bytesWritten = 0;
    this.complete = false;
    for await (const block of source) {
      this.xCols = block.x.cols;
      this.yCols = block.y.cols;
      this.write(block.x);
      this.write(block.y);
      this.blocks.push(block.x.rows);
      yield block;
    }
    this.complete = true;
  }

  private write(m: Matrix): void {
    const data = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, m.rows * m.cols * 4);
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd!, bytes, at, bytes.length - at, this.bytesWritten + at);
    this.bytesWritten += bytes.length;
  }

  /** The blocks written, read back into one reused pair of matrices (each valid until the next); `onBytes` gets the share read, 0..1. */
  *read(onShare?: (share: number) => void): Generator<{ x: Matrix; y: Matrix }, void, undefined> {
    const most = Math.max(0, ...this.blocks);
    const x = new Float32Array(most * this.xCols);
    const y = new Float32Array(most * this.yCols);
    let offset = 0;
    for (const rows of this.blocks) {
      offset += this.readInto(x, rows * this.xCols, offset);
      offset += this.readInto(y, rows * this.yCols, offset);
      onShare?.(offset / this.bytesWritten);
      yield { x: new Matrix(rows, this.xCols, x.subarray(0, rows * this.xCols)), y: new Matrix(rows, this.yCols, y.subarray(0, rows * this.yCols)) };
    }
  }

  private readInto(into: Float32Array, values: number, position: number): number {
    const bytes = new Uint8Array(into.buffer, 0, values * 4);
    for (let at = 0; at < bytes.length;) {
      const n = readSync(this.fd!, bytes, at, bytes.length - at, position + at);
      if (n === 0) throw new Error(`the stream cache ${this.path} ended early (at byte ${position + at} of ${this.bytesWritten})`);
      at += n;
    }
    return bytes.length;
  }

  /** Closes and deletes the file (idempotent). */
  close(): void {
    process.off('exit', this.cleanup);
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    if (existsSync(this.path)) unlinkSync(this.path);
    this.complete = false;
  }
}
