/**
 * The float64 reference every gemm kernel is tested against: out[i, j] = Σₚ a(i, p)·b(p, j) for
 * an [m×k]·[k×n] product, as plain loops. `a` and `b` read the operands, so one reference serves
 * the three cases (XW, δWᵀ, Xᵀδ) by how they index.
 */
export function naiveGemm(m: number, k: number, n: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
    out[i * n + j] = s;
  }
  return out;
}
