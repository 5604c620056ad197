import { enumerateGrid, paramsKey, type Dim, type Params } from '../space.js';
import type { Sampler } from './sampler.js';

/** Largest grid the search enumerates. */
export const MAX_GRID = 1_000_000;

/**
 * Grid search: the points of the Cartesian product in order (first parameter slowest,
 * conditional parameters only where active), each proposed once: a point already tried (an
 * enqueued default that lies on the grid) is skipped, so the result does not depend on
 * parallelism or resuming.
 */
export function gridSampler(dims: readonly Dim[]): Sampler {
  const points = enumerateGrid(dims, MAX_GRID);
  const keys = points.map(paramsKey);
  const all = new Set(keys);
  let cursor = 0;
  return {
    size: points.length,
    has: (params: Params) => all.has(paramsKey(params)),
    propose: (ctx) => {
      while (cursor < points.length && ctx.tried.has(keys[cursor]!)) cursor++;
      return points[cursor];
    },
  };
}
