import { Matrix, type DType } from '../core/matrix.js';
import type { Rng } from '../core/rng.js';
import { InputError } from '../core/errors.js';
import { checkKeys, integerAtLeast, booleanOption } from '../core/validate.js';
import { getActivation, type Activation, type ActivationSpec } from '../activations.js';
import { getInitializer, type InitializerSpec, type Initializer } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import type { Kernels } from '../kernels/kernels.js';
import { Layer, kernelsOf, type LayerConfig } from './layer.js';
import { Param, checkTensorSize } from './param.js';
import { Workspace } from './workspace.js';

/** Options of layers.dense. */
export interface DenseArgs {
  /** Number of output units (> 0). */
  units: number;
  /** g in a = g(z); default 'linear'. */
  activation?: ActivationSpec;
  /** Whether z includes the bias b; default true. */
  useBias?: boolean;
  /** Initial W; default 'glorotUniform' (Keras). */
  kernelInitializer?: InitializerSpec;
  /** Initial b; default 'zeros'. */
  biasInitializer?: InitializerSpec;
  /** Penalty on W added to the loss. */
  kernelRegularizer?: RegularizerSpec;
  /** On the first layer: `[features]`. */
  inputShape?: readonly number[];
  /** Keras' `input_dim`, the same as `inputShape: [inputDim]`. */
  inputDim?: number;
  name?: string;
}

const DENSE_KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'inputShape', 'inputDim', 'name'];

/**
 * Fully connected layer: z = a·W + b, a' = g(z).
 * Shapes: input [batch, in] → output [batch, units]; W is [in, units] (Keras layout), b is [units].
 */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  private readonly inputShape: number | undefined;
  kernel!: Param;
  bias: Param | undefined;
  private k!: Kernels;
  private ws!: Workspace;
  private input!: Matrix;
  private z!: Matrix;
  private a!: Matrix;

  constructor(args: DenseArgs) {
    checkKeys('dense', args, DENSE_KEYS);
    super(args.name);
    const where = `dense${args.name ? ` "${args.name}"` : ''}`;
    this.units = integerAtLeast(where, 'units', args.units, 1);
    this.activation = getActivation(args.activation, where);
    this.useBias = booleanOption(where, 'useBias', args.useBias ?? true);
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', `${where} kernelInitializer`);
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', `${where} biasInitializer`);
    this.kernelRegularizer = args.kernelRegularizer === undefined ? undefined : getRegularizer(args.kernelRegularizer);
    this.inputShape = parseInputShape(where, args.inputShape, args.inputDim);
    this.outputUnits = this.units;
  }

  declaredInputUnits(): number | undefined {
    return this.inputShape;
  }

  build(inputUnits: number, kernels: Kernels | DType, rng: Rng): void {
    const size = checkTensorSize(`${this.name}/kernel`, [inputUnits, this.units]);
    const k = kernelsOf(kernels);
    this.k = k;
    this.inputUnits = inputUnits;
    this.ws = new Workspace(k, { z: this.units, a: this.units, dz: this.units, dx: inputUnits });
    const w = new Param(`${this.name}/kernel`, [inputUnits, this.units], k.alloc(size), true, this.kernelRegularizer);
    this.kernelInitializer.fill(w.value, inputUnits, this.units, rng);
    this.kernel = w;
    if (this.useBias) {
      const b = new Param(`${this.name}/bias`, [this.units], k.alloc(this.units));
      this.biasInitializer.fill(b.value, inputUnits, this.units, rng);
      this.bias = b;
    }
    this.built = true;
  }

  forward(x: Matrix, _training: boolean): Matrix {
    const m = x.rows;
    const k = this.k;
    this.input = x;
    const linear = this.activation.name === 'linear';
    const z = this.ws.matrix('z', m);
    const a = linear ? z : this.ws.matrix('a', m);
    k.denseForward(x.data, this.kernel.value, this.bias?.value, z.data, a.data, m, this.inputUnits, this.units, this.activation.name, this.activation.alpha);
    this.z = z;
    this.a = a;
    return a;
  }

  backward(dY: Matrix, needInputGradient: boolean, accumulate = true): Matrix {
    if (this.activation.name === 'linear') return this.backwardFromPreactivation(dY, needInputGradient, accumulate);
    const dZ = this.ws.matrix('dz', dY.rows);
    // δ = ∂E/∂a ⊙ g'(z)
    this.activation.backward(this.z.data, this.a.data, dY.data, dZ.data, dY.rows, this.units, this.k);
    return this.backwardFromPreactivation(dZ, needInputGradient, accumulate);
  }

  override backwardFromPreactivation(dZ: Matrix, needInputGradient: boolean, accumulate = true): Matrix {
    const m = dZ.rows;
    const k = this.k;
    const dX = this.ws.matrix('dx', needInputGradient ? m : 0);
    // ∂E/∂W += aᵀ·δ ; ∂E/∂b += Σ_rows δ ; ∂E/∂a_prev = δ·Wᵀ
    k.gemmTN(this.input.data, dZ.data, this.kernel.grad, m, this.inputUnits, this.units, accumulate);
    if (this.bias) k.columnSums(dZ.data, this.bias.grad, m, this.units, accumulate);
    if (needInputGradient) k.gemmNT(dZ.data, this.kernel.value, dX.data, m, this.units, this.inputUnits, false);
    return dX;
  }

  override outputActivation(): Activation {
    return this.activation;
  }

  /** The pre-activation z of the last forward pass (a view; read before the next call). */
  override lastPreactivation(): Matrix {
    return this.z;
  }

  weights(): Param[] {
    return this.bias ? [this.kernel, this.bias] : [this.kernel];
  }

  getConfig(): LayerConfig {
    return {
      className: this.className,
      config: {
        name: this.name,
        units: this.units,
        activation: this.activation.spec,
        useBias: this.useBias,
        kernelInitializer: { name: this.kernelInitializer.name, config: this.kernelInitializer.config },
        biasInitializer: { name: this.biasInitializer.name, config: this.biasInitializer.config },
        kernelRegularizer: this.kernelRegularizer ? { name: this.kernelRegularizer.name, ...this.kernelRegularizer.config } : undefined,
        inputShape: this.inputShape === undefined ? undefined : [this.inputShape],
      },
    };
  }
}

export function parseInputShape(where: string, inputShape: readonly number[] | undefined, inputDim?: number): number | undefined {
  if (inputDim !== undefined) return integerAtLeast(where, 'inputDim', inputDim, 1);
  if (inputShape === undefined) return undefined;
  if (!Array.isArray(inputShape) || inputShape.length !== 1) {
    throw new InputError(`${where}: inputShape must be [features] for an MLP, got ${JSON.stringify(inputShape)}`);
  }
  return integerAtLeast(where, 'inputShape[0]', inputShape[0], 1);
}
