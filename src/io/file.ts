import type * as FsModule from 'node:fs';
import type * as PathModule from 'node:path';
import { InputError, ModelFormatError, UnsafePathError } from '../core/errors.js';
import { nodeBuiltins } from '../core/nodeBuiltins.js';
import type { Sequential } from '../model/sequential.js';
import { DEFAULT_LIMITS } from './container.js';
import { METADATA_JSON_LIMITS, TFJS_CAPS } from './caps.js';
import { modelFromBytes, modelToBytes, type LoadArgs, type ModelFileArgs } from './modelFile.js';
import { modelToOnnx } from './onnx/export.js';
import { modelFromOnnx } from './onnx/import.js';
import { modelToTfjs, TFJS_PREPROCESSING_FILE, TFJS_WEIGHTS_FILE } from './tfjs/export.js';
import { LoadedModel } from './loadedModel.js';
import { Reader, parseUntrustedJson, type Json } from './json.js';
import { validatePreprocessing } from './preprocessing.js';
import { modelFromTfjs, parseTfjsJson, tfjsWeightPaths } from './tfjs/import.js';

/** The formats a path can name: ONNX (`*.onnx`), TensorFlow.js Layers (`…/model.json`), or backprop's own. */
export type ModelFormat = 'native' | 'onnx' | 'tfjs';

/** The format a path names: `*.onnx`, `*.json` (a tfjs model.json), anything else native. */
export function formatOfPath(path: string): ModelFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.onnx')) return 'onnx';
  if (lower.endsWith('.json')) return 'tfjs';
  return 'native';
}

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
  /** ONNX and TF.js: only the bare network, its inputs the pipeline's output (nothing folded, no pipeline in the graph or beside it). */
  networkOnly?: boolean;
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
  removeStaleTemps(realFs, dir, paths.basename(path));
}

/**
 * Removes the temporary files that earlier saves to the same path left when their process was
 * killed (kill -9 between write and rename, RELIABILITY R8, R20): those whose writer's pid is no
 * longer running. A temp of a live process (a save in progress elsewhere) is left alone. Run after
 * every successful save and every successful load of a native file (a checkpoint resumed from).
 */
