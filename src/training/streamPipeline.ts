import { InputError, UnsupportedError } from '../core/errors.js';
import { columnWidth } from '../data/schema.js';
import { QuantileSketch } from '../data/quantileSketch.js';
import type { ScalerJSON } from '../data/scalers.js';
import type { Table } from '../data/table.js';
import type { TableSchema } from '../data/schema.js';
import type { Preprocessing } from '../io/preprocessing.js';
import { inputNames } from './pipeline.js';
import type { OutputPlan } from './output.js';
import type { PreprocessingSpec } from './spec.js';


/** Sums of one feature's present training values, shifted by the first for accuracy. */
class Moments {
  shift = NaN;
  n = 0;
  s1 = 0;
  s2 = 0;
  lo = Infinity;
  hi = -Infinity;

  add(v: number, times = 1): void {
    if (times === 0) return;
    if (Number.isNaN(this.shift)) this.shift = v;
    const d = v - this.shift;
    this.n += times;
    this.s1 += d * times;
    this.s2 += d * d * times;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  /** Population mean and standard deviation. */
  meanStd(): [number, number] {
    const m = this.s1 / this.n;
    return [this.shift + m, Math.sqrt(Math.max(0, this.s2 / this.n - m * m))];
  }
}

interface ColumnLayout {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical' | 'date';
  readonly start: number;
  readonly width: number;
  readonly categories: readonly string[];
}

/** What fitting the pipeline on streamed blocks needs: the schema, the spec's scaling and indicator choice, the task. */
export interface StreamPipelineArgs {
  readonly schema: TableSchema;
  readonly plan: Pick<PreprocessingSpec, 'scale' | 'indicator'>;
  readonly task: OutputPlan['task'];
  /** Values per feature a median is exact for (the sketch's capacity). */
  readonly sketchCapacity?: number;
}

/**
 * fitPipeline (src/training/pipeline.ts) for a table read in blocks: the same imputation, indicators,
 * scaler and target scaler, learnt from sums, counts and quantile sketches of the training rows of
 * each block, so no block is kept. Medians come from a QuantileSketch (exact while a column has at
 * most `sketchCapacity` training values, so equal to fitPipeline's on a table that size); means and
 * variances from shifted sums; the imputed cells enter the scaler's statistics as the median (or
 * the most frequent category) they will be filled with, as fitPipeline scales the imputed inputs.
 */
export class StreamPipeline {
  private readonly columns: ColumnLayout[];
  private readonly d0: number;
  private readonly sketches: QuantileSketch[];
  private readonly moments: Moments[];
  /** Training rows with the feature missing (NaN), per feature. */
  private readonly missingCells: number[];
  /** Per categorical column: training rows per category, and training rows whose category is missing. */
  private readonly categoryCounts = new Map<string, number[]>();
  private readonly categoryMissing = new Map<string, number>();
  /** Per column: training rows with a missing value (for indicator features). */
  private readonly trainMissing = new Map<string, number>();
  /** Columns with a missing value in any row read (training or not): they get an indicator, as fitPipeline's table.report.missing. */
  private readonly anyMissing = new Set<string>();
  private readonly target: Moments[] = [];
  /** Training rows seen. */
  rows = 0;

  constructor(private readonly args: StreamPipelineArgs) {
    let start = 0;
    this.columns = args.schema.inputs.map((c) => {
      const width = columnWidth(c);
      const out: ColumnLayout = { name: c.name, kind: c.kind, start, width, categories: c.kind === 'categorical' ? c.categories : [] };
      start += width;
      return out;
    });
    this.d0 = start;
    const capacity = args.sketchCapacity ?? 1 << 16;
    this.sketches = Array.from({ length: this.d0 }, () => new QuantileSketch(capacity));
    this.moments = Array.from({ length: this.d0 }, () => new Moments());
    this.missingCells = new Array<number>(this.d0).fill(0);
    for (const c of this.columns) {
      if (c.kind === 'categorical') {
        this.categoryCounts.set(c.name, new Array<number>(c.width).fill(0));
        this.categoryMissing.set(c.name, 0);
      }
      this.trainMissing.set(c.name, 0);
    }
    if (!['none', 'standard', 'minmax', 'robust'].includes(args.plan.scale)) {
      throw new UnsupportedError(`scaling ${JSON.stringify(args.plan.scale)} is not available when streaming; use robust, standard, minmax or none`);
    }
  }

