import type { FloatArray, MatrixLike } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { checkKeys, integerAtLeast, booleanOption } from '../core/validate.js';
import type { ActivationName } from '../activations.js';
import type { Layer } from '../layers/layer.js';
import type { Param } from '../layers/param.js';
import type { StepRecorder } from '../model/step.js';
import type { Callback, Logs } from '../model/callback.js';
import type { Sequential } from '../model/sequential.js';

/** Distribution of one layer's outputs over the samples seen. */
export interface ActivationSummary {
  /** Number of values summarised (samples × units). */
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** 25th, 50th and 75th percentiles (linear interpolation, as numpy; from a sample of ≤ `reservoir` values in the callback). */
  quartiles: [number, number, number];
  /** Share of values in the flat tails: sigmoid < 0.01 or > 0.99, |tanh| > 0.99; null for other activations. */
  saturatedFraction: number | null;
  /** Share of ReLU units that output 0 for every sample seen (dead units); null for other activations. */
  deadFraction: number | null;
}

/** The bounds of "saturated": where g'(z) has fallen below ≈ 0.01 of its peak. */
export const SATURATION = { sigmoidLow: 0.01, sigmoidHigh: 0.99, tanh: 0.99 } as const;

function isSaturated(name: ActivationName | string, a: number): boolean {
  if (name === 'sigmoid') return a < SATURATION.sigmoidLow || a > SATURATION.sigmoidHigh;
  return Math.abs(a) > SATURATION.tanh;
}

/** Percentile p ∈ [0, 1] of sorted values by linear interpolation (numpy's default). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Streaming summary of a layer's outputs: moments, extremes, saturated count, units ever
 * active, and a uniform reservoir sample for the quartiles (Li's algorithm L, seeded).
 */
export class ActivationAccumulator {
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  private min = Infinity;
  private max = -Infinity;
  private saturated = 0;
  private readonly active: Uint8Array;
  private readonly sample: Float64Array;
  private filled = 0;
  /** Algorithm L's state: the running weight and the index of the next value to sample. */
  private w = 1;
  private next = Infinity;
  private readonly rng: Rng;

  constructor(readonly activation: string, readonly units: number, reservoir: number, seed = 0) {
    this.active = new Uint8Array(units);
    this.sample = new Float64Array(reservoir);
    this.rng = new Rng(seed);
  }

  /** Adds a [rows, units] block of outputs a = g(z). */
  add(a: FloatArray, rows: number): void {
    const cols = this.units;
    const sat = this.activation === 'sigmoid' || this.activation === 'tanh';
    const relu = this.activation === 'relu';
    const cap = this.sample.length;
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) {
        const v = a[o + j]! + 0; // -0 (a ReLU kernel may give it) counts as 0, so min/max survive JSON
        this.sum += v;
        this.sumSq += v * v;
        if (v < this.min) this.min = v;
        if (v > this.max) this.max = v;
        if (sat && isSaturated(this.activation, v)) this.saturated++;
        if (relu && v > 0) this.active[j] = 1;
        if (this.filled < cap) {
          this.sample[this.filled++] = v;
          if (this.filled === cap) this.skip(true);
        } else if (this.n === this.next) {
          this.sample[Math.floor(this.rng.uniform() * cap)] = v;
          this.skip(false);
        }
        this.n++;
      }
    }
  }

  /**
   * Li's algorithm L: rather than one random number per value (algorithm R), draw how many values
   * to pass over before the next one enters the reservoir, so that a full reservoir costs
   * O(k·(1 + log(n/k))) random numbers for n values instead of n. Same uniform sample.
   */
  private skip(start: boolean): void {
    const k = this.sample.length;
    // 1 − uniform ∈ (0, 1]: its log is finite.
    const step = Math.exp(Math.log(1 - this.rng.uniform()) / k);
    this.w = start ? step : this.w * step;
    const gap = Math.floor(Math.log(1 - this.rng.uniform()) / Math.log(1 - this.w));
    this.next = this.n + 1 + (Number.isFinite(gap) ? gap : 0);
  }

  result(): ActivationSummary {
    const n = this.n;
    const mean = n > 0 ? this.sum / n : NaN;
    const variance = n > 0 ? Math.max(0, this.sumSq / n - mean * mean) : NaN;
    const sorted = this.sample.slice(0, this.filled).sort();
    let dead: number | null = null;
    if (this.activation === 'relu') {
      let d = 0;
      for (let j = 0; j < this.units; j++) if (this.active[j] === 0) d++;
      dead = d / this.units;
    }
    return {
      count: n,
      mean,
      std: Math.sqrt(variance),
      min: n > 0 ? this.min : NaN,
      max: n > 0 ? this.max : NaN,
      quartiles: [percentile(sorted, 0.25), percentile(sorted, 0.5), percentile(sorted, 0.75)],
      saturatedFraction: this.activation === 'sigmoid' || this.activation === 'tanh' ? (n > 0 ? this.saturated / n : NaN) : null,
      deadFraction: dead,
    };
  }
}

