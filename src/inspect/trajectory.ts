import { booleanOption, checkKeys, integerAtLeast } from '../core/validate.js';
import type { Callback, Logs } from '../model/callback.js';
import type { Sequential } from '../model/sequential.js';
import { pca } from './pca.js';

/** Options of callbacks.parameterTrajectory. */
export interface ParameterTrajectoryArgs {
  /** Record every this many optimiser steps; default: once per epoch (and before training). */
  everySteps?: number;
  /**
   * Most snapshots kept; when reached, every other one is dropped and the interval doubles, so
   * memory stays at maxSnapshots × parameters × 8 bytes. Default 500.
   */
  maxSnapshots?: number;
  /**
   * Also record the weights at the end of training when the last snapshot is not of them (the
   * step count is not a multiple of everySteps, or thinning dropped it), so that the path ends
   * where training did; its last interval may then be shorter. Default false.
   */
  final?: boolean;
}

/** Where the parameters were when a snapshot was taken. */
export interface TrajectoryPoint {
  /** Optimiser steps taken in this fit (0 = initial weights). */
  step: number;
  /** The epoch (0-based) the snapshot ends or falls in; -1 for the initial weights. */
  epoch: number;
  /** The epoch's training loss for per-epoch snapshots, else undefined. */
  loss: number | undefined;
  /** Coordinates on the first two principal components. */
  x: number;
  y: number;
}

/** A training run's path through parameter space, projected to 2-D. JSON-serialisable. */
export interface Trajectory {
  points: TrajectoryPoint[];
  /** Share of the path's variance along each of the two axes. */
  explainedRatio: [number, number];
  /** Number of trainable parameters in each snapshot. */
  parameters: number;
}

interface Snapshot {
  /** Index among all snapshot opportunities (0 = initial weights); kept when a multiple of the stride. */
  candidate: number;
  step: number;
  epoch: number;
  loss: number | undefined;
  values: Float64Array;
}

/**
 * A fit callback that records the trainable parameters (flattened, in getWeights order) before
 * training and then per epoch or every k steps, and projects the path to its first two
 * principal components: seed 000's "learning trajectories: plot parameter values in a
 * low-dimensional space".
 *
 * @example
 * const path = parameterTrajectory();
 * await model.fit(x, y, { epochs: 50, callbacks: [path] });
 * path.result().points; // [{ step, epoch, loss, x, y }, ...]
 */
export class ParameterTrajectory implements Callback {
  private everySteps: number | undefined;
  readonly maxSnapshots: number;
  readonly final: boolean;
  private model: Sequential | undefined;
  private snapshots: Snapshot[] = [];
  private steps = 0;
  private epoch = -1;
  private stride = 1;
  private candidates = 0;

  constructor(args: ParameterTrajectoryArgs = {}) {
    checkKeys('parameterTrajectory', args, ['everySteps', 'maxSnapshots', 'final']);
    this.everySteps = args.everySteps === undefined ? undefined : integerAtLeast('parameterTrajectory', 'everySteps', args.everySteps, 1);
    this.maxSnapshots = integerAtLeast('parameterTrajectory', 'maxSnapshots', args.maxSnapshots ?? 500, 3);
    this.final = booleanOption('parameterTrajectory', 'final', args.final ?? false);
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.snapshots = [];
    this.steps = 0;
    this.stride = 1;
    this.candidates = 0;
    this.epoch = -1;
    this.take(undefined);
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(): void {
    this.steps++;
    if (this.everySteps !== undefined && this.steps % this.everySteps === 0) this.take(undefined);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch = epoch;
    if (this.everySteps === undefined) this.take(logs.loss);
  }

  onTrainEnd(): void {
    if (!this.final || !this.model) return;
    const last = this.snapshots[this.snapshots.length - 1];
    if (last !== undefined && last.step === this.steps) return;
    // Outside the stride: training is over, so no later thinning has to account for it.
    this.snapshots.push({ candidate: -1, step: this.steps, epoch: this.epoch, loss: undefined, values: this.flatten() });
  }

  /** Snapshots recorded so far (flattened parameters), oldest first. */
  get count(): number {
    return this.snapshots.length;
  }

  private take(loss: number | undefined): void {
    if (!this.model) return;
    const candidate = this.candidates++;
    if (candidate % this.stride !== 0) return;
    this.snapshots.push({ candidate, step: this.steps, epoch: this.epoch, loss, values: this.flatten() });
    if (this.snapshots.length > this.maxSnapshots) {
      // Thin evenly: keep every other kept snapshot and from now on every 2·stride-th candidate.
      this.stride *= 2;
      this.snapshots = this.snapshots.filter((s) => s.candidate % this.stride === 0);
    }
  }

  private flatten(): Float64Array {
    const params = this.model!.trainableParams();
    let size = 0;
    for (const p of params) size += p.size;
    const values = new Float64Array(size);
    let o = 0;
    for (const p of params) {
      values.set(p.value, o);
      o += p.size;
    }
    return values;
  }

  /** The path projected on its first two principal components. */
  result(): Trajectory {
    const snaps = this.snapshots;
    if (snaps.length === 0) return { points: [], explainedRatio: [0, 0], parameters: 0 };
    const p = pca(snaps.map((s) => s.values), 2);
    return {
      points: snaps.map((s, i) => ({ step: s.step, epoch: s.epoch, loss: s.loss, x: p.coordinates[i]![0]!, y: p.coordinates[i]![1]! })),
      explainedRatio: [p.explainedRatio[0]!, p.explainedRatio[1]!],
      parameters: snaps[0]!.values.length,
    };
  }
}

/** The trajectory callback: `fit(x, y, { callbacks: [parameterTrajectory()] })`, then `.result()`. */
export function parameterTrajectory(args: ParameterTrajectoryArgs = {}): ParameterTrajectory {
  return new ParameterTrajectory(args);
}
