import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync, type ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import { InputError } from '../src/index.js';

/*
 * A data file's text, read through gunzip when the file is gzip-compressed (its first two bytes
 * say so, whatever its name), as pandas' read_csv does with compression='infer': `data.csv.gz`
 * trains, cross-validates, searches, evaluates and predicts as `data.csv` would. Lines in
 * messages are the text's lines; progress counts the compressed bytes read.
 */

/** Whether bytes from a file's start begin gzip's magic number. */
function gzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether the file at `path` is gzip-compressed. */
export function isGzipped(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(2);
    return gzipMagic(head.subarray(0, readSync(fd, head, 0, 2, 0)));
  } finally {
    closeSync(fd);
  }
}

/** The file's text as bytes, whole: decompressed when gzip-compressed (the sync readers' small files). */
export function readTextBytes(path: string): Buffer {
  const bytes = readFileSync(path);
  if (!gzipMagic(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw gzipError(e, path);
  }
}

/** About the first `bytes` bytes of the file's text (fewer when the text is shorter): for sniffing the delimiter. */
export function textHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    // gzip never makes text much larger, so 4× as many compressed bytes hold `bytes` of text with room to spare.
    const buf = Buffer.alloc(4 * bytes);
    const head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
    if (!gzipMagic(head)) return head.subarray(0, bytes);
    try {
      return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, bytes);
    } catch (e) {
      throw gzipError(e, path);
    }
  } finally {
    closeSync(fd);
  }
}

/** A stream of the file's text, and the file's own stream (whose bytesRead is the progress through the file). */
export function textStream(path: string, highWaterMark: number): { text: Readable; file: ReadStream } {
  const file = createReadStream(path, { highWaterMark });
  if (!isGzipped(path)) return { text: file, file };
  const gunzip = createGunzip({ chunkSize: highWaterMark });
  file.on('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  return { text: gunzip, file };
}

/** A zlib failure (corrupt or cut-short data) as an InputError naming the file; anything else as it was. */
export function gzipError(e: unknown, path: string): unknown {
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : '';
  if (!code.startsWith('Z_')) return e;
  const why = code === 'Z_BUF_ERROR' ? 'it ends before its compressed data does (cut short?)' : `its compressed data is corrupt (${(e as Error).message})`;
  return new InputError(`cannot read ${path}: the file is gzip-compressed and ${why}`);
}

/** Line breaks in the file's text, plus one, read as a stream (a gzip file's text is not held whole). */
export async function countTextLines(path: string): Promise<number> {
  const { text, file } = textStream(path, 1 << 20);
  let lines = 1;
  try {
    for await (const chunk of text) {
      const b = chunk as Buffer;
      for (let at = b.indexOf(0x0a); at >= 0; at = b.indexOf(0x0a, at + 1)) lines++;
    }
  } catch (e) {
    throw gzipError(e, path);
  } finally {
    file.destroy();
  }
  return lines;
}

/**
 * Bytes of the file's text, for the choice to stream it: the file's size, or for a gzip file
 * the larger of that and the uncompressed size its trailer records (modulo 2³²: a text of more
 * than 4 GiB compressed to under 256 MB may be underestimated).
 */
export function textSize(path: string): number {
  const size = statSync(path).size;
  if (size < 18 || !isGzipped(path)) return size;
  const fd = openSync(path, 'r');
  try {
    const trailer = Buffer.alloc(4);
    readSync(fd, trailer, 0, 4, size - 4);
    return Math.max(size, trailer.readUInt32LE(0));
  } finally {
    closeSync(fd);
  }
}
