import { InputError, NotFittedError, ShapeError } from '../core/errors.js';
import { Matrix, allocate, type DType } from '../core/matrix.js';
import { quantilesInPlace } from './orderStatistics.js';

/** Rows of numbers, one sample per row. */
export type Rows = readonly (readonly number[])[];
/**
 * Which scaler: `standard` (zero mean, unit variance), `minMax` (onto [0, 1]) or `robust` (median
 * and interquartile range, then a smooth clip).
 */
export type ScalerKind = 'standard' | 'minMax' | 'robust';

/** A fitted scaler as plain JSON, saved with a model. */
export interface ScalerJSON {
  kind: ScalerKind;
  offset: number[];
  scale: number[];
  /** Bound c of the smooth clip z / √(1 + (z/c)²) applied after the affine map; absent = none. */
  clip?: number;
}

/** The smooth clip z / √(1 + (z/c)²): about z near 0, tending to ±c; c = Infinity is the identity. */
export function smoothClip(z: number, c: number): number {
  return z / Math.sqrt(1 + (z / c) ** 2);
}

/** The inverse of smoothClip on (−c, c): u / √(1 − (u/c)²) (±Infinity at ±c). */
export function smoothUnclip(u: number, c: number): number {
  return u / Math.sqrt(1 - (u / c) ** 2);
}

/**
 * Per-column transform fitted on training rows only, saved with the model as plain JSON.
 * Takes number[][] (giving number[][]) or a Matrix (giving a new Matrix, for large tables).
 */
export interface Scaler {
  readonly kind: ScalerKind;
  /** Learns each column's offset and scale from these rows. */
  fit(x: Rows | Matrix): this;
  /** Scales rows with the fitted statistics: (x − offset) / scale (then the smooth clip, if any). */
  transform(x: Matrix, dtype?: DType): Matrix;
  /** Scales rows given as arrays; gives arrays. */
  transform(x: Rows): number[][];
  /** Maps scaled rows back: x · scale + offset. */
  inverseTransform(x: Matrix, dtype?: DType): Matrix;
  /** Maps scaled rows given as arrays back; gives arrays. */
  inverseTransform(x: Rows): number[][];
  /** fit, then transform. */
  fitTransform(x: Matrix): Matrix;
  /** fit, then transform, on arrays. */
  fitTransform(x: Rows): number[][];
  /** The fitted statistics as plain JSON (scalerFromJSON reads it back). */
  toJSON(): ScalerJSON;
}

/**
 * A column-wise affine map x' = (x − offset)/scale. Constant columns get scale 1 so they map to
 * 0 instead of NaN (as scikit-learn).
 */
abstract class AffineScaler implements Scaler {
  abstract readonly kind: ScalerKind;
  offset: number[] | undefined;
  scale: number[] | undefined;
  /** Bound of the smooth clip after the affine map; Infinity = none. */
  clip = Infinity;

  /** Offset and scale of one column, read through `at(i)` for i < n. */
  protected abstract stats(at: (i: number) => number, n: number): [offset: number, scale: number];

