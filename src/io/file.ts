import type * as FsModule from 'node:fs';
import type * as PathModule from 'node:path';
import { InputError, ModelFormatError } from '../core/errors.js';
import { nodeBuiltins } from '../core/nodeBuiltins.js';
import type { Sequential } from '../model/sequential.js';
import { DEFAULT_LIMITS } from './container.js';
import { modelFromBytes, modelToBytes, type LoadArgs, type LoadedModel, type ModelFileArgs } from './modelFile.js';

/**
 * The part of node:fs the writer uses (node:fs itself fits); tests pass a stand-in that fails on
 * purpose (RELIABILITY T7). Spelt out so the library's types need no @types/node.
 */
export interface WriterFs {
  /** As node:fs openSync. */
  openSync(path: string, flags: string, mode?: number): number;
  /** As node:fs writeSync. */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  /** As node:fs fsyncSync. */
  fsyncSync(fd: number): void;
  /** As node:fs closeSync. */
  closeSync(fd: number): void;
  /** As node:fs renameSync. */
  renameSync(oldPath: string, newPath: string): void;
  /** As node:fs unlinkSync. */
  unlinkSync(path: string): void;
}

/** Options of saveModel. */
export interface SaveArgs extends ModelFileArgs {
  /** File-system functions to use instead of node:fs (for fault-injection tests). */
  fs?: WriterFs;
  /** Called after the temporary file is written and synced, just before the rename (for crash tests). */
  beforeRename?: (tempPath: string) => void;
}

function node(): { fs: typeof FsModule; path: typeof PathModule } {
  return nodeBuiltins('saving and loading model files by path (elsewhere use modelToBytes/modelFromBytes)');
}

let counter = 0;

/**
 * Writes bytes to `path` atomically: a temporary file in the same folder, written in full,
 * fsynced, then renamed over the target (and the folder fsynced). A crash or a full disk at
 * any point leaves the previous file byte-for-byte as it was; on failure the temporary file is
 * removed and the error names the path (RELIABILITY T7).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, args: Pick<SaveArgs, 'fs' | 'beforeRename'> = {}): void {
  const { fs: realFs, path: paths } = node();
  const fs: WriterFs = args.fs ?? realFs;
  const dir = paths.dirname(paths.resolve(path));
  const temp = paths.join(dir, `.${paths.basename(path)}.${process.pid}.${Date.now().toString(36)}${(counter++).toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', 0o644);
    const chunk = 1 << 20;
    for (let at = 0; at < bytes.length; ) {
      const written = fs.writeSync(fd, bytes, at, Math.min(chunk, bytes.length - at));
      if (!(written > 0)) throw new Error(`write returned ${written}`);
      at += written;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    args.beforeRename?.(temp);
    fs.renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      fs.unlinkSync(temp);
    } catch {
      // the temporary file may never have been created
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw new InputError(`could not save ${JSON.stringify(path)}: ${reason}; any previous file there is unchanged`);
  }
  syncDirectory(realFs, dir);
}

/** Makes the rename durable; some platforms cannot open a folder, which is fine to skip. */
function syncDirectory(fs: typeof FsModule, dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported here (e.g. Windows); the rename itself is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Saves a model (with optional preprocessing, training state, metadata) to a native model file, atomically. */
export function saveModel(model: Sequential, path: string, args: SaveArgs = {}): void {
  const { fs, beforeRename, ...fileArgs } = args;
  const bytes = modelToBytes(model, fileArgs);
  writeFileAtomic(path, bytes, { ...(fs ? { fs } : {}), ...(beforeRename ? { beforeRename } : {}) });
}

/**
 * Loads a native model file. The size is checked against the limit before the file is read, and
 * everything in it before the model is built (see modelFromBytes). A missing file is an InputError.
 */
export function loadModel(path: string, args: LoadArgs = {}): LoadedModel {
  const { fs } = node();
  const maxBytes = args.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  let size: number;
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) throw new InputError(`${JSON.stringify(path)} is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as { code?: string }).code;
    throw new InputError(code === 'ENOENT' ? `model file ${JSON.stringify(path)} does not exist` : `cannot read model file ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  if (size > maxBytes) throw new ModelFormatError(`model file ${JSON.stringify(path)} is ${size} bytes, over the limit of ${maxBytes}`);
  const buffer = fs.readFileSync(path);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  try {
    return modelFromBytes(bytes, args);
  } catch (e) {
    if (e instanceof Error) e.message = `${path}: ${e.message}`;
    throw e;
  }
}
