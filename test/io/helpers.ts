import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32 } from '../../src/io/crc32.js';
import { Rng } from '../../src/core/rng.js';
import { sequential, layers, datasets, ModelFormatError, UnsupportedError, type Sequential, type OptimizerName, type ActivationSpec, type BatchNormalizationArgs } from '../../src/index.js';

/** Splits a model file into its header object and data bytes (no checks). */
export function split(bytes: Uint8Array): { version: number; header: Record<string, unknown>; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + h))) as Record<string, unknown>;
  return { version: view.getUint32(8, true), header, data: bytes.slice(20 + h) };
}

/** Builds a file from a header (any JSON text) and data, with a correct checksum: a forged file. */
export function forge(header: unknown, data: Uint8Array, version = 1, headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(20 + json.length + data.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('BACKPROP'), 0);
  view.setUint32(8, version, true);
  view.setUint32(12, json.length, true);
  out.set(json, 20);
  out.set(data, 20 + json.length);
  view.setUint32(16, crc32(out, crc32(out, 0, 0, 16), 20, out.length), true);
  return out;
}

/** A small trained classifier with dropout and batch norm, compiled with the given optimiser. */
export async function smallModel(optimizer: OptimizerName = 'adam', epochs = 2): Promise<Sequential> {
  const model = sequential([
    layers.dense({ units: 6, inputShape: [2], activation: 'tanh' }),
    layers.dropout({ rate: 0.25 }),
    layers.batchNormalization(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 5 });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const d = datasets.blobs({ n: 60, seed: 1 });
  await model.fit(d.x, d.y, { epochs, batchSize: 16, verbose: 0 });
  return model;
}

/** The bytes of a typed array, for bit-exact comparison (NaN payloads included). */
export function bitsOf(a: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * CPU milliseconds this process spent since `from` (process.cpuUsage()): what a loader case
 * costs, not the wall time a machine shared by many processes kept it waiting.
 */
export function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** `n` rows of `cols` seeded normal draws times `scale`. */
export function rows(n: number, cols: number, seed: number, scale = 1.5): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: cols }, () => scale * rng.normal()));
}

/** The largest |a − b| over two tables of the same shape (the shapes are asserted). */
export function maxDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  a.forEach((r, i) => {
    assert.equal(r.length, b[i]!.length);
    r.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!))));
  });
  return m;
}

/** How a test names an activation: its name, with alpha when it has one. */
export function activationLabel(act: ActivationSpec): string {
  return typeof act === 'string' ? act : `${act.name}(${act.alpha})`;
}

/**
 * A trained-looking model for an export format to carry: `activation` on a Dense and on an
 * Activation layer, batch norm with non-trivial statistics, dropout, then `units` outputs.
 */
export async function exportMlp(activation: ActivationSpec, out: ActivationSpec, units: number, seed: number, batchNorm: BatchNormalizationArgs): Promise<Sequential> {
  const model = sequential([
    layers.dense({ units: 6, inputShape: [4], activation }),
    layers.batchNormalization(batchNorm),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 5 }),
    layers.activation({ activation }),
    layers.dense({ units, activation: out }),
  ], { seed });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  await model.fit(rows(32, 4, seed + 1), rows(32, units, seed + 2, 0.5), { epochs: 2, batchSize: 8, verbose: 0 });
  return model;
}

/** Each loss with the output activation it pairs with, the output width and eight targets. */
export const LOSS_PAIRINGS = [
  ['binaryCrossentropy', 'sigmoid', 1, [0, 1, 1, 0, 1, 0, 0, 1]],
  ['categoricalCrossentropy', 'softmax', 3, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]],
  ['sparseCategoricalCrossentropy', 'softmax', 3, [0, 1, 2, 0, 1, 2, 0, 1]],
  ['mse', 'linear', 2, rows(8, 2, 3)],
] as const;

/** A small model trained with one of LOSS_PAIRINGS, and ten rows to compare predictions on. */
export async function pairedModel([loss, out, units, y]: (typeof LOSS_PAIRINGS)[number]): Promise<{ model: Sequential; x: number[][] }> {
  const model = sequential([layers.dense({ units: 5, inputShape: [4], activation: 'tanh' }), layers.dense({ units, activation: out })], { seed: 2 });
  model.compile({ optimizer: 'adam', loss });
  await model.fit(rows(8, 4, 1), y as never, { epochs: 20, batchSize: 4, verbose: 0 });
  return { model, x: rows(10, 4, 9) };
}

