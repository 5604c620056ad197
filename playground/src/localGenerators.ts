/**
 * Generators the playground needs that the library does not have yet (gaussian quadrants and a
 * 1-D regression function). The CLI issue adds generators of these kinds to src/data/synthetic.ts;
 * when they land, data.ts can call them instead and this file can go.
 */
import { Rng } from '../../src/index.js';

export interface LocalDataset {
  x: number[][];
  y: number[];
}

/**
 * Four Gaussian clusters centred at (±0.5, ±0.5), each with standard deviation `0.1 + noise`;
 * the two clusters on one diagonal are class 0 and the two on the other class 1 (XOR of the
 * quadrant signs, made of blobs instead of a uniform square).
 */
export function gaussianQuadrants(args: { n: number; noise: number; seed: number }): LocalDataset {
  const rng = new Rng(args.seed);
  const sd = 0.1 + args.noise;
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < args.n; i++) {
    const q = i % 4;
    const sx = q === 0 || q === 3 ? 1 : -1;
    const sy = q === 0 || q === 1 ? 1 : -1;
    x.push([0.5 * sx + rng.normal(0, sd), 0.5 * sy + rng.normal(0, sd)]);
    y.push(sx === sy ? 0 : 1);
  }
  return shuffle({ x, y }, rng);
}

/** The 1-D target function of the regression data set, on [−1, 1]. */
export function regressionTarget(x: number): number {
  return Math.sin(Math.PI * x) * 0.8 + 0.3 * x;
}

/** x uniform in [−1, 1], y = regressionTarget(x) + N(0, noise²): one input, one real output. */
export function regression1d(args: { n: number; noise: number; seed: number }): LocalDataset {
  const rng = new Rng(args.seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < args.n; i++) {
    const v = rng.uniform(-1, 1);
    x.push([v]);
    y.push(regressionTarget(v) + rng.normal(0, args.noise));
  }
  return { x, y };
}

function shuffle(d: LocalDataset, rng: Rng): LocalDataset {
  const order = rng.permutation(d.y.length);
  return { x: Array.from(order, (i) => d.x[i]!), y: Array.from(order, (i) => d.y[i]!) };
}