  /** Adds a block read with the schema: its rows for which `training(row)` holds are training rows. */
  add(table: Table, training: (row: number) => boolean): void {
    if (table.x.cols !== this.d0) throw new InputError(`${table.source}: a block has ${table.x.cols} features, the schema ${this.d0}`);
    for (const m of table.report.missing) this.anyMissing.add(m.column);
    const x = table.x.data;
    const d = this.d0;
    const catMissing = new Map<string, Uint8Array>();
    for (const [name, rows] of table.categoricalMissing) {
      const mask = new Uint8Array(table.rows);
      for (const r of rows) mask[r] = 1;
      catMissing.set(name, mask);
    }
    const y = table.y?.kind === 'numeric' ? table.y.values : undefined;
    const scaleTarget = this.args.task === 'regression' && this.args.plan.scale !== 'none' && y !== undefined;
    for (let r = 0; r < table.rows; r++) {
      if (!training(r)) continue;
      this.rows++;
      for (const c of this.columns) {
        if (c.kind === 'categorical') {
          const counts = this.categoryCounts.get(c.name)!;
          for (let k = 0; k < c.width; k++) counts[k]! += x[r * d + c.start + k]!;
          if (catMissing.get(c.name)?.[r] === 1) {
            this.categoryMissing.set(c.name, this.categoryMissing.get(c.name)! + 1);
            this.trainMissing.set(c.name, this.trainMissing.get(c.name)! + 1);
          }
          continue;
        }
        if (Number.isNaN(x[r * d + c.start]!)) this.trainMissing.set(c.name, this.trainMissing.get(c.name)! + 1);
        for (let j = c.start; j < c.start + c.width; j++) {
          const v = x[r * d + j]!;
          if (Number.isNaN(v)) this.missingCells[j]!++;
          else {
            this.sketches[j]!.add(v);
            this.moments[j]!.add(v);
          }
        }
      }
      if (scaleTarget) {
        for (let k = 0; k < y.cols; k++) (this.target[k] ??= new Moments()).add(Math.fround(y.data[r * y.cols + k]!));
      }
    }
  }

  /** The fitted preprocessing, as fitPipeline gives it. */
  finish(): Preprocessing {
    if (this.rows === 0) throw new InputError('no training rows to fit the preprocessing on');
    const values = new Array<number>(this.d0).fill(0);
    const modes: { column: string; category: string }[] = [];
    const modeOf = new Map<string, number>();
    for (const c of this.columns) {
      if (c.kind === 'categorical') {
        const counts = this.categoryCounts.get(c.name)!;
        let best = 0;
        for (let k = 1; k < c.width; k++) if (counts[k]! > counts[best]!) best = k;
        if (c.width > 0 && counts[best]! > 0) {
          modes.push({ column: c.name, category: c.categories[best]! });
          modeOf.set(c.name, best);
        }
      } else {
        for (let j = c.start; j < c.start + c.width; j++) {
          const s = this.sketches[j]!;
          values[j] = s.count === 0 ? 0 : s.quantile(0.5);
        }
      }
    }
    const indicators = this.args.plan.indicator === true ? this.columns.filter((c) => this.anyMissing.has(c.name)).map((c) => c.name) : [];
    const base: Preprocessing = { schema: this.args.schema, imputer: { values, modes, indicators } };
    const scaler = this.scaler(values, modeOf, indicators);
    const targetScaler = this.target.length > 0 ? affine('standard', this.target.map((m) => m.meanStd())) : undefined;
    return { ...base, featureNames: inputNames(base), ...(scaler ? { scaler } : {}), ...(targetScaler ? { targetScaler } : {}) };
  }

