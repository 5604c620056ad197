import type { DType, Matrix } from '../core/matrix.js';
import type { Rng, RngState } from '../core/rng.js';
import { NotFittedError } from '../core/errors.js';
import { checkKeys, numberInRange, booleanOption } from '../core/validate.js';
import type { Kernels } from '../kernels/kernels.js';
import { Layer, kernelsOf, type LayerConfig } from './layer.js';
import type { Param } from './param.js';
import { Workspace } from './workspace.js';
import { parseInputShape } from './dense.js';

/** Options of layers.dropout. */
export interface DropoutArgs {
  /** Fraction of units dropped in training, in [0, 1). */
  rate: number;
  /** Keep dropping at inference too (Monte Carlo dropout). Default false. */
  monteCarlo?: boolean;
  inputShape?: readonly number[];
  name?: string;
}

/**
 * Inverted dropout: in training each unit is kept with probability 1 − rate and scaled by
 * 1/(1 − rate), so inference is the identity (no rescaling there, the ConvNetJS trap).
 * The mask comes from the model's seeded Rng.
 */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  /** When true, dropout stays on in inference (Monte Carlo dropout). */
  monteCarlo: boolean;
  /** When true, the next forward passes reuse the last mask (gradient checks, explain). */
  freezeMask = false;
  private readonly inputShape: number | undefined;
  private k!: Kernels;
  private ws!: Workspace;
  private rng!: Rng;
  private mask: Matrix | undefined;
  private active = false;

  constructor(args: DropoutArgs) {
    checkKeys('dropout', args, ['rate', 'monteCarlo', 'inputShape', 'name']);
    super(args.name);
    this.rate = numberInRange('dropout', 'rate', args.rate, 0, 1);
    this.monteCarlo = booleanOption('dropout', 'monteCarlo', args.monteCarlo ?? false);
    this.inputShape = parseInputShape('dropout', args.inputShape);
  }

  declaredInputUnits(): number | undefined {
    return this.inputShape;
  }

  build(inputUnits: number, kernels: Kernels | DType, rng: Rng): void {
    this.inputUnits = inputUnits;
    this.outputUnits = inputUnits;
    this.k = kernelsOf(kernels);
    this.ws = new Workspace(this.k, { mask: inputUnits, out: inputUnits, dx: inputUnits });
    this.rng = rng.fork();
    this.built = true;
  }

  forward(x: Matrix, training: boolean): Matrix {
    this.active = (training || this.monteCarlo) && this.rate > 0;
    if (!this.active) return x;
    const n = x.rows * x.cols;
    const maskM = this.ws.matrix('mask', x.rows);
    const out = this.ws.matrix('out', x.rows);
    if (!this.freezeMask || this.mask === undefined || this.mask.rows * this.mask.cols !== n) {
      this.k.dropoutMask(this.rng, maskM.data, n, this.rate);
    }
    this.mask = maskM;
    this.k.multiply(x.data, this.mask.data, out.data, n);
    return out;
  }

  backward(dY: Matrix): Matrix {
    if (!this.active || this.mask === undefined) return dY;
    const dX = this.ws.matrix('dx', dY.rows);
    // ∂E/∂x = ∂E/∂y ⊙ mask
    this.k.multiply(dY.data, this.mask.data, dX.data, dY.rows * dY.cols);
    return dX;
  }

  weights(): Param[] {
    return [];
  }

  /** The mask generator's state, so a saved checkpoint resumes with the same masks (RELIABILITY T5). */
  override freezeRandomness(frozen: boolean): void {
    this.freezeMask = frozen;
  }

  override getRngState(): RngState {
    if (!this.built) throw new NotFittedError(`${this.name}: not built; it has no mask generator yet`);
    return this.rng.getState();
  }

  override setRngState(state: RngState): void {
    if (!this.built) throw new NotFittedError(`${this.name}: not built; build the model before restoring its state`);
    this.rng.setState(state);
  }

  getConfig(): LayerConfig {
    return {
      className: this.className,
      config: { name: this.name, rate: this.rate, monteCarlo: this.monteCarlo, inputShape: this.inputShape === undefined ? undefined : [this.inputShape] },
    };
  }
}
