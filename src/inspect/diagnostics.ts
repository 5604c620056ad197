import { checkKeys, integerAtLeast, numberInRange, positiveNumber } from '../core/validate.js';
import { Dense } from '../layers/dense.js';
import type { Callback, Logs } from '../model/callback.js';
import type { StepRecorder } from '../model/step.js';
import type { Sequential } from '../model/sequential.js';
import { LayerStatistics, type EpochStatistics } from './layerStats.js';

/** Options of callbacks.diagnostics: the thresholds of each warning. */
export interface DiagnosticsArgs {
  /** Share of a layer's outputs saturated (sigmoid/tanh) or of its units dead (ReLU) that counts as a problem; default 0.9. */
  saturationThreshold?: number;
  /** Consecutive epochs a layer must stay saturated or dead before the warning; default 3. */
  patience?: number;
  /** A layer's gradient norm above this in any step is "exploding"; default 1e3. */
  explodingNorm?: number;
  /** First layer's mean gradient norm below this × the last layer's is "vanishing"; default 1e-4. */
  vanishingRatio?: number;
  /** The loss must have fallen within this many epochs from the start; default 10. */
  plateauEpochs?: number;
  /** By at least this fraction of the first epoch's loss; default 0.01. */
  minImprovement?: number;
}

/** What a diagnosis is about: symmetric units, saturated or dead layers, exploding or vanishing gradients, a loss that does not fall. */
export type DiagnosisKind = 'symmetry' | 'saturated' | 'dead' | 'exploding' | 'vanishing' | 'plateau';

/** One finding, also raised as a fit warning (History.warnings). */
export interface Diagnosis {
  kind: DiagnosisKind;
  /** The layer concerned, when there is one. */
  layer: string | undefined;
  /** Epoch (0-based) in which it was found; -1 before training. */
  epoch: number;
  message: string;
}

const KEYS = ['saturationThreshold', 'patience', 'explodingNorm', 'vanishingRatio', 'plateauEpochs', 'minImprovement'];

/**
 * A fit callback that explains why a network is not learning, as the notes do: it raises a
 * warning (through fit's warning channel, so History.warnings has it) at most once per kind
 * and layer per fit, when
 * - a hidden layer's units start with identical weights in and out, all zeros for example (the
 *   symmetry problem: they compute and learn the same thing);
 * - more than `saturationThreshold` of a layer's sigmoid/tanh outputs are saturated, or of its
 *   ReLU units are dead, for `patience` epochs in a row (gradients through it are ~0);
 * - a layer's gradient norm exceeds `explodingNorm` in a step, or the first layer's mean
 *   gradient norm is below `vanishingRatio` × the last layer's (exploding / vanishing);
 * - the loss has not fallen by `minImprovement` of its first value within `plateauEpochs`.
 *
 * @example
 * const diag = diagnostics();
 * const history = await model.fit(x, y, { epochs: 20, callbacks: [diag] });
 * history.warnings; diag.findings;
 */
export class Diagnostics implements Callback {
  readonly saturationThreshold: number;
  readonly patience: number;
  readonly explodingNorm: number;
  readonly vanishingRatio: number;
  readonly plateauEpochs: number;
  readonly minImprovement: number;
  /** Every finding of the last fit, in order. */
  findings: Diagnosis[] = [];
  private readonly stats = new LayerStatistics({ reservoir: 64 });
  private model: Sequential | undefined;
  private warn: ((message: string) => void) | undefined;
  private raised = new Set<string>();
  private streaks = new Map<string, number>();
  private losses: number[] = [];
  private epoch = -1;

  constructor(args: DiagnosticsArgs = {}) {
    checkKeys('diagnostics', args, KEYS);
    this.saturationThreshold = numberInRange('diagnostics', 'saturationThreshold', args.saturationThreshold ?? 0.9, 0, 1, true);
    this.patience = integerAtLeast('diagnostics', 'patience', args.patience ?? 3, 1);
    this.explodingNorm = positiveNumber('diagnostics', 'explodingNorm', args.explodingNorm ?? 1e3);
    this.vanishingRatio = positiveNumber('diagnostics', 'vanishingRatio', args.vanishingRatio ?? 1e-4);
    this.plateauEpochs = integerAtLeast('diagnostics', 'plateauEpochs', args.plateauEpochs ?? 10, 2);
    this.minImprovement = numberInRange('diagnostics', 'minImprovement', args.minImprovement ?? 0.01, 0, 1);
  }

