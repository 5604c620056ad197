import type { Rng } from '../core/rng.js';
import type { DType, Matrix } from '../core/matrix.js';
import { allocate } from '../core/matrix.js';
import { checkKeys, numberInRange, positiveNumber } from '../core/validate.js';
import { Layer, type LayerConfig } from './layer.js';
import { Param } from './param.js';
import { Workspace } from './workspace.js';
import { parseInputShape } from './dense.js';

/** Options of layers.batchNormalization. */
export interface BatchNormalizationArgs {
  /** Weight of the old value in the moving averages; default 0.99 (Keras). */
  momentum?: number;
  /** Added to the variance before the square root; default 1e-3 (Keras). */
  epsilon?: number;
  inputShape?: readonly number[];
  name?: string;
}

/**
 * Batch normalisation per feature: x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β.
 * Training uses the batch's μ, σ² (biased) and updates the moving averages
 * m ← momentum·m + (1 − momentum)·batch; inference uses the moving averages.
 * Shapes: [batch, n] → [batch, n]; γ, β, moving mean and moving variance are [n].
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  private readonly inputShape: number | undefined;
  gamma!: Param;
  beta!: Param;
  movingMean!: Param;
  movingVariance!: Param;
  private ws!: Workspace;
  private xhat!: Matrix;
  private invStd!: Float64Array;
  private trainingPass = false;

  constructor(args: BatchNormalizationArgs = {}) {
    checkKeys('batchNormalization', args, ['momentum', 'epsilon', 'inputShape', 'name']);
    super(args.name);
    this.momentum = numberInRange('batchNormalization', 'momentum', args.momentum ?? 0.99, 0, 1, true);
    this.epsilon = positiveNumber('batchNormalization', 'epsilon', args.epsilon ?? 1e-3);
    this.inputShape = parseInputShape('batchNormalization', args.inputShape);
  }

  declaredInputUnits(): number | undefined {
    return this.inputShape;
  }

  build(inputUnits: number, dtype: DType, _rng?: Rng): void {
    const n = inputUnits;
    this.inputUnits = n;
    this.outputUnits = n;
    this.ws = new Workspace(dtype);
    this.gamma = new Param(`${this.name}/gamma`, [n], allocate(dtype, n).fill(1));
    this.beta = new Param(`${this.name}/beta`, [n], allocate(dtype, n));
    this.movingMean = new Param(`${this.name}/movingMean`, [n], allocate(dtype, n), false);
    this.movingVariance = new Param(`${this.name}/movingVariance`, [n], allocate(dtype, n).fill(1), false);
    this.invStd = new Float64Array(n);
    this.built = true;
  }

  forward(x: Matrix, training: boolean): Matrix {
    const m = x.rows;
    const n = x.cols;
    const xd = x.data;
    const xhat = this.ws.matrix('xhat', m, n);
    const out = this.ws.matrix('out', m, n);
    const g = this.gamma.value;
    const b = this.beta.value;
    this.trainingPass = training;
    for (let j = 0; j < n; j++) {
      let mean: number;
      let variance: number;
      if (training) {
        let s = 0;
        for (let i = 0; i < m; i++) s += xd[i * n + j]!;
        mean = s / m;
        let v = 0;
        for (let i = 0; i < m; i++) {
          const d = xd[i * n + j]! - mean;
          v += d * d;
        }
        variance = v / m;
        const mom = this.momentum;
        this.movingMean.value[j] = mom * this.movingMean.value[j]! + (1 - mom) * mean;
        this.movingVariance.value[j] = mom * this.movingVariance.value[j]! + (1 - mom) * variance;
      } else {
        mean = this.movingMean.value[j]!;
        variance = this.movingVariance.value[j]!;
      }
      const inv = 1 / Math.sqrt(variance + this.epsilon);
      this.invStd[j] = inv;
      const gj = g[j]!;
      const bj = b[j]!;
      for (let i = 0; i < m; i++) {
        const k = i * n + j;
        const h = (xd[k]! - mean) * inv;
        xhat.data[k] = h;
        out.data[k] = gj * h + bj;
      }
    }
    this.xhat = xhat;
    return out;
  }

  backward(dY: Matrix, needInputGradient: boolean, accumulate = true): Matrix {
    const m = dY.rows;
    const n = dY.cols;
    const dy = dY.data;
    const xh = this.xhat.data;
    const dX = this.ws.matrix('dx', m, n);
    for (let j = 0; j < n; j++) {
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let i = 0; i < m; i++) {
        const k = i * n + j;
        sumDy += dy[k]!;
        sumDyXhat += dy[k]! * xh[k]!;
      }
      this.gamma.grad[j] = (accumulate ? this.gamma.grad[j]! : 0) + sumDyXhat;
      this.beta.grad[j] = (accumulate ? this.beta.grad[j]! : 0) + sumDy;
      if (!needInputGradient) continue;
      const scale = this.gamma.value[j]! * this.invStd[j]!;
      if (this.trainingPass) {
        // With x̂ depending on the batch's μ and σ²:
        // ∂E/∂x = γ/(m√(σ²+ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂))
        const c = scale / m;
        for (let i = 0; i < m; i++) {
          const k = i * n + j;
          dX.data[k] = c * (m * dy[k]! - sumDy - xh[k]! * sumDyXhat);
        }
      } else {
        for (let i = 0; i < m; i++) dX.data[i * n + j] = scale * dy[i * n + j]!;
      }
    }
    return dX;
  }

  weights(): Param[] {
    return [this.gamma, this.beta, this.movingMean, this.movingVariance];
  }

  getConfig(): LayerConfig {
    return {
      className: this.className,
      config: { name: this.name, momentum: this.momentum, epsilon: this.epsilon, inputShape: this.inputShape === undefined ? undefined : [this.inputShape] },
    };
  }
}
