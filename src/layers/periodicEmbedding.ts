import type { DType, Matrix } from '../core/matrix.js';
import type { Rng } from '../core/rng.js';
import { InputError } from '../core/errors.js';
import { booleanOption, checkKeys, integerAtLeast, positiveNumber } from '../core/validate.js';
import type { Kernels } from '../kernels/kernels.js';
import { Layer, kernelsOf, type LayerConfig } from './layer.js';
import { Param, checkTensorSize } from './param.js';
import { Workspace } from './workspace.js';
import { parseInputShape } from './dense.js';

/** Options of layers.periodicEmbedding. */
export interface PeriodicEmbeddingArgs {
  /** Frequencies k per embedded input; the layer computes cos and sin of each (default 16). */
  frequencies?: number;
  /** Outputs d per embedded input (default 16). */
  units?: number;
  /** Standard deviation σ of the initial frequencies (normal, cut at ±3σ; default 0.1). */
  sigma?: number;
  /** Indices of the inputs to embed, ascending (default every input); the others pass through unchanged. */
  columns?: readonly number[];
  /** Pass every input through after the embeddings, the embedded ones too (default false): the network keeps each value's linear reading. */
  includeInputs?: boolean;
  inputShape?: readonly number[];
  name?: string;
}

const KEYS = ['frequencies', 'units', 'sigma', 'columns', 'includeInputs', 'inputShape', 'name'];

/**
 * PLR embeddings of numeric inputs (Gorishniy et al. 2022, "On Embeddings for Numerical Features
 * in Tabular Deep Learning"): each embedded input x_j becomes
 * ReLU([cos(2π f_j x_j), sin(2π f_j x_j)]·W_j + b_j), d values from k learnt frequencies f_j and
 * its own linear map W_j [2k, d]; nothing is shared between inputs. The other inputs (one-hot
 * categories) are copied after the embeddings; with `includeInputs` every input is.
 * Shapes: [batch, in] → [batch, e·d + (in − e)] for e embedded inputs ([batch, e·d + in] with
 * `includeInputs`); `frequencies` is [e, k],
 * `projection` [e·2k, d] (input j's block of 2k rows: cosines, then sines), `bias` [e, d].
 */
export class PeriodicEmbedding extends Layer {
  readonly className = 'PeriodicEmbedding';
  readonly frequencyCount: number;
  readonly units: number;
  readonly sigma: number;
  /** Indices of the embedded inputs, or undefined for all of them (fixed at build). */
  readonly columns: readonly number[] | undefined;
  readonly includeInputs: boolean;
  private readonly inputShape: number | undefined;
  frequencies!: Param;
  projection!: Param;
  bias!: Param;
  private embedded!: Int32Array;
  private passed!: Int32Array;
  private ws!: Workspace;
  private input!: Matrix;
  private periodic!: Matrix;
  private z!: Matrix;
  /** Per-input scratch of backward: ∂E/∂z and ∂E/∂(cos, sin). */
  private dz!: Float64Array;
  private dPeriodic!: Float64Array;

  constructor(args: PeriodicEmbeddingArgs = {}) {
    checkKeys('periodicEmbedding', args, KEYS);
    super(args.name);
    const where = `periodicEmbedding${args.name ? ` "${args.name}"` : ''}`;
    this.frequencyCount = integerAtLeast(where, 'frequencies', args.frequencies ?? 16, 1);
    this.units = integerAtLeast(where, 'units', args.units ?? 16, 1);
    this.sigma = positiveNumber(where, 'sigma', args.sigma ?? 0.1);
    if (args.columns !== undefined) {
      if (!Array.isArray(args.columns) || args.columns.some((c, i) => !Number.isInteger(c) || c < 0 || (i > 0 && c <= args.columns![i - 1]!))) {
        throw new InputError(`${where}: columns must be ascending input indices ≥ 0, got ${JSON.stringify(args.columns).slice(0, 80)}`);
      }
      this.columns = [...args.columns];
    }
    this.includeInputs = booleanOption(where, 'includeInputs', args.includeInputs ?? false);
    this.inputShape = parseInputShape(where, args.inputShape);
  }

