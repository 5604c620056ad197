import type { DType } from '../core/matrix.js';
import { InputError, UnsupportedError } from '../core/errors.js';
import type { KernelBackend, Kernels } from './kernels.js';
import { typescriptBackend } from './typescript.js';
import { loadWasmBackend } from './wasm/backend.js';

export type { KernelBackend, Kernels } from './kernels.js';
export { typescriptBackend } from './typescript.js';
export { setDefaultThreads } from './wasm/backend.js';
export { terminateKernelThreads as terminateThreads, KernelThreadError } from './pool/pool.js';

/** The backend names `setKernelBackend` and BACKPROP_BACKEND accept. */
export type KernelBackendName = KernelBackend['name'];
/** Every backend name, fastest first. */
export const kernelBackendNames: readonly KernelBackendName[] = ['wasm', 'typescript'];

let active: KernelBackend | undefined;
let noticeShown = false;

function environmentChoice(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.BACKPROP_BACKEND;
  return v === undefined || v === '' ? undefined : v;
}

function byName(name: string, where: string): KernelBackend {
  if (name === 'typescript') return typescriptBackend;
  if (name === 'wasm') {
    const wasm = loadWasmBackend();
    if (typeof wasm === 'string') throw new UnsupportedError(`${where}: the wasm backend is not available here: ${wasm}`);
    return wasm;
  }
  throw new InputError(`${where}: unknown kernel backend ${JSON.stringify(name)}; known: ${kernelBackendNames.join(', ')}`);
}

/**
 * The backend new models are built on: the one set by `setKernelBackend`, else BACKPROP_BACKEND,
 * else the fastest available (WebAssembly SIMD, falling back to TypeScript with a one-time notice).
 */
export function kernelBackend(): KernelBackend {
  if (active !== undefined) return active;
  const chosen = environmentChoice();
  if (chosen !== undefined) {
    active = byName(chosen, 'BACKPROP_BACKEND');
    return active;
  }
  const wasm = loadWasmBackend();
  if (typeof wasm === 'string') {
    if (!noticeShown) {
      noticeShown = true;
      console.warn(`backprop: using the TypeScript kernels (${wasm}).`);
    }
    active = typescriptBackend;
  } else {
    active = wasm;
  }
  return active;
}

/**
 * Chooses the backend for models built from now on, by name ('wasm' or 'typescript') or as a
 * backend object. Models already built keep the memory and kernels they were built with.
 */
export function setKernelBackend(backend: KernelBackendName | KernelBackend): void {
  active = typeof backend === 'string' ? byName(backend, 'setKernelBackend') : backend;
}

/**
 * Memory and kernels for a new model of the given dtype: the active backend when it computes in
 * that dtype, else the TypeScript one (float64 models: gradient checks, explain).
 */
export function openKernels(dtype: DType): Kernels {
  const backend = kernelBackend();
  return (backend.dtypes.includes(dtype) ? backend : typescriptBackend).open(dtype);
}
