import type { FloatArray } from '../core/matrix.js';

/** Batch normalisation forward per feature (see Kernels.batchNormForward). */
export function batchNormForward(x: FloatArray, gamma: FloatArray, beta: FloatArray, movingMean: FloatArray, movingVariance: FloatArray,
  xhat: FloatArray, out: FloatArray, invStd: FloatArray, m: number, n: number, training: boolean, momentum: number, epsilon: number): void {
  for (let j = 0; j < n; j++) {
    let mean: number;
    let variance: number;
    if (training) {
      let s = 0;
      for (let i = 0; i < m; i++) s += x[i * n + j]!;
      mean = s / m;
      let v = 0;
      for (let i = 0; i < m; i++) {
        const d = x[i * n + j]! - mean;
        v += d * d;
      }
      variance = v / m;
      movingMean[j] = momentum * movingMean[j]! + (1 - momentum) * mean;
      movingVariance[j] = momentum * movingVariance[j]! + (1 - momentum) * variance;
    } else {
      mean = movingMean[j]!;
      variance = movingVariance[j]!;
    }
    const inv = 1 / Math.sqrt(variance + epsilon);
    invStd[j] = inv;
    const gj = gamma[j]!;
    const bj = beta[j]!;
    for (let i = 0; i < m; i++) {
      const k = i * n + j;
      const h = (x[k]! - mean) * inv;
      xhat[k] = h;
      out[k] = gj * h + bj;
    }
  }
}

/** Batch normalisation backward per feature (see Kernels.batchNormBackward). */
export function batchNormBackward(dy: FloatArray, xhat: FloatArray, gamma: FloatArray, invStd: FloatArray, dGamma: FloatArray, dBeta: FloatArray,
  dX: FloatArray | undefined, m: number, n: number, training: boolean, accumulate: boolean): void {
  for (let j = 0; j < n; j++) {
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let i = 0; i < m; i++) {
      const k = i * n + j;
      sumDy += dy[k]!;
      sumDyXhat += dy[k]! * xhat[k]!;
    }
    dGamma[j] = (accumulate ? dGamma[j]! : 0) + sumDyXhat;
    dBeta[j] = (accumulate ? dBeta[j]! : 0) + sumDy;
    if (dX === undefined) continue;
    const scale = gamma[j]! * invStd[j]!;
    if (training) {
      // With x̂ depending on the batch's μ and σ²:
      // ∂E/∂x = γ/(m√(σ²+ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂))
      const c = scale / m;
      for (let i = 0; i < m; i++) {
        const k = i * n + j;
        dX[k] = c * (m * dy[k]! - sumDy - xhat[k]! * sumDyXhat);
      }
    } else {
      for (let i = 0; i < m; i++) dX[i * n + j] = scale * dy[i * n + j]!;
    }
  }
}