  declaredInputUnits(): number | undefined {
    return this.inputShape;
  }

  /** The outputs for `inputUnits` inputs: d per embedded input, then one per input passed through. */
  static outputUnitsFor(inputUnits: number, embedded: number, units: number, includeInputs: boolean): number {
    return embedded * units + (includeInputs ? inputUnits : inputUnits - embedded);
  }

  build(inputUnits: number, kernels: Kernels | DType, rng: Rng): void {
    const cols = this.columns ?? Array.from({ length: inputUnits }, (_, i) => i);
    const last = cols[cols.length - 1];
    if (last !== undefined && last >= inputUnits) throw new InputError(`${this.name}: column ${last} to embed is past the ${inputUnits} inputs`);
    const e = cols.length;
    const k2 = 2 * this.frequencyCount;
    const d = this.units;
    const kern = kernelsOf(kernels);
    this.embedded = Int32Array.from(cols);
    const set = new Set(this.includeInputs ? [] : cols);
    this.passed = Int32Array.from({ length: inputUnits - set.size }, () => 0);
    for (let i = 0, p = 0; i < inputUnits; i++) if (!set.has(i)) this.passed[p++] = i;
    this.inputUnits = inputUnits;
    this.outputUnits = PeriodicEmbedding.outputUnitsFor(inputUnits, e, d, this.includeInputs);
    checkTensorSize(`${this.name}/projection`, [e * k2, d]);
    this.ws = new Workspace(kern, { periodic: e * k2, z: e * d, out: this.outputUnits, dx: inputUnits });
    this.dz = new Float64Array(d);
    this.dPeriodic = new Float64Array(k2);
    this.frequencies = new Param(`${this.name}/frequencies`, [e, this.frequencyCount], kern.alloc(e * this.frequencyCount));
    this.projection = new Param(`${this.name}/projection`, [e * k2, d], kern.alloc(e * k2 * d));
    this.bias = new Param(`${this.name}/bias`, [e, d], kern.alloc(e * d));
    const f = this.frequencies.value;
    for (let i = 0; i < f.length; i++) {
      let v: number;
      do v = rng.normal(0, 1); while (Math.abs(v) > 3);
      f[i] = v * this.sigma;
    }
    // PyTorch's Linear initialisation, per input: U(±1/√(2k)).
    const bound = 1 / Math.sqrt(k2);
    const w = this.projection.value;
    for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
    const b = this.bias.value;
    for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
    this.built = true;
  }

