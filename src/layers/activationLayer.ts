import type { Rng } from '../core/rng.js';
import type { DType, Matrix } from '../core/matrix.js';
import { checkKeys } from '../core/validate.js';
import { getActivation, type Activation, type ActivationSpec } from '../activations.js';
import type { Kernels } from '../kernels/kernels.js';
import { Layer, kernelsOf, type LayerConfig } from './layer.js';
import type { Param } from './param.js';
import { Workspace } from './workspace.js';
import { parseInputShape } from './dense.js';

/** Options of layers.activation. */
export interface ActivationArgs {
  /** The function applied element-wise (softmax: row-wise). */
  activation: ActivationSpec;
  inputShape?: readonly number[];
  name?: string;
}

/** a = g(x), shape-preserving: [batch, n] → [batch, n]. */
export class ActivationLayer extends Layer {
  readonly className = 'Activation';
  readonly activation: Activation;
  private readonly inputShape: number | undefined;
  private k!: Kernels;
  private ws!: Workspace;
  private x!: Matrix;
  private a!: Matrix;

  constructor(args: ActivationArgs) {
    checkKeys('activation layer', args, ['activation', 'inputShape', 'name']);
    super(args.name);
    this.activation = getActivation(args.activation, 'activation layer');
    this.inputShape = parseInputShape('activation layer', args.inputShape);
  }

  declaredInputUnits(): number | undefined {
    return this.inputShape;
  }

  build(inputUnits: number, kernels: Kernels | DType, _rng?: Rng): void {
    this.inputUnits = inputUnits;
    this.outputUnits = inputUnits;
    this.k = kernelsOf(kernels);
    this.ws = new Workspace(this.k, { a: inputUnits, dx: inputUnits });
    this.built = true;
  }

  forward(x: Matrix): Matrix {
    this.x = x;
    this.a = this.ws.matrix('a', x.rows);
    this.activation.forward(x.data, this.a.data, x.rows, x.cols, this.k);
    return this.a;
  }

  backward(dY: Matrix): Matrix {
    const dX = this.ws.matrix('dx', dY.rows);
    this.activation.backward(this.x.data, this.a.data, dY.data, dX.data, dY.rows, dY.cols, this.k);
    return dX;
  }

  override outputActivation(): Activation {
    return this.activation;
  }

  /** The layer's input is its activation's z. */
  override lastPreactivation(): Matrix {
    return this.x;
  }

  override backwardFromPreactivation(dZ: Matrix): Matrix {
    return dZ;
  }

  weights(): Param[] {
    return [];
  }

  getConfig(): LayerConfig {
    return {
      className: this.className,
      config: { name: this.name, activation: this.activation.spec, inputShape: this.inputShape === undefined ? undefined : [this.inputShape] },
    };
  }
}
