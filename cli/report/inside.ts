import { callbacks, type Callback, type LayerStatistics, type ParameterTrajectory, type Sequential } from '../../src/index.js';
import type { InsideData, LayerSeries, TrajectoryData } from './data.js';

/** Values per layer and epoch kept for the activation quartiles: enough for a stable median, cheap to sort. */
export const RESERVOIR = 512;
/** Statistics are collected every epoch up to this many epochs, then every ⌈epochs / MAX_STAT_EPOCHS⌉-th. */
export const MAX_STAT_EPOCHS = 1000;
/** Snapshots along the parameter path the report aims at (and never exceeds). */
export const TRAJECTORY_POINTS = 200;
/** Memory the snapshots may take (float64 copies of every trainable parameter). */
const SNAPSHOT_BYTES = 64 * 2 ** 20;
/** Multiply-adds the PCA's n×n Gram matrix may cost (n²·d/2): about half a second. */
const GRAM_WORK = 4e8;
/** Below this many snapshots a trajectory says too little to draw. */
const MIN_POINTS = 10;

/** The run a recorder is attached to. */
export interface RunShape {
  /** The model's trainable parameter count. */
  readonly parameters: number;
  /** Epoch the fit starts at (0, or the checkpoint's on --resume) and the last epoch (exclusive). */
  readonly initialEpoch: number;
  readonly epochs: number;
  /** Optimiser steps per epoch. */
  readonly batches: number;
}

/**
 * The "Inside the network" recorders for a training run whose report was asked for: the
 * library's layerStatistics (every epoch, quartiles from a small reservoir) and
 * parameterTrajectory (about TRAJECTORY_POINTS snapshots, fewer for big models so that the
 * copies stay under 64 MB and the PCA under half a second; none at all when even MIN_POINTS
 * would not fit, with a note saying why).
 */
export class InsideRecorder {
  readonly stats: LayerStatistics;
  readonly path: ParameterTrajectory | undefined;
  /** Why the trajectory is missing, for the report. */
  readonly note: string | undefined;
  private readonly run: RunShape;

  constructor(run: RunShape) {
    this.run = run;
    const toRun = Math.max(1, run.epochs - run.initialEpoch);
    this.stats = callbacks.layerStatistics({ every: Math.ceil(toRun / MAX_STAT_EPOCHS), reservoir: RESERVOIR });
    const d = Math.max(1, run.parameters);
    const cap = Math.min(TRAJECTORY_POINTS, Math.floor(SNAPSHOT_BYTES / (8 * d)), Math.floor(Math.sqrt((2 * GRAM_WORK) / d)));
    if (cap < MIN_POINTS) {
      this.path = undefined;
      this.note = `The parameter trajectory is not drawn: ${run.parameters.toLocaleString('en-US')} parameters are too many to snapshot ${MIN_POINTS} times cheaply.`;
      return;
    }
    this.note = undefined;
    // One snapshot per epoch when epochs are plenty (the trajectory thins itself past the cap),
    // else every k steps so that a short run still has a path of about `cap` points; either way
    // the path ends at the trained weights (final: true).
    const steps = toRun * run.batches;
    const everySteps = toRun >= cap ? undefined : Math.max(1, Math.ceil(steps / cap));
    this.path = callbacks.parameterTrajectory({ ...(everySteps !== undefined ? { everySteps } : {}), maxSnapshots: Math.max(3, cap + 1), final: true });
  }

  get callbacks(): Callback[] {
    return this.path ? [this.stats, this.path] : [this.stats];
  }

  /** The statistics as report data: per layer with an activation one series per statistic over the collected epochs (1-based). */
  statistics(model: Sequential): InsideData | undefined {
    const epochs = this.stats.epochs;
    if (epochs.length === 0) return undefined;
    const units = new Map(model.layers.map((l) => [l.name, l.outputUnits]));
    const layers = epochs[0]!.layers.map((first, i): LayerSeries => {
      const at = epochs.map((e) => e.layers[i]!);
      const sat = first.activations.saturatedFraction !== null;
      const dead = first.activations.deadFraction !== null;
      return {
        name: first.layer,
        activation: first.activation,
        units: units.get(first.layer) ?? 0,
        mean: at.map((l) => finite(l.activations.mean)),
        std: at.map((l) => finite(l.activations.std)),
        quartiles: at.map((l) => [finite(l.activations.quartiles[0]), finite(l.activations.quartiles[1]), finite(l.activations.quartiles[2])] as const),
        saturated: sat ? at.map((l) => finite(l.activations.saturatedFraction)) : null,
        dead: dead ? at.map((l) => finite(l.activations.deadFraction)) : null,
        gradientNorm: at.map((l) => finite(l.gradient.norm)),
        updateRatio: at.map((l) => finite(l.updateRatio)),
      };
    });
    return { epochs: epochs.map((e) => e.epoch + 1), layers, reservoir: RESERVOIR };
  }

  /** The trajectory as report data, each snapshot at its (fractional) epoch: steps / batches per epoch. */
  trajectory(): TrajectoryData | undefined {
    if (!this.path) return undefined;
    const t = this.path.result();
    // A path with non-finite weights (a run that blew up) has no meaningful projection.
    if (t.points.length < 2 || !t.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) return undefined;
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      epoch: t.points.map((p) => round(this.run.initialEpoch + p.step / this.run.batches)),
      x: t.points.map((p) => p.x),
      y: t.points.map((p) => p.y),
      explained: [t.explainedRatio[0], t.explainedRatio[1]],
      parameters: t.parameters,
    };
  }
}

function finite(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}