function removeStaleTemps(fs: typeof FsModule, dir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${base}.`;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-z]+\.tmp$/.exec(name.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processIsAlive(pid)) continue;
    try {
      fs.unlinkSync(`${dir}/${name}`);
    } catch {
      // removed by someone else meanwhile, or not ours to remove: the save itself succeeded
    }
  }
}

/** Whether process `pid` exists on this machine (one of another user's counts). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as { code?: string }).code === 'EPERM';
  }
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

/**
 * Saves a model, atomically, in the format its path names: `*.onnx` (ONNX, preprocessing
 * folded in), `…/model.json` (TensorFlow.js Layers; the folder is created and the weights file
 * written beside it first), anything else backprop's own file (with training state and metadata).
 */
export function saveModel(model: Sequential, path: string, args: SaveArgs = {}): void {
  const { fs, beforeRename, networkOnly: _networkOnly, ...fileArgs } = args;
  const writer = { ...(fs ? { fs } : {}), ...(beforeRename ? { beforeRename } : {}) };
  const format = formatOfPath(path);
  const exportArgs = { ...(fileArgs.preprocessing !== undefined ? { preprocessing: fileArgs.preprocessing } : {}), ...(args.networkOnly ? { networkOnly: true } : {}) };
  if (format === 'onnx') return writeFileAtomic(path, modelToOnnx(model, exportArgs), writer);
  if (format === 'tfjs') {
    const { fs: realFs, path: paths } = node();
    const artifacts = modelToTfjs(model, exportArgs);
    const dir = paths.dirname(paths.resolve(path));
    try {
      realFs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new InputError(`could not create the folder ${JSON.stringify(dir)} for ${JSON.stringify(path)}: ${(e as Error).message}`);
    }
    // Weights and pipeline first: a model.json never names a file that is not there yet.
    writeFileAtomic(paths.join(dir, TFJS_WEIGHTS_FILE), artifacts.weightData, writer);
    if (artifacts.preprocessing !== undefined) writeFileAtomic(paths.join(dir, TFJS_PREPROCESSING_FILE), new TextEncoder().encode(JSON.stringify(artifacts.preprocessing)), writer);
    return writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(artifacts.modelJson)), writer);
  }
  writeFileAtomic(path, modelToBytes(model, fileArgs), writer);
}

/** Reads a whole file after checking its size against the limit (nothing is allocated for an oversized file). */
function readChecked(path: string, maxBytes: number, what: string): Uint8Array {
  const { fs } = node();
  let size: number;
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) throw new InputError(`${JSON.stringify(path)} is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as { code?: string }).code;
    throw new InputError(code === 'ENOENT' ? `${what} ${JSON.stringify(path)} does not exist` : `cannot read ${what} ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
  if (size > maxBytes) throw new ModelFormatError(`${what} ${JSON.stringify(path)} is ${size} bytes, over the limit of ${maxBytes}`);
  const buffer = fs.readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function loadForeign(path: string, format: 'onnx' | 'tfjs', args: LoadArgs): LoadedModel {
  const maxBytes = args.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const limits = { maxElements: args.limits?.maxElements ?? DEFAULT_LIMITS.maxElements };
  if (format === 'onnx') return modelFromOnnx(readChecked(path, maxBytes, 'ONNX model'), { ...limits, maxBytes, ...(args.maxLayers ? { maxNodes: args.maxLayers * 4 } : {}) });
  const { path: paths } = node();
  const json = parseTfjsJson(new TextDecoder().decode(readChecked(path, Math.min(maxBytes, DEFAULT_LIMITS.maxHeaderBytes), 'model.json')));
  const dir = paths.dirname(path);
  let budget = maxBytes;
  const parts = tfjsWeightPaths(json).map((p) => {
    const bytes = readChecked(confined(dir, p, 'weights file'), budget, 'weights file');
    budget -= bytes.length;
    return bytes;
  });
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  const pipelineFile = tfjsPipelineFile(json);
  // The network takes the pipeline's output: without the pipeline beside it, it must not load.
  const pipeline = pipelineFile === undefined ? undefined
    : parseUntrustedJson(new TextDecoder().decode(readChecked(confined(dir, pipelineFile, 'preprocessing file'), TFJS_CAPS.maxPipelineBytes, 'preprocessing file')), pipelineFile, METADATA_JSON_LIMITS);
  const loaded = modelFromTfjs(json, data, { ...limits, ...(args.maxLayers ? { maxLayers: args.maxLayers } : {}), ...(pipeline !== undefined ? { pipeline } : {}) });
  if (pipelineFile === undefined) return loaded;
  const pre = validatePreprocessing(new Reader(pipelineFile), pipeline, loaded.network.inputUnits, loaded.network.outputUnits);
  return new LoadedModel(loaded.network, pre, undefined, loaded.metadata, loaded.formatVersion);
}

/**
 * The path of a file model.json names, resolved (symlinks followed) and confined to model.json's
 * folder (R21): a weights file that is a symlink to /etc/passwd, or a path out of the folder, is
 * refused naming it before a byte is read. A missing file is left for the reader to report.
 */
function confined(dir: string, name: string, what: string): string {
  const { fs, path: paths } = node();
  const joined = paths.join(dir, name);
  let real: string;
  let root: string;
  try {
    root = fs.realpathSync(dir);
    real = fs.realpathSync(joined);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return joined;
    throw new InputError(`cannot read ${what} ${JSON.stringify(joined)}: ${(e as Error).message}`);
  }
  const relative = paths.relative(root, real);
  if (relative === '' || relative.startsWith('..') || paths.isAbsolute(relative)) {
    throw new UnsafePathError(`${what} ${JSON.stringify(name)} resolves to ${JSON.stringify(real)}, outside the model's folder ${JSON.stringify(root)}; a model's files must be inside its folder (a symlink out is refused)`, name, real);
  }
  return joined;
}

/** The preprocessing file a TF.js model.json names (userDefinedMetadata.preprocessingFile), if any. */
function tfjsPipelineFile(json: Json): string | undefined {
  const meta = json !== null && typeof json === 'object' && !Array.isArray(json) ? json.userDefinedMetadata : undefined;
  const name = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta.preprocessingFile : undefined;
  if (name === undefined) return undefined;
  if (name !== TFJS_PREPROCESSING_FILE) throw new ModelFormatError(`model.json: userDefinedMetadata.preprocessingFile must be ${JSON.stringify(TFJS_PREPROCESSING_FILE)}`);
  return name;
}

/**
 * Loads a model in the format its path names (see saveModel): ONNX, TensorFlow.js model.json
 * (weights read from beside it) or a native file. Sizes are checked against the limits before
 * a file is read, and everything in it before the model is built. A missing file is an InputError.
 */
export function loadModel(path: string, args: LoadArgs = {}): LoadedModel {
  const format = formatOfPath(path);
  if (format !== 'native') {
    try {
      return loadForeign(path, format, args);
    } catch (e) {
      if (e instanceof Error && !(e instanceof InputError)) e.message = `${path}: ${e.message}`;
      throw e;
    }
  }
  const bytes = readChecked(path, args.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes, 'model file');
  let loaded: LoadedModel;
  try {
    loaded = modelFromBytes(bytes, args);
  } catch (e) {
    if (e instanceof Error) e.message = `${path}: ${e.message}`;
    throw e;
  }
  // A checkpoint whose writer was killed mid-save (kill -9) left a temp beside it; the run that
  // resumes from it may never save to that path again, so reading it cleans up too (R20).
  const { fs, path: paths } = node();
  removeStaleTemps(fs, paths.dirname(paths.resolve(path)), paths.basename(path));
  return loaded;
}
