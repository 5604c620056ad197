import type { Rng } from '../core/rng.js';
import type { DType, Matrix } from '../core/matrix.js';
import { checkKeys, numberInRange, positiveNumber } from '../core/validate.js';
import type { Block, Kernels } from '../kernels/kernels.js';
import { Layer, kernelsOf, type LayerConfig } from './layer.js';
import { Param, checkTensorSize } from './param.js';
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
  private k!: Kernels;
  private ws!: Workspace;
  private xhat!: Matrix;
  private invStd!: Block;
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

  build(inputUnits: number, kernels: Kernels | DType, _rng?: Rng): void {
    const n = inputUnits;
    const k = kernelsOf(kernels);
    this.k = k;
    this.inputUnits = n;
    this.outputUnits = n;
    checkTensorSize(`${this.name}/gamma`, [n]);
    this.ws = new Workspace(k, { xhat: n, out: n, dx: n });
    this.gamma = new Param(`${this.name}/gamma`, [n], filled(k, n, 1));
    this.beta = new Param(`${this.name}/beta`, [n], k.alloc(n));
    this.movingMean = new Param(`${this.name}/movingMean`, [n], k.alloc(n), false);
    this.movingVariance = new Param(`${this.name}/movingVariance`, [n], filled(k, n, 1), false);
    // 1/√(σ² + ε) of the last forward pass (not a weight: kept out of weights()).
    this.invStd = k.alloc(n);
    this.built = true;
  }

  forward(x: Matrix, training: boolean): Matrix {
    const xhat = this.ws.matrix('xhat', x.rows);
    const out = this.ws.matrix('out', x.rows);
    this.trainingPass = training;
    this.k.batchNormForward(x.data, this.gamma.value, this.beta.value, this.movingMean.value, this.movingVariance.value,
      xhat.data, out.data, this.invStd.data, x.rows, x.cols, training, this.momentum, this.epsilon);
    this.xhat = xhat;
    return out;
  }

  backward(dY: Matrix, needInputGradient: boolean, accumulate = true): Matrix {
    const dX = this.ws.matrix('dx', dY.rows);
    this.k.batchNormBackward(dY.data, this.xhat.data, this.gamma.value, this.invStd.data, this.gamma.grad, this.beta.grad,
      needInputGradient ? dX.data : undefined, dY.rows, dY.cols, this.trainingPass, accumulate);
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

function filled(k: Kernels, n: number, value: number) {
  const b = k.alloc(n);
  b.data.fill(value);
  return b;
}
