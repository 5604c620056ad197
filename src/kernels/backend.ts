import { gemmNN, gemmNT, gemmTN } from './gemm.js';

/**
 * The matrix products layers call. A faster backend (WebAssembly SIMD, worker threads) replaces
 * these with functions of the same signatures via `setKernelBackend`; the plain TypeScript
 * versions stay the reference the tests compare against.
 */
export interface KernelBackend {
  readonly name: string;
  /** out = A·B (the forward product XW). */
  readonly gemmNN: typeof gemmNN;
  /** out = A·Bᵀ (δ·Wᵀ, the gradient passed down). */
  readonly gemmNT: typeof gemmNT;
  /** out = Aᵀ·B (Xᵀ·δ, the kernel gradient). */
  readonly gemmTN: typeof gemmTN;
}

/** The plain TypeScript kernels: the default, and the reference other backends are tested against. */
export const typescriptBackend: KernelBackend = { name: 'typescript', gemmNN, gemmNT, gemmTN };

let active: KernelBackend = typescriptBackend;

/** The backend layers call now. */
export function kernels(): KernelBackend {
  return active;
}

/** Makes every layer use these kernels from now on. */
export function setKernelBackend(backend: KernelBackend): void {
  active = backend;
}
