/** Messages between the page and the training worker (structured-clone friendly). */
import type { PlaygroundConfig } from './state.js';
import type { PlayData } from './data.js';
import type { Explanation, OptimizerUpdate } from './inspectAdapter.js';
import type { PointAttribution } from './attribution.js';

/** Which training settings the worker can change without a new network. */
export type LiveSettings = Pick<PlaygroundConfig, 'learningRate' | 'batchSize' | 'optimizer' | 'speed'>;

export type ToWorker =
  | { type: 'init'; config: PlaygroundConfig; data: PlayData; resolution: number }
  | { type: 'settings'; settings: LiveSettings }
  | { type: 'play' }
  | { type: 'pause' }
  /** One mini-batch. */
  | { type: 'step' }
  /** One pass over the training data. */
  | { type: 'epoch' }
  /** The page has drawn the last snapshot and can take another. */
  | { type: 'frame' }
  | { type: 'explain'; set: 'train' | 'test'; index: number }
  /** Takes the last explained step: the optimiser's own update (its state moves too) or the notes' plain one. */
  | { type: 'applyExplanation'; mode: 'optimizer' | 'plain' }
  | { type: 'setWeight'; block: number; kind: 'kernel' | 'bias'; i: number; j: number; value: number }
  /** Which features pushed the output at this point of the plane (data coordinates). */
  | { type: 'attribute'; point: number[] };

/** Losses and accuracies after an epoch (accuracy NaN for regression). */
export interface HistoryPoint {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** One drawn layer's parameters: kernel [inputs × units] row-major, and the last batch's gradients. */
export interface BlockWeights {
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array | null;
  dKernel: Float32Array;
  dBias: Float32Array | null;
}

/** One hidden block's units on the training data. */
export interface UnitHealth {
  /** ReLU units that output 0 for every training sample. */
  dead: boolean[];
  /** Share of each sigmoid/tanh unit's outputs in the flat tails (0 for other activations). */
  saturated: number[];
}

/** A finding of the library's diagnostics, placed in the drawing. */
export interface PageDiagnosis {
  kind: string;
  /** The library's layer name ('' when the finding concerns the whole network). */
  layer: string;
  /** Index of the drawn block (hidden layers, then the output) it concerns, or −1. */
  block: number;
  epoch: number;
  message: string;
}

export interface Snapshot {
  type: 'snapshot';
  /** Counts inits; the page drops snapshots of an older network. */
  generation: number;
  /** Completed passes over the training data (fractional after single steps). */
  epoch: number;
  steps: number;
  running: boolean;
  /** History points recorded since the previous snapshot. */
  history: HistoryPoint[];
  latest: HistoryPoint;
  blocks: BlockWeights[];
  /**
   * Each block's unit values on the grid, [points × units] row-major. For 2-D data the points
   * are resolution² in image order (row 0 at the top, largest y); for 1-D data `resolution`
   * values of x from left to right.
   */
  unitGrids: Float32Array[];
  /**
   * Class probabilities from decisionBoundary, [resolution² × classes] in image order (2-D
   * classification only; for one sigmoid output the classes are [1 − p, p]).
   */
  boundary: Float32Array | null;
  /** Per hidden block, for marking dead and saturated units. */
  unitHealth: UnitHealth[];
  /** Every diagnosis of the library's diagnostics so far, in order. */
  diagnoses: PageDiagnosis[];
}

export type FromWorker =
  | Snapshot
  /** `reason` is short ("loss is NaN"); `message` the library's full DivergenceError message. */
  | { type: 'diverged'; generation: number; message: string; reason: string }
  | { type: 'error'; generation: number; message: string }
  | { type: 'explanation'; generation: number; set: 'train' | 'test'; index: number; explanation: Explanation; update: OptimizerUpdate; source: string }
  | { type: 'explainError'; generation: number; message: string }
  | { type: 'attribution'; generation: number; attribution: PointAttribution };