  setModel(model: Sequential): void {
    this.model = model;
    this.stats.setModel(model);
  }

  setWarningSink(warn: (message: string) => void): void {
    this.warn = warn;
  }

  onTrainBegin(): void {
    this.findings = [];
    this.raised = new Set();
    this.streaks = new Map();
    this.losses = [];
    this.epoch = -1;
    this.stats.onTrainBegin();
    this.checkSymmetry();
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.stats.onEpochBegin(epoch);
  }

  /** The statistics read the layers' outputs from the recorded step. */
  stepRecorder(): StepRecorder | undefined {
    return this.stats.stepRecorder();
  }

  onBatchBegin(): void {
    this.stats.onBatchBegin();
  }

  onBatchEnd(): void {
    this.stats.onBatchEnd();
    this.checkExploding();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const before = this.stats.epochs.length;
    this.stats.onEpochEnd(epoch, logs);
    const stats = this.stats.epochs[before];
    this.stats.epochs.length = 0; // only the current epoch is needed
    if (stats) {
      this.checkSaturation(stats);
      this.checkVanishing(stats);
    }
    if (logs.loss !== undefined) this.checkPlateau(logs.loss);
  }

  private raise(kind: DiagnosisKind, layer: string | undefined, message: string): void {
    const key = `${kind}:${layer ?? ''}`;
    if (this.raised.has(key)) return;
    this.raised.add(key);
    this.findings.push({ kind, layer, epoch: this.epoch, message });
    this.warn?.(message);
  }

  private denseLayers(): Dense[] {
    return this.model ? this.model.layers.filter((l): l is Dense => l instanceof Dense) : [];
  }

  /**
   * Hidden layers whose units start identical and stay so: the same incoming weights and bias
   * (so the same output) and the same outgoing weights in the next Dense layer (so the same δ).
   * Random outgoing weights would give each unit its own gradient and break the tie by
   * themselves; so would dropout between the two layers.
   */
  private checkSymmetry(): void {
    if (!this.model) return;
    const stack = this.model.layers;
    stack.forEach((layer, i) => {
      if (!(layer instanceof Dense) || layer.units < 2) return;
      const nextIndex = stack.findIndex((l, k) => k > i && l instanceof Dense);
      if (nextIndex < 0) return;
      if (stack.slice(i + 1, nextIndex).some((l) => l.className === 'Dropout')) return;
      const next = stack[nextIndex] as Dense;
      const w = layer.kernel.value;
      const u = layer.units;
      const columnsEqual = everyIndex(layer.inputUnits, (r) => everyIndex(u, (j) => w[r * u + j] === w[r * u]));
      const b = layer.bias?.value;
      const biasEqual = b === undefined || everyIndex(u, (j) => b[j] === b[0]);
      const v = next.kernel.value;
      const n = next.units;
      const rowsEqual = everyIndex(u, (j) => everyIndex(n, (k) => v[j * n + k] === v[k]));
      if (!(columnsEqual && biasEqual && rowsEqual)) return;
      const allZero = w.every((x) => x === 0);
      this.raise('symmetry', layer.name,
        `${layer.name}: all ${u} units start with ${allZero ? 'all-zero' : 'identical'} weights, and ${next.name} weighs them identically, so they compute ` +
          'the same output, get the same gradient and stay identical (the symmetry problem): the layer acts as one unit. ' +
          'Initialise the weights randomly (e.g. glorotUniform) to break the symmetry.');
    });
  }

