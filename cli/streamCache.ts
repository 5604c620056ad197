import { closeSync, existsSync, openSync, readSync, readdirSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIsAlive } from '../src/io/file.js';
import { Matrix, pipelineInputs, pipelineTargets, type OutputPlan, type Preprocessing, type Table, type TableTarget } from '../src/index.js';

/**
 * The training rows of a streamed run in a binary temp file: pass 1 writes each training row as it
 * reads it (inputs as read, NaN where missing, one 0/1 flag per categorical column for a missing
 * category, then the target, float32), and every epoch reads these rows instead of parsing the
 * CSV again, through the fitted pipeline. The batches are the same bit for bit (the same rows in
 * the same order through the same pipeline; the shuffle buffer draws per row, whatever the blocks).
 * The file is deleted when the run ends, on Ctrl-C, and at process exit; one left by a process that
 * was killed (SIGKILL) is removed by the next streamed run. Disk: rows × width × 4 bytes.
 */

const PREFIX = 'backprop-stream-';

/** Float32 values a training row takes: its inputs as read, a flag per categorical column, its targets (a class code, or the values). */
export function rowWidth(first: Table): number {
  const flags = first.schema.inputs.filter((c) => c.kind === 'categorical').length;
  return first.x.cols + flags + (first.y?.kind === 'numeric' ? first.y.values.cols : 1);
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
    if (!Number.isInteger(pid) || pid === process.pid || processIsAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Another run removed it first.
    }
  }
}


/** The decision on a cache, said in one line by the caller. */
export type CacheChoice =
  | { readonly use: true; readonly cache: RowCache; readonly bytes: number }
  | { readonly use: false; readonly why: string; readonly bytes: number };

/** A cache for about `rows` training rows like those of `first` when the disk has room for it (with 10 % to spare), else why not. */
export function openRowCache(first: Table, rows: number, dir = tmpdir()): CacheChoice {
  const bytes = rows * rowWidth(first) * 4;
  removeOrphans(dir);
  const free = freeBytes(dir);
  if (free !== undefined && free < bytes * 1.1) return { use: false, why: `${dir} has ${(free / 1e6).toFixed(0)} MB free, the cache needs about ${(bytes / 1e6).toFixed(1)} MB`, bytes };
  return { use: true, cache: new RowCache(join(dir, `${PREFIX}${process.pid}-${Date.now().toString(36)}.f32`), first), bytes };
}

/** One run's cache file: written by pass 1, then read by every epoch. */
export class RowCache {
  private fd: number | undefined;
  private readonly width: number;
  private readonly categorical: string[];
  /** Training rows written. */
  rows = 0;
  /** Whether pass 1 wrote every training row (an interrupted pass leaves it unusable). */
  complete = false;
  private readonly cleanup = () => this.close();

  constructor(readonly path: string, private readonly template: Table) {
    this.width = rowWidth(template);
    this.categorical = template.schema.inputs.filter((c) => c.kind === 'categorical').map((c) => c.name);
    process.on('exit', this.cleanup);
  }

  /** Bytes written. */
  get bytes(): number {
    return this.rows * this.width * 4;
  }

  /** Why writing failed (the disk filled up, say): the file is then deleted and the run parses the CSV each epoch. */
  failed: string | undefined;

  /** Appends rows `rows` of table `t` (read with the template's schema); a failure is kept in `failed`, not thrown. */
  write(t: Table, rows: readonly number[]): void {
    if (rows.length === 0 || this.failed !== undefined) return;
    try {
      this.append(t, rows);
    } catch (e) {
      this.failed = `writing ${this.path} failed: ${e instanceof Error ? e.message : String(e)}`;
      this.close();
    }
  }

  private append(t: Table, rows: readonly number[]): void {
    this.fd ??= openSync(this.path, 'w+', 0o600);
    const d0 = t.x.cols;
    const w = this.width;
    const out = new Float32Array(rows.length * w);
    const masks = this.categorical.map((name) => {
      const mask = new Uint8Array(t.rows);
      for (const r of t.categoricalMissing.get(name) ?? []) mask[r] = 1;
      return mask;
    });
    const y = t.y!;
    rows.forEach((r, i) => {
      const at = i * w;
      for (let j = 0; j < d0; j++) out[at + j] = t.x.data[r * d0 + j]!;
      for (let k = 0; k < masks.length; k++) out[at + d0 + k] = masks[k]![r]!;
      if (y.kind === 'classes') out[at + d0 + masks.length] = y.codes[r]!;
      else for (let k = 0; k < y.values.cols; k++) out[at + d0 + masks.length + k] = y.values.data[r * y.values.cols + k]!;
    });
    const bytes = new Uint8Array(out.buffer);
    const position = this.bytes;
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at, bytes.length - at, position + at);
    this.rows += rows.length;
  }

  /**
   * The rows in blocks of `blockRows`, through the pipeline as model-ready { x, y } (as encodedBlocks
   * makes them from the CSV); `onShare` gets the share read, 0..1.
   */
  *read(blockRows: number, pre: Preprocessing, plan: OutputPlan, onShare?: (share: number) => void): Generator<{ x: Matrix; y: Matrix }, void, undefined> {
    const w = this.width;
    const d0 = this.template.x.cols;
    const flags = this.categorical.length;
    const buffer = new Float32Array(Math.min(blockRows, Math.max(1, this.rows)) * w);
    const bytes = new Uint8Array(buffer.buffer);
    for (let start = 0; start < this.rows; start += blockRows) {
      const n = Math.min(blockRows, this.rows - start);
      const length = n * w * 4;
      for (let at = 0; at < length;) {
        const got = readSync(this.fd!, bytes, at, length - at, start * w * 4 + at);
        if (got === 0) throw new Error(`the stream cache ${this.path} ended early (row ${start} of ${this.rows}): another process changed it`);
        at += got;
      }
      const x = Matrix.zeros(n, d0, 'float32');
      for (let i = 0; i < n; i++) x.data.set(buffer.subarray(i * w, i * w + d0), i * d0);
      const categoricalMissing = new Map(this.categorical.map((name, k) => {
        const missing: number[] = [];
        for (let i = 0; i < n; i++) if (buffer[i * w + d0 + k] === 1) missing.push(i);
        return [name, Int32Array.from(missing)] as const;
      }));
      const t = this.template.y!;
      const k = w - d0 - flags;
      const y: TableTarget = t.kind === 'classes'
        ? { ...t, codes: Int32Array.from({ length: n }, (_, i) => buffer[i * w + d0 + flags]!) }
        : { ...t, values: new Matrix(n, k, Float32Array.from({ length: n * k }, (_, j) => buffer[Math.floor(j / k) * w + d0 + flags + (j % k)]!)) };
      const table: Table = { ...this.template, rows: n, x, y, categoricalMissing, carried: new Map() };
      onShare?.((start + n) / this.rows);
      yield { x: pipelineInputs(pre, table), y: pipelineTargets(pre, table, undefined, plan) };
    }
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