/** A mutated file for the loader fuzz tests, with what was done to it. */
export type Mutation = { kind: string; bytes: Uint8Array };

/** Blind byte mutations of a file: bit flips, a truncation, spliced random bytes (pass to fc.oneof). */
export function byteMutations(base: Uint8Array): fc.Arbitrary<Mutation>[] {
  const bitFlips = fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => {
    const b = base.slice();
    for (const [at, bit] of flips) b[at]! ^= 1 << bit;
    return { kind: 'bit flips', bytes: b };
  });
  const truncation = fc.nat({ max: base.length - 1 }).map((n): Mutation => ({ kind: 'truncation', bytes: base.slice(0, n) }));
  const splice = fc.tuple(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, extra]): Mutation => {
    const b = new Uint8Array(base.length + extra.length);
    b.set(base.subarray(0, at));
    b.set(extra, at);
    b.set(base.subarray(at), at + extra.length);
    return { kind: 'splice', bytes: b };
  });
  return [bitFlips, truncation, splice];
}

/** Every JSON path in a value (the empty path first), to aim edits at. */
export function jsonPaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => jsonPaths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) jsonPaths(x, [...prefix, k], out);
  return out;
}

/** A copy of JSON `json` with the value at `path` set to `value`, or deleted (`remove`, outside arrays). */
export function editedJson(json: unknown, path: (string | number)[], value: unknown, remove: boolean): Record<string | number, unknown> {
  const copy = JSON.parse(JSON.stringify(json)) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy;
}

/** What a loader fuzz run saw: loads, rejections, the slowest case in CPU milliseconds, and its budget. */
export interface LoadCounts { loaded: number; rejected: number; slowest: number; readonly budgetMs: number }

/** How many times an intact file's load one mutated file may cost (CPU time, same machine, same run). */
export const LOAD_BUDGET_FACTOR = 500;

/**
 * A CPU-time budget for loading one bad file that scales with the machine: LOAD_BUDGET_FACTOR
 * times the median CPU time of loading the intact file here (warm). What it catches is a loader
 * whose work grows with a forged size (a 2⁴⁰-element shape allocated or looped over before it is
 * refused), which costs millions of times an intact load; a slower machine slows both alike.
 */
export function loadBudget(loadIntact: () => unknown): number {
  for (let i = 0; i < 5; i++) loadIntact();
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = process.cpuUsage();
    loadIntact();
    times.push(cpuMs(t0));
  }
  times.sort((a, b) => a - b);
  // cpuUsage counts microseconds; an intact load is never free.
  return LOAD_BUDGET_FACTOR * Math.max(times[7]!, 0.001);
}

/**
 * One fuzz case: `load` either gives a built model or throws the library's ModelFormatError or
 * UnsupportedError (never through a loader's last-resort "unexpected" branch, which would mean a
 * check is missing), within the run's CPU budget (loadBudget).
 */
export function checkLoad(kind: string, load: () => { model: { built: boolean } }, counts: LoadCounts): void {
  const t0 = process.cpuUsage();
  attemptLoad(kind, load, counts);
  let ms = cpuMs(t0);
  if (ms >= counts.budgetMs) {
    // Timed once more: a garbage collection can land in any case; a slow case is slow twice.
    const t1 = process.cpuUsage();
    attemptLoad(kind, load, { loaded: 0, rejected: 0, slowest: 0, budgetMs: counts.budgetMs });
    ms = cpuMs(t1);
  }
  counts.slowest = Math.max(counts.slowest, ms);
  assert.ok(ms < counts.budgetMs, `${kind}: took ${ms.toFixed(1)} ms of CPU, over ${LOAD_BUDGET_FACTOR}× an intact load (${counts.budgetMs.toFixed(1)} ms)`);
}

function attemptLoad(kind: string, load: () => { model: { built: boolean } }, counts: LoadCounts): void {
  try {
    assert.ok(load().model.built, `${kind}: a load gives a built model`);
    counts.loaded++;
  } catch (e) {
    assert.ok(e instanceof ModelFormatError || e instanceof UnsupportedError, `${kind}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.doesNotMatch(e.message, /unexpected (TypeError|RangeError|Error|error)/, `${kind}: reached the last-resort handler`);
    counts.rejected++;
  }
}