  fit(x: Rows | Matrix): this {
    const n = x instanceof Matrix ? x.rows : x.length;
    if (n === 0) throw new InputError(`${this.kind} scaler: 0 samples to fit on`);
    const d = x instanceof Matrix ? x.cols : x[0]!.length;
    const offset: number[] = [];
    const scale: number[] = [];
    for (let j = 0; j < d; j++) {
      const at =
        x instanceof Matrix
          ? (i: number) => x.data[i * d + j]!
          : (i: number) => {
              const r = x[i]!;
              if (r.length !== d) throw new ShapeError(`${this.kind} scaler: row ${i} has ${r.length} values, row 0 has ${d}`);
              return r[j]!;
            };
      for (let i = 0; i < n; i++) {
        const v = at(i);
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${this.kind} scaler: row ${i}, column ${j} is ${String(v)}`);
      }
      const [o, s] = this.stats(at, n);
      offset.push(o);
      scale.push(s === 0 || !Number.isFinite(s) ? 1 : s);
    }
    this.offset = offset;
    this.scale = scale;
    return this;
  }

  private fitted(): [number[], number[]] {
    if (!this.offset || !this.scale) throw new NotFittedError(`${this.kind} scaler: call fit before transform`);
    return [this.offset, this.scale];
  }

  private check(cols: number, row: number): void {
    const d = this.offset!.length;
    if (cols !== d) throw new ShapeError(`${this.kind} scaler: ${row >= 0 ? `row ${row} has` : 'x has'} ${cols} features, the scaler was fitted on ${d}`);
  }

  private apply(x: Rows | Matrix, inverse: boolean, dtype?: DType): number[][] | Matrix {
    const [o, s] = this.fitted();
    const c = this.clip;
    const f = c === Infinity
      ? (inverse ? (v: number, j: number) => v * s[j]! + o[j]! : (v: number, j: number) => (v - o[j]!) / s[j]!)
      : (inverse ? (v: number, j: number) => smoothUnclip(v, c) * s[j]! + o[j]! : (v: number, j: number) => smoothClip((v - o[j]!) / s[j]!, c));
    if (x instanceof Matrix) {
      this.check(x.cols, -1);
      const out = new Matrix(x.rows, x.cols, allocate(dtype ?? x.dtype, x.rows * x.cols));
      const d = x.cols;
      for (let i = 0; i < x.rows * d; i++) out.data[i] = f(x.data[i]!, i % d);
      return out;
    }
    return x.map((r, i) => {
      this.check(r.length, i);
      return r.map(f);
    });
  }

  transform(x: Matrix, dtype?: DType): Matrix;
  transform(x: Rows): number[][];
  transform(x: Rows | Matrix, dtype?: DType): number[][] | Matrix {
    return this.apply(x, false, dtype);
  }

  inverseTransform(x: Matrix, dtype?: DType): Matrix;
  inverseTransform(x: Rows): number[][];
  inverseTransform(x: Rows | Matrix, dtype?: DType): number[][] | Matrix {
    return this.apply(x, true, dtype);
  }

  fitTransform(x: Matrix): Matrix;
  fitTransform(x: Rows): number[][];
  fitTransform(x: Rows | Matrix): number[][] | Matrix {
    this.fit(x);
    return x instanceof Matrix ? this.transform(x) : this.transform(x);
  }

  toJSON(): ScalerJSON {
    const [o, s] = this.fitted();
    return { kind: this.kind, offset: [...o], scale: [...s], ...(this.clip !== Infinity ? { clip: this.clip } : {}) };
  }
}

/** Zero mean and unit (population) variance per column. */
export class StandardScaler extends AffineScaler {
  readonly kind = 'standard';
  protected stats(at: (i: number) => number, n: number): [number, number] {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += at(i);
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (at(i) - mean) ** 2;
    return [mean, Math.sqrt(sq / n)];
  }
}

/** Each column mapped onto [0, 1] by its training minimum and maximum. */
export class MinMaxScaler extends AffineScaler {
  readonly kind = 'minMax';
  protected stats(at: (i: number) => number, n: number): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = at(i);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi - lo];
  }
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values, interpolating linearly (numpy's default). */
/** Options of robustScaler. */
export interface RobustScalerArgs {
  /** Bound c of the smooth clip z / √(1 + (z/c)²) after scaling; default 3 (RealMLP); Infinity for none. */
  clip?: number;
}

/**
 * Robust scaling with a smooth clip, as RealMLP (Holzmüller et al. 2024) does for numeric
 * columns: z = (x − median) / IQR, where a column whose quartiles coincide (a 0/1 column, mostly
 * one value) uses half its range instead, then z / √(1 + (z/3)²), so an outlier lands near ±3
 * instead of far out, where it would dominate the first layer. A constant column maps to 0.
 */
export class RobustScaler extends AffineScaler {
  readonly kind = 'robust';
  constructor(args: RobustScalerArgs = {}) {
    super();
    const c = args.clip ?? 3;
    if (typeof c !== 'number' || !(c > 0)) throw new InputError(`robust scaler: clip must be a number > 0 (Infinity for none), got ${String(c)}`);
    this.clip = c;
  }
  protected stats(at: (i: number) => number, n: number): [number, number] {
    const v = new Float64Array(n);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = at(i);
      v[i] = x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const [q1, median, q3] = quantilesInPlace(v, [0.25, 0.5, 0.75]) as [number, number, number];
    const iqr = q3 - q1;
    return [median, iqr > 0 ? iqr : 0.5 * (max - min)];
  }
}

/** A scaler to zero mean and unit variance per column. */
export function standardScaler(): StandardScaler {
  return new StandardScaler();
}
/** A scaler onto [0, 1] per column. */
export function minMaxScaler(): MinMaxScaler {
  return new MinMaxScaler();
}
/** Median / interquartile-range scaling with a smooth clip (see RobustScaler). */
export function robustScaler(args: RobustScalerArgs = {}): RobustScaler {
  return new RobustScaler(args);
}

/** Rebuilds a fitted scaler from toJSON() output; rejects anything but finite numbers (scale ≠ 0). */
export function scalerFromJSON(json: { kind: string; offset: number[]; scale: number[]; clip?: number }): Scaler {
  if (json === null || typeof json !== 'object') throw new InputError('scaler: expected { kind, offset, scale }');
  const clip = (json as { clip?: unknown }).clip;
  if (clip !== undefined && (typeof clip !== 'number' || !(clip > 0))) throw new InputError(`scaler: clip must be a number > 0, got ${String(clip)}`);
  const s = json.kind === 'standard' ? new StandardScaler() : json.kind === 'minMax' ? new MinMaxScaler() : json.kind === 'robust' ? new RobustScaler({ clip: clip ?? Infinity }) : undefined;
  if (!s) throw new InputError(`unknown scaler kind ${JSON.stringify(json.kind)}; known: standard, minMax, robust`);
  if (!Array.isArray(json.offset) || !Array.isArray(json.scale) || json.offset.length !== json.scale.length) {
    throw new InputError('scaler: offset and scale must be arrays of the same length');
  }
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!json.offset.every(finite) || !json.scale.every((v) => finite(v) && v !== 0)) {
    throw new InputError('scaler: offset and scale must be finite numbers (scale ≠ 0)');
  }
  s.offset = [...json.offset];
  s.scale = [...json.scale];
  return s;
}
