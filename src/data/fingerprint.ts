/**
 * A fingerprint of the rows a model was trained on, small enough for the model file's metadata,
 * so that `evaluate` can say when the file it scores holds training rows (its scores would then
 * be optimistic). Each row (its encoded inputs as float32, missing as NaN, and its target) hashes
 * to a 53-bit integer; the fingerprint keeps the FINGERPRINT_SIZE smallest distinct hashes (a
 * bottom-k sketch): every row of a training set up to that size, else a uniform sample of them,
 * from which the share of a file's rows seen in training is estimated without bias.
 */
import { InputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { TableTarget } from './targetReader.js';

/** Hashes kept: 8,192 × 8 bytes, about 87 KB of base64 in the model file, whatever the training set's size. */
export const FINGERPRINT_SIZE = 8192;

/** The training rows' fingerprint as plain JSON (saved in the model file's metadata). */
export interface RowsFingerprint {
  /** Training rows fingerprinted. */
  readonly rows: number;
  /** The largest kept hash when the kept hashes are a sample (more distinct rows than FINGERPRINT_SIZE); null when every row is kept. */
  readonly threshold: number | null;
  /** The kept hashes, ascending, as little-endian float64 in base64. */
  readonly hashes: string;
}

/** How many rows of a table were seen in training: exact when every training row was kept, else estimated. */
export interface RowsSeen {
  readonly rows: number;
  /** Rows (estimated when not exact) that are training rows. */
  readonly seen: number;
  readonly exact: boolean;
}

/** Rows of x (and y) as a table holds them: the encoded inputs, NaN where missing, and the target. */
export interface HashableRows {
  readonly x: Matrix;
  readonly y?: TableTarget | undefined;
}

const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);

/** A 53-bit hash per row of the inputs (as float32) and the target; equal rows of two tables read with one schema hash alike. */
export function rowHashes(table: HashableRows): Float64Array {
  const { x, y } = table;
  const out = new Float64Array(x.rows);
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    let h1 = 0x9747b28c;
    let h2 = 0x2545f491;
    const mix = (v: number) => {
      f32[0] = v;
      const k = bits[0]!;
      h1 = Math.imul(h1 ^ k, 0x85ebca6b);
      h1 = (h1 << 13) | (h1 >>> 19);
      h2 = Math.imul(h2 ^ k, 0xc2b2ae35);
      h2 = (h2 << 17) | (h2 >>> 15);
      h2 = (h2 + h1) | 0;
    };
    for (let j = 0; j < d; j++) mix(x.data[i * d + j]!);
    if (y?.kind === 'classes') mix(y.codes[i]!);
    else if (y?.kind === 'numeric') for (let j = 0; j < y.values.cols; j++) mix(y.values.data[i * y.values.cols + j]!);
    out[i] = (fmix(h1) >>> 0) * 2 ** 21 + (fmix(h2 ^ h1) >>> 11);
  }
  return out;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The fingerprint of the rows `rows` (e.g. the training split) of hashes made by rowHashes. */
export function rowsFingerprint(hashes: Float64Array, rows?: ArrayLike<number>): RowsFingerprint {
  const builder = new FingerprintBuilder();
  builder.add(hashes, rows);
  return builder.finish();
}

/**
 * A fingerprint built a block at a time (a streamed file's training rows): the smallest distinct
 * hashes of the union are the smallest of each block's smallest, so it keeps FINGERPRINT_SIZE of
 * them and the block in hand, and gives what rowsFingerprint gives over all the rows at once.
 */
export class FingerprintBuilder {
  private kept = new Float64Array(0);
  private pending: number[] = [];
  private rows = 0;
  /** More distinct hashes were seen than kept. */
  private sampled = false;

  /** Adds rows `rows` (default: all) of hashes made by rowHashes. */
  add(hashes: Float64Array, rows?: ArrayLike<number>): void {
    const n = rows === undefined ? hashes.length : rows.length;
    for (let i = 0; i < n; i++) this.pending.push(hashes[rows === undefined ? i : rows[i]!]!);
    this.rows += n;
    if (this.pending.length >= 4 * FINGERPRINT_SIZE) this.compact();
  }

  /** The fingerprint of every row added so far. */
  finish(): RowsFingerprint {
    this.compact();
    const kept = this.kept;
    return { rows: this.rows, threshold: this.sampled ? kept[kept.length - 1]! : null, hashes: toBase64(kept) };
  }

  private compact(): void {
    const all = new Float64Array(this.kept.length + this.pending.length);
    all.set(this.kept);
    all.set(this.pending, this.kept.length);
    this.pending = [];
    all.sort();
    let distinct = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[distinct++] = all[i]!;
    if (distinct > FINGERPRINT_SIZE) this.sampled = true;
    this.kept = all.slice(0, Math.min(distinct, FINGERPRINT_SIZE));
  }
}

/** How many rows of `hashes` (a table's rowHashes) are among the fingerprinted training rows. */
export function rowsSeen(fingerprint: RowsFingerprint, hashes: Float64Array): RowsSeen {
  const kept = fromBase64(fingerprint.hashes);
  const limit = fingerprint.threshold ?? Infinity;
  let sampled = 0;
  let found = 0;
  for (const h of hashes) {
    if (h > limit) continue;
    sampled++;
    if (contains(kept, h)) found++;
  }
  if (fingerprint.threshold === null) return { rows: hashes.length, seen: found, exact: true };
  return { rows: hashes.length, seen: sampled === 0 ? 0 : Math.round((found / sampled) * hashes.length), exact: false };
}

/** Reads a fingerprint from JSON (a model file's metadata), or undefined when it is not one. */
export function fingerprintFromJson(v: unknown): RowsFingerprint | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.rows !== 'number' || typeof o.hashes !== 'string' || !(o.threshold === null || typeof o.threshold === 'number')) return undefined;
  if (o.hashes.length > Math.ceil((FINGERPRINT_SIZE * 8) / 3) * 4) return undefined;
  return { rows: o.rows, threshold: o.threshold, hashes: o.hashes };
}

function contains(sorted: Float64Array, h: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === h) return true;
    if (v < h) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function toBase64(values: Float64Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Float64Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new InputError('training rows fingerprint: not base64');
  }
  if (binary.length % 8 !== 0) throw new InputError('training rows fingerprint: not a whole number of hashes');
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}
