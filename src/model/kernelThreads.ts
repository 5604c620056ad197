import { countOf } from '../core/format.js';
import { InputError } from '../core/errors.js';
import { describe } from '../core/validate.js';
import { kernelCores } from '../kernels/pool/pool.js';
import { MIN_MACS_PER_PART, MIN_MACS_TO_CUT, productCut } from '../kernels/wasm/split.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Model } from './types.js';

/*
 * fit's `threads` option over the kernel threads: every large product and pass of a step is cut
 * over the threads (src/kernels/pool), so the count changes the speed, never the numbers.
 */

/** The validated `threads` option of fit/evaluate/predict: 'auto' (the default) or a count from 1 to 256. */
export function threadSetting(what: string, requested: unknown): number | 'auto' {
  if (requested === undefined || requested === 'auto') return 'auto';
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > 256) {
    throw new InputError(`${what}: threads must be 'auto' or an integer from 1 to 256, got ${describe(requested)}`);
  }
  return requested;
}

/** The products of one training step at `batchSize` rows: [rows, inner, columns] of XW, δWᵀ and Xᵀδ per Dense layer. */
function products(model: Model, batchSize: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const p of model.params()) {
    if (p.shape.length !== 2) continue;
    const [inputs, units] = p.shape as [number, number];
    out.push([batchSize, inputs, units], [batchSize, units, inputs], [inputs, batchSize, units]);
  }
  return out;
}

/**
 * What `setting` means for a step of `batchSize` rows of this model, in a phrase for the Model
 * line: the threads the largest products are cut over, and why 'auto' chose that.
 */
export function describeThreads(model: Model, batchSize: number, setting: number | 'auto'): { threads: number; text: string } {
  const k = model.backprop().kernels;
  const blocker = k.threadsBlocker();
  if (blocker !== undefined) return { threads: 1, text: setting === 'auto' ? `1 thread (${blocker})` : countOf(setting, 'thread') };
  const want = setting === 'auto' ? kernelCores() : setting;
  const minTotal = setting === 'auto' ? MIN_MACS_TO_CUT : 2 * MIN_MACS_PER_PART;
  let most = 1;
  let largest: [number, number, number] = [0, 0, 0];
  for (const [m, t, n] of products(model, batchSize)) {
    most = Math.max(most, productCut(want, want, m, n, t, 4, 8, MIN_MACS_PER_PART, minTotal).parts);
    if (m * t * n > largest[0] * largest[1] * largest[2]) largest = [m, t, n];
  }
  const shape = largest.join('×');
  const small = `the largest product, ${shape}, is under ${minTotal} multiply-adds`;
  // A count asked for cuts what is large enough; when nothing is, the threads are not started.
  if (setting !== 'auto') {
    if (setting > 1 && most < 2) return { threads: 1, text: `1 thread (threads ${setting} asked, but ${small})` };
    return { threads: setting, text: countOf(setting, 'thread') };
  }
  if (want === 1) return { threads: 1, text: '1 thread (auto: 1 core)' };
  if (most < 2) return { threads: 1, text: `1 thread (auto: ${small})` };
  return { threads: most, text: `${most} threads (auto: ${want} cores; products up to ${shape} cut over them)` };
}

/**
 * The `threads` option for these kernels, capped at the machine's cores: threads beyond the cores
 * only add memory (each packs its own panels) and waits (256 on 2 cores took 3.3 GB and 9.3 s for
 * one fit), never speed, and the cut gives the same bits for any count. `warning` says so in one line.
 */
export function cappedThreads(kernels: Kernels, what: string, requested: unknown): { setting: number | 'auto'; warning: string | undefined } {
  const setting = threadSetting(what, requested);
  if (setting === 'auto' || setting === 1 || kernels.threadsBlocker() !== undefined) return { setting, warning: undefined };
  const { value, warning } = capAtCores(`${what}: threads`, setting);
  return { setting: value, warning };
}

/**
 * A count of threads or jobs capped at the cores this process may use (`label` names the option,
 * e.g. "--jobs"): more only add memory and waits, never speed. The warning is one line with the cap.
 */
export function capAtCores(label: string, requested: number): { value: number; warning: string | undefined } {
  const cores = kernelCores();
  if (requested <= cores) return { value: requested, warning: undefined };
  return { value: cores, warning: `${label} ${requested} capped at ${cores}, the cores of this machine (more only add memory and waits; the results are the same)` };
}

const shownWarnings = new Set<string>();

/** Runs `f` with the model's kernels cut over `requested` threads (unchanged when undefined), then restores the setting. */
export function withThreads<T>(model: Model, what: string, requested: unknown, f: () => T): T {
  if (requested === undefined) return f();
  // The model's own kernels: predict on a model never compiled cuts its products too.
  const k = model.kernels;
  const previous = k.threadSetting;
  const { setting, warning } = cappedThreads(k, what, requested);
  // predict and evaluate have no callbacks: the cap is said once per process on the console.
  if (warning !== undefined && !shownWarnings.has(warning)) {
    shownWarnings.add(warning);
    console.warn(`backprop: ${warning}`);
  }
  k.setThreads(setting);
  try {
    return f();
  } finally {
    k.setThreads(previous);
  }
}
