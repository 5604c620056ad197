import type { DType, FloatArray, Matrix } from '../core/matrix.js';
import type { Rng, RngState } from '../core/rng.js';
import { NotFittedError } from '../core/errors.js';
import { checkKeys, numberInRange, booleanOption } from '../core/validate.js';
import { Layer, type LayerConfig } from './layer.js';
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
  private ws!: Workspace;
  private rng!: Rng;
  private mask: FloatArray | undefined;
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

  build(inputUnits: number, dtype: DType, rng: Rng): void {
    this.inputUnits = inputUnits;
    this.outputUnits = inputUnits;
    this.ws = new Workspace(dtype);
    this.rng = rng.fork();
    this.built = true;
  }

  forward(x: Matrix, training: boolean): Matrix {
    this.active = (training || this.monteCarlo) && this.rate > 0;
    if (!this.active) return x;
    const n = x.rows * x.cols;
    const maskM = this.ws.matrix('mask', x.rows, x.cols);
    if (!this.freezeMask || this.mask === undefined || this.mask.length !== n) {
      const keep = 1 - this.rate;
      const scale = 1 / keep;
      const m = maskM.data;
      for (let i = 0; i < n; i++) m[i] = this.rng.uniform() < keep ? scale : 0;
      this.mask = m;
    }
    const out = this.ws.matrix('out', x.rows, x.cols);
    const mask = this.mask;
    for (let i = 0; i < n; i++) out.data[i] = x.data[i]! * mask[i]!;
    return out;
  }

  backward(dY: Matrix): Matrix {
    if (!this.active || this.mask === undefined) return dY;
    const dX = this.ws.matrix('dx', dY.rows, dY.cols);
    const n = dY.rows * dY.cols;
    // ∂E/∂x = ∂E/∂y ⊙ mask
    for (let i = 0; i < n; i++) dX.data[i] = dY.data[i]! * this.mask[i]!;
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