/** Exact summary of a block of outputs of an activation. */
export function summarizeActivations(a: FloatArray, rows: number, cols: number, activation: string): ActivationSummary {
  const acc = new ActivationAccumulator(activation, cols, rows * cols);
  acc.add(a, rows);
  return acc.result();
}

export interface LayerActivationStatistics extends ActivationSummary {
  layer: string;
  className: string;
  activation: string;
}

/**
 * One forward pass of x (inference mode unless `training`), summarising every layer's output:
 * seed 000's "hidden layer 1 had mean 0.001198 and std 0.627953" table, plus quartiles,
 * saturated and dead fractions. The model's weights are not touched.
 */
export function activationStatistics(model: Sequential, x: MatrixLike, args: { training?: boolean } = {}): LayerActivationStatistics[] {
  checkKeys('activationStatistics', args, ['training']);
  const training = booleanOption('activationStatistics', 'training', args.training ?? false);
  const X = model.prepareInput(x, 'activationStatistics x');
  const out: LayerActivationStatistics[] = [];
  let a = X;
  for (const layer of model.layers) {
    a = layer.forward(a, training);
    const activation = activationOf(layer);
    out.push({ layer: layer.name, className: layer.className, activation, ...summarizeActivations(a.data, a.rows, a.cols, activation) });
  }
  return out;
}

/** The activation a layer applies last ('linear' for dropout and batch norm). */
export function activationOf(layer: Layer): string {
  return layer.outputActivation()?.name ?? 'linear';
}

/** Gradient of one layer's trainable tensors over a training step. */
export interface GradientSummary {
  /** ‖∂J/∂θ‖₂ over all the layer's trainable tensors, averaged over the epoch's batches. */
  norm: number;
  /** Mean and standard deviation of the gradient entries over the epoch's batches. */
  mean: number;
  std: number;
}

/** Statistics of one layer that applies an activation (Dense or Activation) in one epoch. */
export interface LayerEpochStatistics {
  layer: string;
  activation: string;
  /** Outputs a = g(z) of the training batches (training mode). */
  activations: ActivationSummary;
  gradient: GradientSummary;
  /** ‖ΔW‖/‖W‖ per optimiser step, averaged over the epoch (≈ 1e-3 is healthy, as the notes say). */
  updateRatio: number;
}

/** What layerStatistics recorded in one epoch: the training loss and every Dense layer's statistics. */
export interface EpochStatistics {
  epoch: number;
  /** The epoch's training loss, when fit reported it. */
  loss: number | undefined;
  layers: LayerEpochStatistics[];
}

/** Options of callbacks.layerStatistics. */
export interface LayerStatisticsArgs {
  /** Collect every this many epochs (1 = every epoch); default 1. */
  every?: number;
  /** Values sampled per layer per epoch for the quartiles; default 4096. */
  reservoir?: number;
  /** Called with each epoch's statistics as soon as they are complete (live charts). */
  onEpoch?: (stats: EpochStatistics) => void;
}

interface LayerAccumulator {
  layer: Layer;
  activation: string;
  /** The weight matrix whose update ratio is reported (none for an Activation layer). */
  kernel: Param | undefined;
  act: ActivationAccumulator;
  before: Float64Array;
  normSum: number;
  gSum: number;
  gSumSq: number;
  gCount: number;
  ratioSum: number;
  steps: number;
}

/**
 * A fit callback recording, per layer that applies an activation (Dense, Activation) and epoch, the activation distribution (mean, std,
 * quartiles, saturated and dead fractions), the gradient norm, mean and std, and the
 * update-to-weight ratio: the plots seed 000 asks for ("per-layer activations: magnitude,
 * center, breadth; gradients: magnitude, center, breadth").
 *
 * @example
 * const stats = layerStatistics();
 * await model.fit(x, y, { epochs: 20, callbacks: [stats] });
 * stats.epochs[0].layers[0].activations.std;
 */
export class LayerStatistics implements Callback {
  readonly every: number;
  readonly reservoir: number;
  /** One entry per collected epoch. */
  readonly epochs: EpochStatistics[] = [];
  private readonly onEpoch: ((stats: EpochStatistics) => void) | undefined;
  private model: Sequential | undefined;
  private acc: LayerAccumulator[] = [];
  private byIndex: (LayerAccumulator | undefined)[] = [];
  private collecting = false;
  private firstEpoch: number | undefined;

