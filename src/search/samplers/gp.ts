import { canonical, fromUnit, isActive, paramsKey, sampleUniform, toUnit, type Dim, type Params } from '../space.js';
import { logExpectedImprovement, trialRng } from '../numeric.js';
import { fitGp, predictGp } from './gpModel.js';
import { freshUniform } from './random.js';
import { PURPOSE, type Sampler, type SamplerContext } from './sampler.js';

/** Settings of the GP sampler. */
export interface GpArgs {
  /** Random trials before the first fit. */
  startupTrials?: number;
  /** Random points the acquisition function is evaluated at. */
  candidates?: number;
  /** Best candidates refined by a local search. */
  refine?: number;
}

/** A point as the GP sees it: numeric inputs in [0, 1], categorical ones as choice indices (−1 when inactive). */
function encode(dims: readonly Dim[], params: Params): Float64Array {
  const x = new Float64Array(dims.length);
  dims.forEach((d, k) => {
    const v = params[d.name];
    if (v === undefined) x[k] = d.kind === 'categorical' ? -1 : 0.5;
    else x[k] = d.kind === 'categorical' ? d.choiceKeys.indexOf(canonical(v)) : toUnit(d, v as number);
  });
  return x;
}

interface Candidate {
  params: Params;
  x: Float64Array;
  score: number;
}

/**
 * Bayesian optimisation with a Gaussian process (Matérn 5/2, ARD, fitted by marginal
 * likelihood) on inputs scaled to [0, 1] after the log transform and standardised losses.
 * Running trials are filled in with the worst loss seen (constant liar) so parallel workers
 * spread out. The next point maximises log Expected Improvement over `candidates` random points,
 * the best `refine` of them polished by a coordinate search; a point already tried (after
 * rounding) is never proposed: the next best is taken, and failing all, a fresh random point.
 */
export function gpSampler(dims: readonly Dim[], seed: number, args: GpArgs = {}): Sampler {
  const startup = args.startupTrials ?? 10;
  const nCandidates = args.candidates ?? 2048;
  const nRefine = args.refine ?? 5;
  const categorical = dims.map((d) => d.kind === 'categorical');
  return {
    size: undefined,
    propose(ctx: SamplerContext): Params | undefined {
      const complete = ctx.finished.filter((t) => t.state === 'complete');
      if (complete.length < startup) return freshUniform(dims, seed, ctx.number, ctx.tried);
      const finite = complete.map((t) => t.loss).filter(Number.isFinite);
      // A loop, not Math.max(...finite): a spread of a long journal's values overflows the stack.
      const worst = finite.length > 0 ? finite.reduce((a, b) => (b > a ? b : a), -Infinity) : 0;
      // Non-finite losses count as the worst (never as good); pruned and running trials likewise (the liar).
      const points = [
        ...complete.map((t) => ({ params: t.params, loss: Number.isFinite(t.loss) ? t.loss : worst })),
        ...ctx.finished.filter((t) => t.state === 'pruned').map((t) => ({ params: t.params, loss: worst })),
        ...ctx.running.map((params) => ({ params, loss: worst })),
      ];
      const n = points.length;
      const mean = points.reduce((s, p) => s + p.loss, 0) / n;
      const sd = Math.sqrt(points.reduce((s, p) => s + (p.loss - mean) ** 2, 0) / n) || 1;
      const y = Float64Array.from(points, (p) => (p.loss - mean) / sd);
      const x = new Float64Array(n * dims.length);
      points.forEach((p, i) => x.set(encode(dims, p.params), i * dims.length));
      const gp = fitGp(x, y, dims.length, categorical);
      let best = Infinity;
      for (let i = 0; i < complete.length; i++) best = Math.min(best, y[i]!);
      const acquisition = (z: Float64Array): number => {
        const { mu, sigma } = predictGp(gp, z);
        return logExpectedImprovement(mu, sigma, best);
      };
      const rng = trialRng(seed, ctx.number, PURPOSE.model);
      const candidates: Candidate[] = [];
      for (let i = 0; i < nCandidates; i++) {
        const params = sampleUniform(dims, rng);
        const z = encode(dims, params);
        candidates.push({ params, x: z, score: acquisition(z) });
      }
      candidates.sort((a, b) => b.score - a.score);
      const refined = candidates.slice(0, nRefine).map((c) => refine(dims, c, acquisition));
      const ranked = [...refined, ...candidates].sort((a, b) => b.score - a.score);
      for (const c of ranked) if (!ctx.tried.has(paramsKey(c.params))) return c.params;
      return freshUniform(dims, seed, ctx.number, ctx.tried);
    },
  };
}

/** Coordinate search on the active numeric inputs, steps 0.1 halved down to 0.001. */
function refine(dims: readonly Dim[], start: Candidate, acquisition: (z: Float64Array) => number): Candidate {
  const x = Float64Array.from(start.x);
  let score = start.score;
  const movable = dims.map((d, k) => (d.kind !== 'categorical' && isActive(d, dims, start.params) ? k : -1)).filter((k) => k >= 0);
  for (let h = 0.1; h >= 0.001; h /= 2) {
    let improved = true;
    while (improved) {
      improved = false;
      for (const k of movable) {
        for (const sign of [1, -1]) {
          const old = x[k]!;
          x[k] = Math.min(1, Math.max(0, old + sign * h));
          const s = acquisition(x);
          if (s > score + 1e-12) {
            score = s;
            improved = true;
          } else {
            x[k] = old;
          }
        }
      }
    }
  }
  const params: Params = { ...start.params };
  for (const k of movable) params[dims[k]!.name] = fromUnit(dims[k]!, x[k]!);
  // Score the point that will actually run (rounded onto the step grid).
  const z = encode(dims, params);
  return { params, x: z, score: acquisition(z) };
}
