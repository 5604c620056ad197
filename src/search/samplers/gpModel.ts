import { cholesky, solveLower, solveUpper } from '../numeric.js';

/**
 * A Gaussian process with a Matérn 5/2 kernel and one length scale per input (ARD):
 * k(x, x') = s²·(1 + √5·r + 5r²/3)·exp(−√5·r), r² = Σ_d δ_d(x, x')²/ℓ_d², where δ_d is the
 * difference of numeric inputs (in [0, 1]) and [x_d ≠ x'_d] for categorical ones; observation
 * noise σ_n² ≥ 1e-6 on the diagonal. Hyperparameters maximise the log marginal likelihood
 * −½yᵀK⁻¹y − ½log|K| − n/2·log 2π (skopt's bounds: ℓ ∈ [0.01, 100]).
 */
export interface GpFit {
  readonly n: number;
  readonly d: number;
  readonly x: Float64Array;
  readonly lengthScales: Float64Array;
  readonly invL2: Float64Array;
  readonly scale2: number;
  readonly noise2: number;
  readonly l: Float64Array;
  readonly alpha: Float64Array;
  readonly categorical: readonly boolean[];
}

const SQRT5 = Math.sqrt(5);
const LOG_BOUNDS_LENGTH: readonly [number, number] = [Math.log(0.01), Math.log(100)];
const LOG_BOUNDS_SCALE: readonly [number, number] = [Math.log(0.05), Math.log(20)];
const LOG_BOUNDS_NOISE: readonly [number, number] = [Math.log(1e-6), Math.log(1)];

function squaredDistance(x: Float64Array, i: number, z: ArrayLike<number>, zOffset: number, d: number, invL2: Float64Array, categorical: readonly boolean[]): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const a = x[i * d + k]!;
    const b = z[zOffset + k]!;
    const delta2 = categorical[k] ? (a === b ? 0 : 1) : (a - b) * (a - b);
    s += delta2 * invL2[k]!;
  }
  return s;
}

function matern(r: number): number {
  return (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

/** Negative log marginal likelihood and its gradient with respect to θ = [log ℓ_1..d, log s², log σ_n²]. */
function objective(theta: Float64Array, x: Float64Array, y: Float64Array, n: number, d: number, categorical: readonly boolean[], grad: Float64Array): number {
  const invL2 = new Float64Array(d);
  for (let k = 0; k < d; k++) invL2[k] = Math.exp(-2 * theta[k]!);
  const s2 = Math.exp(theta[d]!);
  const noise2 = Math.exp(theta[d + 1]!);
  const kmat = new Float64Array(n * n);
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const rij = i === j ? 0 : Math.sqrt(squaredDistance(x, i, x, j * d, d, invL2, categorical));
      r[i * n + j] = r[j * n + i] = rij;
      const v = s2 * matern(rij);
      kmat[i * n + j] = kmat[j * n + i] = v;
    }
    kmat[i * n + i]! += noise2;
  }
  const l = cholesky(kmat, n);
  if (l === undefined) {
    grad.fill(0);
    return Infinity;
  }
  const alpha = solveUpper(l, n, solveLower(l, n, Float64Array.from(y)));
  let nll = 0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) nll += 0.5 * y[i]! * alpha[i]! + Math.log(l[i * n + i]!);
  // W = ααᵀ − K⁻¹; ∂NLL/∂θ = −½·Σ_ij W_ij ∂K_ij/∂θ.
  const w = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    e.fill(0);
    e[c] = 1;
    solveUpper(l, n, solveLower(l, n, e));
    for (let i = 0; i < n; i++) w[i * n + c] = alpha[i]! * alpha[c]! - e[i]!;
  }
  grad.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const wij = w[i * n + j]!;
      const rij = r[i * n + j]!;
      const ex = Math.exp(-SQRT5 * rij);
      // ∂k/∂log ℓ_k = s²·(5/3)(1 + √5 r)e^(−√5 r)·δ_k²/ℓ_k²; ∂k/∂log s² = k.
      const common = s2 * (5 / 3) * (1 + SQRT5 * rij) * ex;
      if (i !== j) {
        for (let k = 0; k < d; k++) {
          const a = x[i * d + k]!;
          const b = x[j * d + k]!;
          const delta2 = categorical[k] ? (a === b ? 0 : 1) : (a - b) * (a - b);
          grad[k]! += -0.5 * wij * common * delta2 * invL2[k]!;
        }
      }
      grad[d]! += -0.5 * wij * s2 * matern(rij);
    }
    grad[d + 1]! += -0.5 * w[i * n + i]! * noise2;
  }
  return nll;
}