  forward(x: Matrix, _training: boolean): Matrix {
    const m = x.rows;
    const n = this.inputUnits;
    const kf = this.frequencyCount;
    const k2 = 2 * kf;
    const d = this.units;
    const e = this.embedded.length;
    const outCols = this.outputUnits;
    const periodic = this.ws.matrix('periodic', m);
    const z = this.ws.matrix('z', m);
    const out = this.ws.matrix('out', m);
    const xs = x.data;
    const ps = periodic.data;
    const zs = z.data;
    const os = out.data;
    const f = this.frequencies.value;
    const w = this.projection.value;
    const b = this.bias.value;
    const tau = 2 * Math.PI;
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < e; j++) {
        const xv = xs[r * n + this.embedded[j]!]!;
        const p0 = (r * e + j) * k2;
        for (let i = 0; i < kf; i++) {
          const v = tau * f[j * kf + i]! * xv;
          ps[p0 + i] = Math.cos(v);
          ps[p0 + kf + i] = Math.sin(v);
        }
        const z0 = (r * e + j) * d;
        const o0 = r * outCols + j * d;
        for (let o = 0; o < d; o++) zs[z0 + o] = b[j * d + o]!;
        for (let t = 0; t < k2; t++) {
          const pv = ps[p0 + t]!;
          const w0 = (j * k2 + t) * d;
          for (let o = 0; o < d; o++) zs[z0 + o] = zs[z0 + o]! + pv * w[w0 + o]!;
        }
        for (let o = 0; o < d; o++) {
          const zv = zs[z0 + o]!;
          os[o0 + o] = zv > 0 ? zv : 0;
        }
      }
      const q0 = r * outCols + e * d;
      for (let q = 0; q < this.passed.length; q++) os[q0 + q] = xs[r * n + this.passed[q]!]!;
    }
    this.input = x;
    this.periodic = periodic;
    this.z = z;
    return out;
  }

  backward(dY: Matrix, needInputGradient: boolean, accumulate = true): Matrix {
    const m = dY.rows;
    const n = this.inputUnits;
    const kf = this.frequencyCount;
    const k2 = 2 * kf;
    const d = this.units;
    const e = this.embedded.length;
    const outCols = this.outputUnits;
    const dX = this.ws.matrix('dx', m);
    const dz = this.dz;
    const dps = this.dPeriodic;
    const ys = dY.data;
    const xs = this.input.data;
    const ps = this.periodic.data;
    const zs = this.z.data;
    const f = this.frequencies.value;
    const w = this.projection.value;
    const gf = this.frequencies.grad;
    const gw = this.projection.grad;
    const gb = this.bias.grad;
    if (!accumulate) {
      gf.fill(0);
      gw.fill(0);
      gb.fill(0);
    }
    const dxs = dX.data;
    if (needInputGradient) dxs.fill(0);
    const tau = 2 * Math.PI;
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < e; j++) {
        const z0 = (r * e + j) * d;
        const y0 = r * outCols + j * d;
        let any = false;
        for (let o = 0; o < d; o++) {
          const g = zs[z0 + o]! > 0 ? ys[y0 + o]! : 0;
          dz[o] = g;
          if (g !== 0) any = true;
        }
        if (!any) continue;
        for (let o = 0; o < d; o++) gb[j * d + o] = gb[j * d + o]! + dz[o]!;
        const p0 = (r * e + j) * k2;
        for (let t = 0; t < k2; t++) {
          const pv = ps[p0 + t]!;
          const w0 = (j * k2 + t) * d;
          let s = 0;
          for (let o = 0; o < d; o++) {
            gw[w0 + o] = gw[w0 + o]! + pv * dz[o]!;
            s += w[w0 + o]! * dz[o]!;
          }
          dps[t] = s;
        }
        // d cos v = −sin v dv, d sin v = cos v dv, v = 2π f x.
        const col = this.embedded[j]!;
        const xv = xs[r * n + col]!;
        let dx = 0;
        for (let i = 0; i < kf; i++) {
          const dv = -dps[i]! * ps[p0 + kf + i]! + dps[kf + i]! * ps[p0 + i]!;
          gf[j * kf + i] = gf[j * kf + i]! + dv * tau * xv;
          dx += dv * tau * f[j * kf + i]!;
        }
        if (needInputGradient) dxs[r * n + col] = dxs[r * n + col]! + dx;
      }
      if (needInputGradient) {
        const q0 = r * outCols + e * d;
        for (let q = 0; q < this.passed.length; q++) dxs[r * n + this.passed[q]!] = dxs[r * n + this.passed[q]!]! + ys[q0 + q]!;
      }
    }
    return dX;
  }

  /** The embedded inputs and the passed-through ones, in output order (an exporter's view; after build). */
  inputLayout(): { embedded: readonly number[]; passed: readonly number[] } {
    return { embedded: Array.from(this.embedded), passed: Array.from(this.passed) };
  }

  weights(): Param[] {
    return [this.frequencies, this.projection, this.bias];
  }

  getConfig(): LayerConfig {
    return {
      className: this.className,
      config: {
        name: this.name,
        frequencies: this.frequencyCount,
        units: this.units,
        sigma: this.sigma,
        columns: this.columns === undefined ? undefined : [...this.columns],
        includeInputs: this.includeInputs,
        inputShape: this.inputShape === undefined ? undefined : [this.inputShape],
      },
    };
  }
}