  /** The input scaler over the imputed training inputs (indicators included), as fitPipeline fits it. */
  private scaler(values: readonly number[], modeOf: ReadonlyMap<string, number>, indicators: readonly string[]): ScalerJSON | undefined {
    const kind = this.args.plan.scale;
    if (kind === 'none') return undefined;
    const n = this.rows;
    const features: Moments[] = [];
    const binary = (ones: number): Moments => {
      const m = new Moments();
      m.add(1, ones);
      m.add(0, n - ones);
      return m;
    };
    for (const c of this.columns) {
      if (c.kind === 'categorical') {
        const counts = this.categoryCounts.get(c.name)!;
        const mode = modeOf.get(c.name);
        for (let k = 0; k < c.width; k++) features.push(binary(counts[k]! + (k === mode ? this.categoryMissing.get(c.name)! : 0)));
        continue;
      }
      for (let j = c.start; j < c.start + c.width; j++) {
        const m = this.moments[j]!;
        // The filled-in cells hold the median as float32, as the imputed inputs do.
        m.add(Math.fround(values[j]!), this.missingCells[j]!);
        features.push(m);
      }
    }
    for (const name of indicators) features.push(binary(this.trainMissing.get(name)!));
    if (kind === 'standard') return affine('standard', features.map((m) => m.meanStd()));
    if (kind === 'robust') return { ...affine('robust', this.robustStats(values, modeOf, indicators, features)), clip: ROBUST_CLIP };
    return affine('minMax', features.map((m) => [m.lo, m.hi - m.lo]));
  }

  /**
   * RobustScaler's (median, IQR) per imputed training feature, or half the range where the
   * quartiles coincide: numeric features from their sketches with the filled-in cells added as the
   * median they hold; the 0/1 features (categories, indicators) exactly from their counts.
   */
  private robustStats(values: readonly number[], modeOf: ReadonlyMap<string, number>, indicators: readonly string[], features: readonly Moments[]): [number, number][] {
    const n = this.rows;
    const out: [number, number][] = [];
    const fromBinary = (ones: number) => {
      const q = (p: number) => binaryQuantile(n, ones, p);
      out.push([q(0.5), q(0.75) - q(0.25) || 0.5 * ((ones > 0 ? 1 : 0) - (ones < n ? 0 : 1))]);
    };
    for (const c of this.columns) {
      if (c.kind === 'categorical') {
        const counts = this.categoryCounts.get(c.name)!;
        const mode = modeOf.get(c.name);
        for (let k = 0; k < c.width; k++) fromBinary(counts[k]! + (k === mode ? this.categoryMissing.get(c.name)! : 0));
        continue;
      }
      for (let j = c.start; j < c.start + c.width; j++) {
        const s = this.sketches[j]!;
        s.addWeighted(Math.fround(values[j]!), this.missingCells[j]!);
        const iqr = s.quantile(0.75) - s.quantile(0.25);
        const m = features[out.length]!;
        out.push([s.quantile(0.5), iqr > 0 ? iqr : 0.5 * (m.hi - m.lo)]);
      }
    }
    for (const name of indicators) fromBinary(this.trainMissing.get(name)!);
    return out;
  }
}

/** The robust scaler's smooth-clip bound, as robustScaler() fits it in memory. */
const ROBUST_CLIP = 3;

/** The p-quantile (numpy 'linear') of n sorted values of which the last `ones` are 1 and the rest 0. */
function binaryQuantile(n: number, ones: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const at = (i: number) => (i >= n - ones ? 1 : 0);
  return at(lo) + (h - lo) * (at(Math.min(lo + 1, n - 1)) - at(lo));
}

/** A scaler's JSON from (offset, scale) per feature; a zero or non-finite scale becomes 1, as the scalers do. */
function affine(kind: ScalerJSON['kind'], stats: readonly (readonly [number, number])[]): ScalerJSON {
  return { kind, offset: stats.map((s) => s[0]), scale: stats.map((s) => (s[1] === 0 || !Number.isFinite(s[1]) ? 1 : s[1])) };
}
