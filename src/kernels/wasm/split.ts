/*
 * How a kernel call is cut over threads: the shape decides, never the machine's speed, so a
 * given thread count always cuts the same way. Each part computes whole elements of the result
 * (row blocks, column panels, element ranges): no sums are split, so every thread count gives
 * the bits of one thread (each element is the same sum in the same order, assembly/index.ts).
 * The one exception, a dense forward cut by steps (forwardHalves), is split by the shape alone,
 * on one thread as on many, so it gives every thread count the same bits too.
 */

/**
 * Fewest multiply-adds a thread's part of a product must have: waking a waiting thread costs
 * microseconds, 2^18 multiply-adds take about 10 µs on one core here (≈ 25 G/s).
 */
export const MIN_MACS_PER_PART = 1 << 18;
/**
 * Fewest multiply-adds of a product that threads: 'auto' cuts (a count asked for cuts from
 * 2 × MIN_MACS_PER_PART): measured on 2 cores (a 20-256-256-1 network, 3 epochs of 8,192 rows,
 * steady state), 2 threads gave 1.0× one thread at batch 32 (32×256×256, 2^21) for 1.7× the CPU,
 * 1.15× at batch 64 (2^22), 1.6× at batch 128.
 */
export const MIN_MACS_TO_CUT = 1 << 22;
/** Fewest elements per part of a cheap elementwise pass (an add, a compare: memory-bound). */
export const MIN_ELEMENTS_PER_PART = 1 << 15;
/** Fewest elements per part of a pass with exp/tanh per element, or of an optimiser update (7 streams). */
export const MIN_COSTLY_ELEMENTS_PER_PART = 1 << 13;
/** Columns a part of a product should have to be cut by columns (each part packs only its panels). */
const MIN_COLUMNS_PER_PART = 16;
/**
 * A product cut into column panels (each packs only its own columns of B, so more panels copy
 * nothing more) is cut finer until a panel has fewer multiply-adds than this (about 80 µs on one
 * core): the threads finish a call up to one chunk apart, and the calling thread starts a training
 * step's first product late (it gathers the next batch first). W2's first layer in 8 panels of
 * 0.145 ms left the caller idle 0.13 ms at the end; in 16 of 0.069 ms, 0.002 ms (the call 0.765 →
 * 0.70 ms, 2 threads, 2026-12-07).
 */
export const MAX_MACS_PER_PANEL = 1 << 21;
/**
 * Rows a part of a product should have to be cut by rows. Measured on one thread, the summed parts
 * against the uncut product (2026-12-07): W2's second layer (128×256×128 forward, 256×128 Xᵀ·δ
 * over 128 rows) in 32-row parts 1.02× and 1.11× its time (each part packs all of B again), in
 * 16-column panels 1.28× and 1.62× (each panel reads all of A again, or copies every strip of
 * Xᵀ again); cut so, a W2 step on 2 threads was 3.1–3.5 % faster than cut in panels.
 */
const MIN_ROWS_PER_PART = 32;
/**
 * Chunks per thread a large call is cut into: the threads claim them in turn, so a thread whose
 * core another process took (a shared machine) leaves its chunks to the others.
 */
export const CHUNKS_PER_THREAD = 4;

/** Parts for work of `units` where each part needs `minPerPart`: 1 to `threads`. */
export function partsFor(threads: number, units: number, minPerPart: number): number {
  return Math.max(1, Math.min(threads, Math.floor(units / minPerPart)));
}

/** Start of part p of `parts` over [0, size) in steps of `align` (part `parts` starts at size). */
export function cutAt(p: number, parts: number, size: number, align: number): number {
  if (p >= parts) return size;
  const units = Math.ceil(size / align);
  return Math.min(size, Math.floor((units * p) / parts) * align);
}

/**
 * How to cut an M×N result of a product with T steps over `threads` threads in at most `chunks`
 * parts: the part count and whether by columns (panels of `colAlign`) or rows (blocks of
 * `rowAlign`). Rows when each part gets at least MIN_ROWS_PER_PART of them, in fewer parts if
 * that still leaves one for each thread (a row part packs all of B again, a small cost against
 * its rows; a column part streams all of A, or copies every 4-row strip of Xᵀ, again), else
 * columns when each part gets at least MIN_COLUMNS_PER_PART (each part packs only its own panels
 * of B), else rows. Fewer parts when a dimension is too small for them all.
 */