  constructor(args: LayerStatisticsArgs = {}) {
    checkKeys('layerStatistics', args, ['every', 'reservoir', 'onEpoch']);
    this.every = integerAtLeast('layerStatistics', 'every', args.every ?? 1, 1);
    this.reservoir = integerAtLeast('layerStatistics', 'reservoir', args.reservoir ?? 4096, 1);
    this.onEpoch = args.onEpoch;
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.firstEpoch = undefined;
  }

  onEpochBegin(epoch: number): void {
    this.firstEpoch ??= epoch;
    this.collecting = (epoch - this.firstEpoch) % this.every === 0;
    if (!this.collecting || !this.model) return;
    // Every layer that applies an activation (Dense and Activation layers alike).
    this.byIndex = this.model.layers.map((layer, i): LayerAccumulator | undefined => {
      const g = layer.outputActivation();
      if (g === undefined) return undefined;
      const kernel = layer.weights().find((p) => p.trainable && p.shape.length === 2);
      return {
        layer,
        activation: g.name,
        kernel,
        act: new ActivationAccumulator(g.name, layer.outputUnits, this.reservoir, epoch * 1009 + i),
        before: new Float64Array(kernel?.size ?? 0),
        normSum: 0,
        gSum: 0,
        gSumSq: 0,
        gCount: 0,
        ratioSum: 0,
        steps: 0,
      };
    });
    this.acc = this.byIndex.filter((a): a is LayerAccumulator => a !== undefined);
  }

  /** While collecting, the step records each layer's output a = g(z) here (no second forward pass). */
  stepRecorder(): StepRecorder | undefined {
    return this.collecting ? this.recorder : undefined;
  }

  private readonly recorder: StepRecorder = {
    forward: (i, _layer, _input, output) => {
      this.byIndex[i]?.act.add(output.data, output.rows);
    },
  };

  onBatchBegin(): void {
    if (!this.collecting) return;
    for (const s of this.acc) if (s.kernel) s.before.set(s.kernel.value);
  }

  onBatchEnd(): void {
    if (!this.collecting) return;
    for (const s of this.acc) {
      let sq = 0;
      for (const p of s.layer.weights()) {
        if (!p.trainable) continue;
        const g = p.grad;
        for (let k = 0; k < p.size; k++) {
          const v = g[k]!;
          sq += v * v;
          s.gSum += v;
        }
        s.gCount += p.size;
      }
      s.gSumSq += sq;
      s.normSum += Math.sqrt(sq);
      s.steps++;
      if (s.kernel === undefined) continue;
      const w = s.kernel.value;
      let dw = 0;
      let ww = 0;
      for (let k = 0; k < w.length; k++) {
        const b = s.before[k]!;
        const d = w[k]! - b;
        dw += d * d;
        ww += b * b;
      }
      s.ratioSum += ww > 0 ? Math.sqrt(dw / ww) : dw > 0 ? Infinity : 0;
    }
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.collecting) return;
    this.collecting = false;
    const stats: EpochStatistics = {
      epoch,
      loss: logs.loss,
      layers: this.acc.map((s) => {
        const mean = s.gCount > 0 ? s.gSum / s.gCount : NaN;
        return {
          layer: s.layer.name,
          activation: s.activation,
          activations: s.act.result(),
          gradient: {
            norm: s.steps > 0 && s.gCount > 0 ? s.normSum / s.steps : NaN,
            mean,
            std: s.gCount > 0 ? Math.sqrt(Math.max(0, s.gSumSq / s.gCount - mean * mean)) : NaN,
          },
          updateRatio: s.steps > 0 && s.kernel !== undefined ? s.ratioSum / s.steps : NaN,
        };
      }),
    };
    this.epochs.push(stats);
    this.onEpoch?.(stats);
  }

  /** Per layer, one series per statistic over the collected epochs (for charts). */
  series(): { epochs: number[]; layers: Record<string, { mean: number[]; std: number[]; saturated: (number | null)[]; dead: (number | null)[]; gradientNorm: number[]; updateRatio: number[] }> } {
    const layers: ReturnType<LayerStatistics['series']>['layers'] = {};
    for (const e of this.epochs) {
      for (const l of e.layers) {
        const s = (layers[l.layer] ??= { mean: [], std: [], saturated: [], dead: [], gradientNorm: [], updateRatio: [] });
        s.mean.push(l.activations.mean);
        s.std.push(l.activations.std);
        s.saturated.push(l.activations.saturatedFraction);
        s.dead.push(l.activations.deadFraction);
        s.gradientNorm.push(l.gradient.norm);
        s.updateRatio.push(l.updateRatio);
      }
    }
    return { epochs: this.epochs.map((e) => e.epoch), layers };
  }
}

/** The statistics callback: `model.fit(x, y, { callbacks: [layerStatistics({ every: 5 })] })`. */
export function layerStatistics(args: LayerStatisticsArgs = {}): LayerStatistics {
  return new LayerStatistics(args);
}
