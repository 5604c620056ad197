import { enumerateGrid, type Dim } from '../space.js';
import type { Sampler } from './sampler.js';

/** Largest grid the search enumerates. */
export const MAX_GRID = 1_000_000;

/**
 * Grid search: trial n is the n-th point of the Cartesian product (first parameter slowest,
 * conditional parameters only where active), so each point is visited once and the result does
 * not depend on parallelism or resuming.
 */
export function gridSampler(dims: readonly Dim[]): Sampler {
  const points = enumerateGrid(dims, MAX_GRID);
  return {
    size: points.length,
    propose: (ctx) => points[ctx.number],
  };
}