  private checkExploding(): void {
    let worst: { name: string; norm: number } | undefined;
    for (const layer of this.denseLayers()) {
      let sq = 0;
      for (const p of layer.weights()) {
        if (!p.trainable) continue;
        for (let k = 0; k < p.size; k++) sq += p.grad[k]! * p.grad[k]!;
      }
      const norm = Math.sqrt(sq);
      if (!(norm <= this.explodingNorm) && (worst === undefined || !(norm <= worst.norm))) worst = { name: layer.name, norm };
    }
    if (worst) {
      this.raise('exploding', undefined,
        `exploding gradients: the gradient norm of ${worst.name} reached ${worst.norm.toPrecision(3)} (> ${this.explodingNorm}) in epoch ${this.epoch + 1}; ` +
          'steps that large overshoot and can diverge. Lower the learning rate, clip gradients (clipNorm), scale the inputs, or use smaller initial weights.');
    }
  }

  private checkSaturation(stats: EpochStatistics): void {
    for (const l of stats.layers) {
      const sat = l.activations.saturatedFraction;
      const dead = l.activations.deadFraction;
      const problem = sat !== null && sat > this.saturationThreshold ? 'saturated' : dead !== null && dead > this.saturationThreshold ? 'dead' : undefined;
      const key = l.layer;
      if (problem === undefined) {
        this.streaks.delete(key);
        continue;
      }
      const streak = (this.streaks.get(key) ?? 0) + 1;
      this.streaks.set(key, streak);
      if (streak < this.patience) continue;
      const pct = (100 * (problem === 'saturated' ? sat! : dead!)).toFixed(0);
      if (problem === 'saturated') {
        this.raise('saturated', l.layer,
          `${l.layer}: ${pct}% of its ${l.activation} outputs have been saturated (${l.activation === 'sigmoid' ? '< 0.01 or > 0.99' : '|a| > 0.99'}) for ${streak} epochs; ` +
            'there g\'(z) ≈ 0, so almost no gradient flows through this layer. Use smaller initial weights, scale the inputs, or add batch normalisation.');
      } else {
        this.raise('dead', l.layer,
          `${l.layer}: ${pct}% of its ReLU units have output 0 for every sample for ${streak} epochs (dead units get no gradient and never recover); ` +
            'lower the learning rate, check the bias initialisation, or use leakyRelu.');
      }
    }
  }

  private checkVanishing(stats: EpochStatistics): void {
    // Layers with weights only: an Activation layer has no gradient of its own.
    const weighted = stats.layers.filter((l) => Number.isFinite(l.gradient.norm));
    if (weighted.length < 2) return;
    const first = weighted[0]!;
    const last = weighted[weighted.length - 1]!;
    if (!(last.gradient.norm > 0)) return;
    const ratio = first.gradient.norm / last.gradient.norm;
    if (ratio < this.vanishingRatio) {
      this.raise('vanishing', first.layer,
        `vanishing gradients: ${first.layer}'s gradient norm (${first.gradient.norm.toPrecision(3)}) is ${ratio.toPrecision(2)} × ${last.layer}'s (${last.gradient.norm.toPrecision(3)}); ` +
          'the early layers barely learn. Use an initialisation scaled to the fan-in (glorotUniform, heNormal), ReLU in deep stacks, fewer layers, or batch normalisation.');
    }
  }

  private checkPlateau(loss: number): void {
    this.losses.push(loss);
    if (this.losses.length !== this.plateauEpochs) return;
    const first = this.losses[0]!;
    const best = Math.min(...this.losses);
    if (best > first - this.minImprovement * Math.abs(first)) {
      this.raise('plateau', undefined,
        `the loss has not fallen in the first ${this.plateauEpochs} epochs (${first.toPrecision(4)} → best ${best.toPrecision(4)}); ` +
          'the learning rate may be far too small (or so large that steps bounce), the units may be saturated or dead, or the weights symmetric.');
    }
  }
}

function everyIndex(n: number, f: (i: number) => boolean): boolean {
  for (let i = 0; i < n; i++) if (!f(i)) return false;
  return true;
}

/** The diagnostics callback: `fit(x, y, { callbacks: [diagnostics()] })`. */
export function diagnostics(args: DiagnosticsArgs = {}): Diagnostics {
  return new Diagnostics(args);
}
