import type { Kernels } from '../kernels/kernels.js';
import type { DType, Matrix } from '../core/matrix.js';
import type { Label } from '../core/labels.js';
import type { Layer, LayerConfig } from '../layers/layer.js';
import type { Param } from '../layers/param.js';
import type { Loss } from '../losses/loss.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Metric } from '../metrics/metric.js';
import type { Backprop } from './step.js';

// The model as the rest of src/model sees it. Sequential (sequential.ts) and TrainingSession
// (session.ts) implement these; the modules below them (evaluate, train, runData, threads,
// callbacks, summary, mcDropout) take these interfaces, so nothing imports back up.

/** Plain-JSON description of a model's architecture (no weights). */
export interface SequentialConfig {
  /** The model's name. */
  readonly name: string;
  /** Seed of every random choice. */
  readonly seed: number;
  /** Element type of weights and buffers. */
  readonly dtype: DType;
  /** Number of input features, when the model is built. */
  readonly inputUnits: number | undefined;
  /** Each layer's config, in order. */
  readonly layers: readonly LayerConfig[];
}

/** The compile part of a session as plain JSON (metric factories are left out); compileArgsFromConfig reads it. */
export interface CompileConfig {
  /** The loss's registered name and settings. */
  readonly loss: { readonly name: string; readonly config: Readonly<Record<string, number | boolean>> };
  /** The optimiser's registered name and settings. */
  readonly optimizer: { readonly name: string; readonly config: Readonly<Record<string, unknown>> };
  /** The metrics compiled by name. */
  readonly metrics: readonly string[];
}

/** What evaluation and worker threads read of a model's session: its compiled part and classes. */
export interface CompiledSession {
  /** Class labels in output order, when the model was trained on labels. */
  classes: Label[] | undefined;
  /** The compiled optimiser (a NotFittedError before compile). */
  readonly optimizer: Optimizer;
  /** The compiled loss, or a NotFittedError saying that `what` needs compile first. */
  requireCompiled(what: string): Loss;
  /** Fresh metric instances for the compiled loss. */
  createMetrics(): Metric[];
  /** The compile part as plain JSON. */
  getConfig(): CompileConfig;
}

/** A model's structure and its session handle: what training, evaluation and callbacks use. */
export interface Model {
  /** The model's name (shown by summary). */
  readonly name: string;
  /** Element type of weights and buffers. */
  readonly dtype: DType;
  /** The backend the model computes on, e.g. 'wasm (SIMD, relaxed)'. */
  readonly backend: string;
  /** The layers in order. */
  readonly layers: readonly Layer[];
  /** Number of input features; 0 before build. */
  readonly inputUnits: number;
  /** Width of the last layer's output. */
  readonly outputUnits: number;
  /** Class labels in output order (the session's). */
  readonly classes: Label[] | undefined;
  /** Keras' stop_training: set true from a callback to end the run after the current batch. */
  stopTraining: boolean;
  /** What training knows: the compiled loss, optimiser and metrics, and the classes. */
  readonly session: CompiledSession;
  /** Every tensor (trainable and not), in getWeights order. */
  params(): Param[];
  /** The kernels and memory the model was built on (after build; compile is not needed). */
  readonly kernels: Kernels;
  /** Architecture as plain JSON. */
  getConfig(): SequentialConfig;
  /**
   * Rows of x in the kernels' memory (copied there when they are not); with `finite`, checked
   * there to be finite (an InputError names the row, counted from `rowOffset`, and column).
   */
  stage(x: Matrix, finite?: { readonly what: string; readonly rowOffset: number }): Matrix;
  /**
   * Validates x against the model and converts it (building the model on first use). With
   * `checkedLater` a Matrix is not read for non-finite values: the caller stages it with `finite`.
   */
  prepareInput(x: unknown, what: string, checkedLater?: boolean): Matrix;
  /** The compiled loss, or a NotFittedError saying that `what` needs compile first. */
  requireCompiled(what: string): Loss;
  /** The forward/backward engine for the compiled loss. */
  backprop(): Backprop;
}
