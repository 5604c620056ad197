import { InputError } from '../core/errors.js';

/**
 * Quantiles of a stream of numbers in bounded memory: a compactor sketch (the idea of KLL, Karnin,
 * Lang and Liberty 2016, in its simplest form). Values go to level 0; when a level holds `capacity`
 * values it is sorted and every other value (alternately the even and the odd ones, so rounding
 * does not drift one way) moves up a level, where each counts twice. Until the first compaction
 * (n ≤ capacity) every quantile is exact, and equals the sorted-array answer (`quantile` below
 * interpolates as numpy's default 'linear'; the median of an even count is the mean of the two
 * middle values). After it, a quantile's rank is off by at most about n·log2(n/capacity)/capacity.
 * Memory: capacity × (levels) numbers, levels = log2(n / capacity) + 1. NaN values are skipped.
 * Used for the medians of a streamed table's imputation and the quartiles of a robust scaler.
 */
export class QuantileSketch {
  private readonly levels: Float64Array[] = [];
  private readonly fill: number[] = [];
  /** Values added with a weight of their own (e.g. the imputed value of every missing cell), kept exactly. */
  private readonly weighted: { value: number; weight: number }[] = [];
  private flip = 0;
  /** Total weight added (values counted once each, weighted ones by their weight). */
  count = 0;

  constructor(readonly capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 8) throw new InputError(`QuantileSketch: capacity must be an integer ≥ 8, got ${capacity}`);
  }

  /** Adds one value (NaN is skipped). */
  add(value: number): void {
    if (Number.isNaN(value)) return;
    this.count++;
    this.push(0, value);
  }

  /** Adds `value` as if it had been added `weight` times (an integer ≥ 0), kept exactly. */
  addWeighted(value: number, weight: number): void {
    if (Number.isNaN(value) || weight === 0) return;
    if (!Number.isInteger(weight) || weight < 0) throw new InputError(`QuantileSketch: weight must be an integer ≥ 0, got ${weight}`);
    this.weighted.push({ value, weight });
    this.count += weight;
  }

  /** Whether every quantile is still exact (nothing compacted). */
  get exact(): boolean {
    return this.levels.length <= 1;
  }

  private push(level: number, value: number): void {
    if (this.levels[level] === undefined) {
      this.levels[level] = new Float64Array(this.capacity);
      this.fill[level] = 0;
    }
    const buffer = this.levels[level]!;
    buffer[this.fill[level]!++] = value;
    if (this.fill[level] === this.capacity) this.compact(level);
  }

  /** Halves a full level: every other sorted value goes up one level (weight doubled). */
  private compact(level: number): void {
    const buffer = this.levels[level]!;
    buffer.sort();
    const offset = this.flip;
    this.flip ^= 1;
    this.fill[level] = 0;
    for (let i = offset; i < this.capacity; i += 2) this.push(level + 1, buffer[i]!);
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1) as numpy's 'linear' method: position q·(n − 1) in the sorted values,
   * interpolated between its neighbours. NaN when nothing was added.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new InputError(`QuantileSketch: q must be in [0, 1], got ${q}`);
    // Each level sorted on its own (typed arrays, no object per value), then walked in merged order.
    const lists = this.levels.map((buffer, level) => ({ values: buffer.slice(0, this.fill[level]!).sort(), weight: 2 ** level }));
    for (const w of this.weighted) lists.push({ values: Float64Array.of(w.value), weight: w.weight });
    const total = lists.reduce((sum, l) => sum + l.values.length * l.weight, 0);
    if (total === 0) return NaN;
    const position = q * (total - 1);
    const lo = Math.floor(position);
    const heads = lists.map(() => 0);
    let seen = 0;
    /** The value at `rank` (0-based, in weight units) of the merged order, walking on from the last call. */
    const at = (rank: number): number => {
      let last = NaN;
      for (;;) {
        let best = -1;
        for (let i = 0; i < lists.length; i++) {
          const h = heads[i]!;
          if (h < lists[i]!.values.length && (best < 0 || lists[i]!.values[h]! < lists[best]!.values[heads[best]!]!)) best = i;
        }
        if (best < 0) return last;
        const value = lists[best]!.values[heads[best]!]!;
        if (rank < seen + lists[best]!.weight) return value;
        seen += lists[best]!.weight;
        heads[best]!++;
        last = value;
      }
    };
    const a = at(lo);
    if (position === lo) return a;
    const b = at(lo + 1);
    const frac = position - lo;
    // The median of an even count exactly as a sorted array's: the mean of the two middle values.
    return frac === 0.5 ? (a + b) / 2 : a + (b - a) * frac;
  }
}
