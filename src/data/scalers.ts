import { InputError, NotFittedError, ShapeError } from '../core/errors.js';

/** Per-column transform fitted on training rows only, saved with the model as plain JSON. */
export interface Scaler {
  readonly kind: 'standard' | 'minMax';
  fit(x: readonly (readonly number[])[]): this;
  transform(x: readonly (readonly number[])[]): number[][];
  inverseTransform(x: readonly (readonly number[])[]): number[][];
  fitTransform(x: readonly (readonly number[])[]): number[][];
  toJSON(): { kind: 'standard' | 'minMax'; offset: number[]; scale: number[] };
}

/**
 * A column-wise affine map x' = (x − offset)/scale. Constant columns get scale 1 so they map to
 * 0 instead of NaN (as scikit-learn).
 */
abstract class AffineScaler implements Scaler {
  abstract readonly kind: 'standard' | 'minMax';
  offset: number[] | undefined;
  scale: number[] | undefined;

  protected abstract stats(column: number[]): [offset: number, scale: number];

  fit(x: readonly (readonly number[])[]): this {
    if (x.length === 0) throw new InputError(`${this.kind} scaler: 0 samples to fit on`);
    const d = x[0]!.length;
    this.offset = [];
    this.scale = [];
    for (let j = 0; j < d; j++) {
      const col = x.map((r, i) => {
        const v = r[j];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${this.kind} scaler: row ${i}, column ${j} is ${String(v)}`);
        return v;
      });
      const [o, s] = this.stats(col);
      this.offset.push(o);
      this.scale.push(s === 0 || !Number.isFinite(s) ? 1 : s);
    }
    return this;
  }

  private check(x: readonly (readonly number[])[]): [number[], number[]] {
    if (!this.offset || !this.scale) throw new NotFittedError(`${this.kind} scaler: call fit before transform`);
    const d = this.offset.length;
    x.forEach((r, i) => {
      if (r.length !== d) throw new ShapeError(`${this.kind} scaler: row ${i} has ${r.length} features, the scaler was fitted on ${d}`);
    });
    return [this.offset, this.scale];
  }

  transform(x: readonly (readonly number[])[]): number[][] {
    const [o, s] = this.check(x);
    return x.map((r) => r.map((v, j) => (v - o[j]!) / s[j]!));
  }

  inverseTransform(x: readonly (readonly number[])[]): number[][] {
    const [o, s] = this.check(x);
    return x.map((r) => r.map((v, j) => v * s[j]! + o[j]!));
  }

  fitTransform(x: readonly (readonly number[])[]): number[][] {
    return this.fit(x).transform(x);
  }

  toJSON(): { kind: 'standard' | 'minMax'; offset: number[]; scale: number[] } {
    const [o, s] = this.check([]);
    return { kind: this.kind, offset: [...o], scale: [...s] };
  }
}

/** Zero mean and unit (population) variance per column. */
export class StandardScaler extends AffineScaler {
  readonly kind = 'standard';
  protected stats(col: number[]): [number, number] {
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
    return [mean, Math.sqrt(variance)];
  }
}

/** Each column mapped onto [0, 1] by its training minimum and maximum. */
export class MinMaxScaler extends AffineScaler {
  readonly kind = 'minMax';
  protected stats(col: number[]): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of col) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi - lo];
  }
}

export function standardScaler(): StandardScaler {
  return new StandardScaler();
}
export function minMaxScaler(): MinMaxScaler {
  return new MinMaxScaler();
}

/** Rebuilds a fitted scaler from toJSON() output. */
export function scalerFromJSON(json: { kind: string; offset: number[]; scale: number[] }): Scaler {
  const s = json.kind === 'standard' ? new StandardScaler() : json.kind === 'minMax' ? new MinMaxScaler() : undefined;
  if (!s) throw new InputError(`unknown scaler kind ${JSON.stringify(json.kind)}; known: standard, minMax`);
  if (!Array.isArray(json.offset) || !Array.isArray(json.scale) || json.offset.length !== json.scale.length) {
    throw new InputError('scaler: offset and scale must be arrays of the same length');
  }
  s.offset = [...json.offset];
  s.scale = [...json.scale];
  return s;
}
