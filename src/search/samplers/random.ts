import { derivedSeed, trialRng } from '../numeric.js';
import { Rng } from '../../core/rng.js';
import { countGrid, enumerateGrid, isDiscrete, paramsKey, sampleUniform, type Dim, type Params } from '../space.js';
import { PURPOSE, type Sampler } from './sampler.js';

/** A discrete space up to this many points is sampled without replacement from a seeded permutation. */
const PERMUTE_UP_TO = 100_000;
const MAX_DRAWS = 1000;

/**
 * A uniform draw for trial `number` that no earlier trial tried: depends only on the seed and the
 * number (and, in the rare case of a collision, on what was tried).
 */
export function freshUniform(dims: readonly Dim[], seed: number, number: number, tried: ReadonlySet<string>): Params | undefined {
  const rng = trialRng(seed, number, PURPOSE.sample);
  for (let i = 0; i < MAX_DRAWS; i++) {
    const p = sampleUniform(dims, rng);
    if (!tried.has(paramsKey(p))) return p;
  }
  return undefined;
}

/**
 * Random search. A small discrete space without log scales is a seeded permutation of its grid
 * (no repeats, the result independent of parallelism); otherwise trial n draws from its own
 * generator, skipping points already tried.
 */
export function randomSampler(dims: readonly Dim[], seed: number): Sampler {
  let points: Params[] | undefined;
  // A permutation gives every point the same chance: right unless a log scale weights them.
  if (isDiscrete(dims) && dims.every((d) => !d.log)) {
    // Counted first: a space too large to list is drawn from, skipping repeats.
    if (countGrid(dims, PERMUTE_UP_TO) <= PERMUTE_UP_TO) points = enumerateGrid(dims, PERMUTE_UP_TO);
  }
  if (points !== undefined) {
    const order = new Rng(derivedSeed(seed, 0, PURPOSE.permutation)).permutation(points.length);
    const listed = points;
    return { size: listed.length, propose: (ctx) => (ctx.number < order.length ? listed[order[ctx.number]!] : undefined) };
  }
  return { size: undefined, propose: (ctx) => freshUniform(dims, seed, ctx.number, ctx.tried) };
}