export function productCut(threads: number, chunks: number, M: number, N: number, T: number, rowAlign: number, colAlign: number, minMacs = MIN_MACS_PER_PART, minTotal = 2 * minMacs): { parts: number; byColumns: boolean } {
  if (M * N * T < minTotal) return { parts: 1, byColumns: false };
  let parts = partsFor(chunks, M * N * T, minMacs);
  if (parts < 2) return { parts: 1, byColumns: false };
  if (M >= MIN_ROWS_PER_PART * parts) return { parts, byColumns: false };
  const rowParts = Math.floor(M / MIN_ROWS_PER_PART);
  if (rowParts >= 2 && rowParts >= Math.min(threads, parts)) return { parts: rowParts, byColumns: false };
  if (N >= MIN_COLUMNS_PER_PART * parts) return { parts, byColumns: true };
  parts = Math.min(parts, Math.floor(M / rowAlign));
  if (parts >= 2) return { parts, byColumns: false };
  parts = Math.min(partsFor(chunks, M * N * T, minMacs), Math.floor(N / colAlign));
  return parts >= 2 ? { parts, byColumns: true } : { parts: 1, byColumns: false };
}

/**
 * Chunks for a product cut into `parts` column panels of an M×N result over T steps: doubled
 * while a panel has MAX_MACS_PER_PANEL or more and keeps MIN_COLUMNS_PER_PART columns, up to
 * `most` (the pool's chunk slots).
 */
export function finerPanels(parts: number, M: number, N: number, T: number, most: number): number {
  while ((M * N * T) / parts >= MAX_MACS_PER_PANEL && N >= MIN_COLUMNS_PER_PART * 2 * parts && 2 * parts <= most) parts *= 2;
  return parts;
}

/**
 * Where a dense forward z = x·W is cut by steps (rows of W) into two halves summed after (0: not
 * cut): a training batch (16 to 256 rows) over 512 inputs or more. Each thread then reads the
 * rows of W that its share of Xᵀ·δ (row blocks) and of the optimiser (ranges) write, so no line
 * of W moves between cores in a step; cut by columns, half of W's lines did, twice a step. The
 * shape alone decides (never the thread count), so every thread count gives the same bits: z is
 * the first half's sum plus the second's. At a multiple of 4 rows, as Xᵀ·δ's row blocks.
 */
export function forwardHalves(m: number, k: number, n: number): number {
  if (m < 16 || m > 256 || k < 512 || n < 16) return 0;
  return cutAt(1, 2, k, 4);
}

/** Columns of B the packed product copies at a time (NC in assembly/index.ts). */
const PACKED_COLUMNS = 128;

/**
 * How each half of a forward cut by steps is cut into at most `chunks` blocks: whole groups of
 * PACKED_COLUMNS columns first (the width the kernel packs B in: a block packs its columns of
 * the half's B once for all its rows), then row blocks of 64 rows or more (multiples of 4), then
 * narrower column groups (multiples of 8) for the chunks left. W2's first layer on 2 threads:
 * 2 × 2 blocks of 64 rows × 128 columns. On one thread, the summed blocks against the uncut
 * halves (Fashion-MNIST, 2026-12-07): 2 × 2 1.04×, 4 × 2 blocks of 32 rows 1.11× (each packs
 * the half's B for 32 rows only); a 2-thread W2 step 2.1–3.0 % faster than in 4 × 2 (in-process
 * A/B, alternating).
 */
export function halfBlocks(m: number, n: number, chunks: number): { rows: number; columns: number } {
  const groups = Math.max(1, Math.min(chunks, Math.ceil(n / PACKED_COLUMNS)));
  let rows = 1;
  while (rows * 2 * groups <= chunks && m >= 64 * rows * 2) rows *= 2;
  const columns = Math.max(1, Math.min(Math.floor(chunks / rows), n >> 3));
  return { rows, columns };
}
