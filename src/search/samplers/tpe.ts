import type { Rng } from '../../core/rng.js';
import { logSumExp, normCdf, normPpf, trialRng } from '../numeric.js';
import { canonical, fromScale, isActive, paramsKey, toScale, type Dim, type Params } from '../space.js';
import { freshUniform } from './random.js';
import { PURPOSE, type Observation, type Sampler, type SamplerContext } from './sampler.js';

/** Settings of the Tree-structured Parzen Estimator (Optuna's defaults). */
export interface TpeArgs {
  /** Random trials before the model is used. */
  startupTrials?: number;
  /** Candidates drawn from the good-points density l(x) per parameter. */
  candidates?: number;
}

const PRIOR_WEIGHT = 1;

/** γ(n) = min(⌈0.1·n⌉, 25): how many of the n complete trials count as good. */
function gamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Older trials weigh less once there are more than 25 (Optuna's default_weights, in trial order). */
function ageWeights(m: number): number[] {
  if (m < 25) return new Array<number>(m).fill(1);
  const ramp = m - 25;
  return Array.from({ length: m }, (_, i) => (i < ramp ? 1 / m + ((1 - 1 / m) * i) / Math.max(ramp - 1, 1) : 1));
}

/** A mixture of normals truncated to [lo, hi] (one kernel per observation plus a wide prior). */
interface NumericMixture {
  mus: number[];
  sigmas: number[];
  logWeights: number[];
  logMass: number[];
  lo: number;
  hi: number;
}

function numericMixture(values: readonly number[], weights: readonly number[], lo: number, hi: number): NumericMixture {
  const width = hi - lo;
  const prior = 0.5 * (lo + hi);
  // Bandwidth of each kernel: the larger gap to its neighbours (the prior's centre and the
  // bounds included), clipped to [width / min(100, 1 + kernels), width] ("magic clip").
  const withPrior = [...values, prior];
  const order = withPrior.map((_, i) => i).sort((a, b) => withPrior[a]! - withPrior[b]!);
  const sorted = [lo, ...order.map((i) => withPrior[i]!), hi];
  const sig = new Array<number>(withPrior.length);
  for (let k = 0; k < order.length; k++) sig[order[k]!] = Math.max(sorted[k + 1]! - sorted[k]!, sorted[k + 2]! - sorted[k + 1]!);
  if (sorted.length >= 4) {
    // Endpoints are not neighbours for the outermost kernels.
    sig[order[0]!] = sorted[2]! - sorted[1]!;
    sig[order[order.length - 1]!] = sorted[sorted.length - 2]! - sorted[sorted.length - 3]!;
  }
  const minSigma = width / Math.min(100, 1 + withPrior.length);
  const mus = [...values, prior];
  const sigmas = values.map((_, i) => Math.min(width, Math.max(minSigma, sig[i]!)));
  sigmas.push(width);
  const w = [...weights, PRIOR_WEIGHT];
  const total = w.reduce((a, b) => a + b, 0);
  const logWeights = w.map((x) => Math.log(x / total));
  const logMass = mus.map((m, i) => Math.log(Math.max(normCdf((hi - m) / sigmas[i]!) - normCdf((lo - m) / sigmas[i]!), 1e-300)));
  return { mus, sigmas, logWeights, logMass, lo, hi };
}

function sampleNumeric(m: NumericMixture, rng: Rng): number {
  const k = pickLog(m.logWeights, rng);
  const mu = m.mus[k]!;
  const s = m.sigmas[k]!;
  const a = normCdf((m.lo - mu) / s);
  const b = normCdf((m.hi - mu) / s);
  if (!(b - a > 1e-12)) return rng.uniform(m.lo, m.hi);
  const x = mu + s * normPpf(a + (b - a) * rng.uniform());
  return Math.min(m.hi, Math.max(m.lo, x));
}

function logPdfNumeric(m: NumericMixture, x: number): number {
  const terms = m.mus.map((mu, k) => {
    const z = (x - mu) / m.sigmas[k]!;
    return m.logWeights[k]! - 0.5 * z * z - Math.log(m.sigmas[k]! * Math.sqrt(2 * Math.PI)) - m.logMass[k]!;
  });
  return logSumExp(terms);
}

/** Category probabilities: each observation's kernel puts weight 1 on its choice plus a share of the prior. */
function categoricalProbs(indices: readonly number[], weights: readonly number[], n: number): number[] {
  const kernels = indices.length + 1;
  const w = [...weights, PRIOR_WEIGHT];
  const total = w.reduce((a, b) => a + b, 0);
  const probs = new Array<number>(n).fill(0);
  for (let k = 0; k < kernels; k++) {
    const row = new Array<number>(n).fill(PRIOR_WEIGHT / kernels);
    if (k < indices.length) row[indices[k]!]! += 1;
    const rowSum = row.reduce((a, b) => a + b, 0);
    for (let c = 0; c < n; c++) probs[c]! += (w[k]! / total) * (row[c]! / rowSum);
  }
  return probs;
}

function pickLog(logWeights: readonly number[], rng: Rng): number {
  let u = rng.uniform();
  for (let k = 0; k < logWeights.length; k++) {
    u -= Math.exp(logWeights[k]!);
    if (u < 0) return k;
  }
  return logWeights.length - 1;
}

/**
 * Tree-structured Parzen Estimator, independent per parameter (Optuna's default TPESampler):
 * after the start-up trials, the complete trials are split into the best γ(n) ("good") and the
 * rest ("bad"; pruned and running trials join them, the constant liar); for each parameter a
 * Parzen density is fitted to each group and, of `candidates` draws from the good density l(x),
 * the one with the largest l(x)/g(x) is kept. Conditional parameters use the trials where they exist.
 */
export function tpeSampler(dims: readonly Dim[], seed: number, args: TpeArgs = {}): Sampler {
  const startup = args.startupTrials ?? 10;
  const candidates = args.candidates ?? 24;
  return {
    size: undefined,
    propose(ctx: SamplerContext): Params | undefined {
      const complete = ctx.finished.filter((t) => t.state === 'complete');
      if (complete.length < startup) return freshUniform(dims, seed, ctx.number, ctx.tried);
      const ranked = [...complete].sort((a, b) => a.loss - b.loss || a.number - b.number);
      const nGood = gamma(complete.length);
      const byNumber = (a: Observation, b: Observation): number => a.number - b.number;
      const good = ranked.slice(0, nGood).sort(byNumber);
      const bad = [...ranked.slice(nGood), ...ctx.finished.filter((t) => t.state === 'pruned')].sort(byNumber).map((t) => t.params);
      bad.push(...ctx.running);
      const goodParams = good.map((t) => t.params);
      const rng = trialRng(seed, ctx.number, PURPOSE.model);
      const params: Params = {};
      for (const d of dims) {
        if (!isActive(d, dims, params)) continue;
        const g = goodParams.filter((p) => d.name in p);
        const b = bad.filter((p) => d.name in p);
        params[d.name] = d.kind === 'categorical' ? proposeCategorical(d, g, b, candidates, rng) : proposeNumeric(d, g, b, candidates, rng);
      }
      if (!ctx.tried.has(paramsKey(params))) return params;
      return freshUniform(dims, seed, ctx.number, ctx.tried);
    },
  };
}

function proposeNumeric(d: Dim, good: readonly Params[], bad: readonly Params[], candidates: number, rng: Rng): number {
  const l = numericMixture(good.map((p) => toScale(d, p[d.name] as number)), ageWeights(good.length), d.lo, d.hi);
  const g = numericMixture(bad.map((p) => toScale(d, p[d.name] as number)), ageWeights(bad.length), d.lo, d.hi);
  let best = l.mus[0]!;
  let bestScore = -Infinity;
  for (let i = 0; i < candidates; i++) {
    const x = sampleNumeric(l, rng);
    const score = logPdfNumeric(l, x) - logPdfNumeric(g, x);
    if (score > bestScore) {
      bestScore = score;
      best = x;
    }
  }
  return fromScale(d, best);
}

function proposeCategorical(d: Dim, good: readonly Params[], bad: readonly Params[], candidates: number, rng: Rng): Params[string] {
  const index = (p: Params): number => d.choiceKeys.indexOf(canonical(p[d.name]));
  const n = d.choices.length;
  const l = categoricalProbs(good.map(index), ageWeights(good.length), n);
  const g = categoricalProbs(bad.map(index), ageWeights(bad.length), n);
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < candidates; i++) {
    let u = rng.uniform();
    let c = 0;
    while (c < n - 1 && (u -= l[c]!) >= 0) c++;
    const score = Math.log(l[c]!) - Math.log(g[c]!);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return d.choices[best]!;
}
