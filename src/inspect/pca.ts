import { InputError } from '../core/errors.js';

/** Principal components of a set of points, by the points' coordinates in them. */
export interface PcaResult {
  /** [point][component]: the centred points projected on the components. */
  coordinates: number[][];
  /** λ_k / (n − 1): the variance along each component. */
  variances: number[];
  /** λ_k / Σ λ: the share of the total variance each component explains. */
  explainedRatio: number[];
  /** The mean point (length = dimension). */
  mean: number[];
}

/**
 * PCA of n points in d dimensions without a d×d covariance: the points are centred (X, n×d)
 * and the small n×n Gram matrix G = X·Xᵀ is decomposed by power iteration with deflation
 * (G ← G − λ·u·uᵀ). Since X = U·S·Vᵀ, the coordinates of the points on the components are
 * X·V = U·S, i.e. √λ_k·u_k. This is what a parameter trajectory needs: a few hundred snapshots
 * of a vector of maybe 10⁵ parameters. Each component's sign is fixed so that its largest
 * coordinate is positive (deterministic output).
 */
export function pca(points: readonly ArrayLike<number>[], components = 2): PcaResult {
  const n = points.length;
  if (n === 0) throw new InputError('pca: 0 points');
  const d = points[0]!.length;
  for (let i = 1; i < n; i++) {
    if (points[i]!.length !== d) throw new InputError(`pca: point ${i} has ${points[i]!.length} values, point 0 has ${d}`);
  }
  const mean = new Float64Array(d);
  for (const p of points) for (let j = 0; j < d; j++) mean[j]! += p[j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;

  const G = new Float64Array(n * n);
  const centred = points.map((p) => {
    const c = new Float64Array(d);
    for (let j = 0; j < d; j++) c[j] = p[j]! - mean[j]!;
    return c;
  });
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const ca = centred[a]!;
      const cb = centred[b]!;
      let s = 0;
      for (let j = 0; j < d; j++) s += ca[j]! * cb[j]!;
      G[a * n + b] = s;
      G[b * n + a] = s;
    }
  }
  let trace = 0;
  for (let a = 0; a < n; a++) trace += G[a * n + a]!;

  const k = Math.min(components, n);
  const coordinates = Array.from({ length: n }, () => new Array<number>(components).fill(0));
  const lambdas: number[] = [];
  for (let c = 0; c < k; c++) {
    const { lambda, u } = topEigenpair(G, n);
    lambdas.push(lambda);
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(u[i]!) > Math.abs(u[big]!)) big = i;
    const sign = u[big]! < 0 ? -1 : 1;
    const s = Math.sqrt(Math.max(lambda, 0));
    for (let i = 0; i < n; i++) coordinates[i]![c] = sign * s * u[i]!;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) G[a * n + b]! -= lambda * u[a]! * u[b]!;
  }
  while (lambdas.length < components) lambdas.push(0);
  return {
    coordinates,
    variances: lambdas.map((l) => (n > 1 ? l / (n - 1) : 0)),
    explainedRatio: lambdas.map((l) => (trace > 0 ? l / trace : 0)),
    mean: Array.from(mean),
  };
}

/**
 * Largest eigenvalue and unit eigenvector of a symmetric positive semi-definite n×n matrix by
 * power iteration, from a fixed start vector (not orthogonal to any eigenvector in practice).
 */
function topEigenpair(G: Float64Array, n: number): { lambda: number; u: Float64Array } {
  let u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = 1 + 0.1 * Math.sin(i + 1);
  normalise(u);
  let v = new Float64Array(n);
  for (let iter = 0; iter < 5000; iter++) {
    for (let a = 0; a < n; a++) {
      let s = 0;
      const row = a * n;
      for (let b = 0; b < n; b++) s += G[row + b]! * u[b]!;
      v[a] = s;
    }
    const norm = normalise(v);
    if (norm === 0) return { lambda: 0, u };
    // G is positive semi-definite, so the iterate does not flip sign: stop when it stands still.
    // (With a repeated eigenvalue it may keep turning inside the eigenspace until the cap,
    // where every direction is as good.)
    let diff = 0;
    for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(v[i]! - u[i]!));
    [u, v] = [v, u];
    if (diff < 1e-13) break;
  }
  // Rayleigh quotient: the eigenvalue estimate that does not depend on the last step's error.
  let num = 0;
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let b = 0; b < n; b++) s += G[a * n + b]! * u[b]!;
    num += u[a]! * s;
  }
  return { lambda: Math.max(num, 0), u };
}

function normalise(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const norm = Math.sqrt(s);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return norm;
}
