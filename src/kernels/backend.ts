import { gemmNN, gemmNT, gemmTN } from './gemm.js';

/**
 * The matrix products layers call. A faster backend (WebAssembly SIMD, worker threads) replaces
 * these with functions of the same signatures via `setKernelBackend`; the plain TypeScript
 * versions stay the reference the tests compare against.
 */
export interface KernelBackend {
  readonly name: string;
  readonly gemmNN: typeof gemmNN;
  readonly gemmNT: typeof gemmNT;
  readonly gemmTN: typeof gemmTN;
}

export const typescriptBackend: KernelBackend = { name: 'typescript', gemmNN, gemmNT, gemmTN };

let active: KernelBackend = typescriptBackend;

export function kernels(): KernelBackend {
  return active;
}

export function setKernelBackend(backend: KernelBackend): void {
  active = backend;
}