/** Minimises f inside a box by projected gradient descent with a backtracking line search and L-BFGS directions. */
function minimizeBox(f: (t: Float64Array, g: Float64Array) => number, start: Float64Array, lo: Float64Array, hi: Float64Array, iterations: number): Float64Array {
  const m = start.length;
  let t = Float64Array.from(start);
  let g = new Float64Array(m);
  let fx = f(t, g);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  for (let it = 0; it < iterations && Number.isFinite(fx); it++) {
    // Two-loop recursion for the L-BFGS direction.
    const q = Float64Array.from(g);
    const alphas: number[] = [];
    for (let k = sHist.length - 1; k >= 0; k--) {
      const rho = 1 / dot(yHist[k]!, sHist[k]!);
      const a = rho * dot(sHist[k]!, q);
      alphas[k] = a;
      for (let i = 0; i < m; i++) q[i]! -= a * yHist[k]![i]!;
    }
    if (sHist.length > 0) {
      const last = sHist.length - 1;
      const gammaScale = dot(sHist[last]!, yHist[last]!) / dot(yHist[last]!, yHist[last]!);
      for (let i = 0; i < m; i++) q[i]! *= gammaScale;
    }
    for (let k = 0; k < sHist.length; k++) {
      const rho = 1 / dot(yHist[k]!, sHist[k]!);
      const b = rho * dot(yHist[k]!, q);
      for (let i = 0; i < m; i++) q[i]! += sHist[k]![i]! * (alphas[k]! - b);
    }
    if (dot(q, g) <= 0) {
      // Not a descent direction (memory went stale): restart from the gradient.
      sHist.length = 0;
      yHist.length = 0;
      q.set(g);
    }
    let step = 1;
    let accepted = false;
    const tNew = new Float64Array(m);
    const gNew = new Float64Array(m);
    let fNew = Infinity;
    for (let ls = 0; ls < 20; ls++) {
      for (let i = 0; i < m; i++) tNew[i] = Math.min(hi[i]!, Math.max(lo[i]!, t[i]! - step * q[i]!));
      fNew = f(tNew, gNew);
      let decrease = 0;
      for (let i = 0; i < m; i++) decrease += g[i]! * (t[i]! - tNew[i]!);
      if (fNew <= fx - 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(m);
    const yv = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      s[i] = tNew[i]! - t[i]!;
      yv[i] = gNew[i]! - g[i]!;
    }
    if (dot(s, yv) > 1e-12) {
      sHist.push(s);
      yHist.push(yv);
      if (sHist.length > 6) {
        sHist.shift();
        yHist.shift();
      }
    }
    const improvement = fx - fNew;
    t = tNew;
    g = Float64Array.from(gNew);
    fx = fNew;
    if (improvement < 1e-7 * Math.max(1, Math.abs(fx))) break;
  }
  return t;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Fits the GP to n points x (n×d, row-major) with standardised targets y. */
export function fitGp(x: Float64Array, y: Float64Array, d: number, categorical: readonly boolean[]): GpFit {
  const n = y.length;
  const m = d + 2;
  const lo = new Float64Array(m);
  const hi = new Float64Array(m);
  for (let k = 0; k < d; k++) {
    lo[k] = LOG_BOUNDS_LENGTH[0];
    hi[k] = LOG_BOUNDS_LENGTH[1];
  }
  [lo[d], hi[d]] = LOG_BOUNDS_SCALE;
  [lo[d + 1], hi[d + 1]] = LOG_BOUNDS_NOISE;
  const f = (t: Float64Array, g: Float64Array): number => objective(t, x, y, n, d, categorical, g);
  // A second start only while fits are cheap: past ~30 points one start is as good in practice.
  const starts = [[...new Array<number>(d).fill(Math.log(0.5)), 0, Math.log(1e-3)]];
  if (n <= 30) starts.push([...new Array<number>(d).fill(Math.log(0.15)), 0, Math.log(1e-5)]);
  let best: Float64Array | undefined;
  let bestValue = Infinity;
  const scratch = new Float64Array(m);
  for (const s of starts) {
    const t = minimizeBox(f, Float64Array.from(s), lo, hi, 40);
    const v = f(t, scratch);
    if (v < bestValue) {
      bestValue = v;
      best = t;
    }
  }
  const theta = best ?? Float64Array.from(starts[0]!);
  const lengthScales = new Float64Array(d);
  for (let k = 0; k < d; k++) lengthScales[k] = Math.exp(theta[k]!);
  const scale2 = Math.exp(theta[d]!);
  let noise2 = Math.exp(theta[d + 1]!);
  const invL2 = lengthScales.map((v) => 1 / (v * v));
  // Jitter ×10 until the factorisation succeeds (duplicate points make K singular without noise).
  for (;;) {
    const kmat = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = scale2 * matern(Math.sqrt(squaredDistance(x, i, x, j * d, d, invL2, categorical)));
        kmat[i * n + j] = kmat[j * n + i] = v;
      }
      kmat[i * n + i]! += noise2;
    }
    const l = cholesky(kmat, n);
    if (l !== undefined) {
      const alpha = solveUpper(l, n, solveLower(l, n, Float64Array.from(y)));
      return { n, d, x, lengthScales, invL2, scale2, noise2, l, alpha, categorical };
    }
    noise2 *= 10;
  }
}

/** Posterior mean and standard deviation of the latent function at z (length d). */
export function predictGp(gp: GpFit, z: ArrayLike<number>): { mu: number; sigma: number } {
  const { n, d } = gp;
  const invL2 = gp.invL2;
  const ks = new Float64Array(n);
  let mu = 0;
  for (let i = 0; i < n; i++) {
    ks[i] = gp.scale2 * matern(Math.sqrt(squaredDistance(gp.x, i, z, 0, d, invL2, gp.categorical)));
    mu += ks[i]! * gp.alpha[i]!;
  }
  const v = solveLower(gp.l, n, ks);
  const variance = Math.max(gp.scale2 - dot(v, v), 1e-12);
  return { mu, sigma: Math.sqrt(variance) };
}
