import type { FloatArray } from '../core/matrix.js';

/*
 * The three matrix products backprop needs, on flat row-major arrays, writing into `out`.
 * With `accumulate` the product is added to `out` (gradients accumulate); otherwise `out` is
 * overwritten. Rows are processed four at a time so each streamed row of the right-hand matrix
 * feeds four outputs (register tiling); inner loops run over contiguous memory.
 */

/** Forward: out[m×n] = a[m×k] · b[k×n]  (z = X·W). */
export function gemmNN(a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void {
  if (!accumulate) out.fill(0, 0, m * n);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    for (let p = 0; p < k; p++) {
      const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) {
        const w = b[bp + j]!;
        out[o0 + j]! += x0 * w;
        out[o1 + j]! += x1 * w;
        out[o2 + j]! += x2 * w;
        out[o3 + j]! += x3 * w;
      }
    }
  }
  for (; i < m; i++) {
    const ai = i * k;
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p]!;
      if (x === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j]! += x * b[bp + j]!;
    }
  }
}

/** Backward to the input: out[m×k] = d[m×n] · w[k×n]ᵀ  (∂E/∂X = δ·Wᵀ). */
export function gemmNT(d: FloatArray, w: FloatArray, out: FloatArray, m: number, n: number, k: number, accumulate: boolean): void {
  for (let i = 0; i < m; i++) {
    const di = i * n;
    const oi = i * k;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const w0 = p * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < n; j++) {
        const dv = d[di + j]!;
        s0 += dv * w[w0 + j]!;
        s1 += dv * w[w1 + j]!;
        s2 += dv * w[w2 + j]!;
        s3 += dv * w[w3 + j]!;
      }
      if (accumulate) {
        out[oi + p]! += s0; out[oi + p + 1]! += s1; out[oi + p + 2]! += s2; out[oi + p + 3]! += s3;
      } else {
        out[oi + p] = s0; out[oi + p + 1] = s1; out[oi + p + 2] = s2; out[oi + p + 3] = s3;
      }
    }
    for (; p < k; p++) {
      const wp = p * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += d[di + j]! * w[wp + j]!;
      if (accumulate) out[oi + p]! += s;
      else out[oi + p] = s;
    }
  }
}

/** Backward to the weights: out[k×n] (+)= x[m×k]ᵀ · d[m×n]  (∂E/∂W = Xᵀ·δ). */
export function gemmTN(x: FloatArray, d: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void {
  if (m === 1 && !accumulate) {
    // One sample (SGD with batch size 1): the outer product x·δ written straight into out.
    for (let p = 0; p < k; p++) {
      const v = x[p]!;
      const op = p * n;
      if (v === 0) out.fill(0, op, op + n);
      else for (let j = 0; j < n; j++) out[op + j] = v * d[j]!;
    }
    return;
  }
  if (!accumulate) out.fill(0, 0, k * n);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const x0 = i * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
    const d0 = i * n, d1 = d0 + n, d2 = d1 + n, d3 = d2 + n;
    for (let p = 0; p < k; p++) {
      const v0 = x[x0 + p]!, v1 = x[x1 + p]!, v2 = x[x2 + p]!, v3 = x[x3 + p]!;
      const op = p * n;
      for (let j = 0; j < n; j++) {
        out[op + j]! += v0 * d[d0 + j]! + v1 * d[d1 + j]! + v2 * d[d2 + j]! + v3 * d[d3 + j]!;
      }
    }
  }
  for (; i < m; i++) {
    const xi = i * k;
    const di = i * n;
    for (let p = 0; p < k; p++) {
      const v = x[xi + p]!;
      if (v === 0) continue;
      const op = p * n;
      for (let j = 0; j < n; j++) out[op + j]! += v * d[di + j]!;
    }
  }
}
