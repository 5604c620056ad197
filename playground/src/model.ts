/**
 * Builds the library model the playground trains from its configuration, and remembers which
 * layers make up each drawn "block" (a hidden layer of the drawing may be Dense → BatchNorm →
 * Activation → Dropout in the library). Used by the worker and by the tests. Pure.
 */
import {
  buildNetwork, classCodes, classTargets, planOutput, getOptimizer, Dense, Matrix,
  type Block, type Sequential, type ActivationName, type LossName, type Optimizer, type CompileSpec, type ArchitectureSpec,
} from '../../src/index.js';
import type { PlaygroundConfig } from './state.js';
import type { Task } from './data.js';
import { effectiveFeatures } from './features.js';

/** What the model needs to know about the data. */
export interface DataShape {
  task: Task;
  /** Coordinates of a point (1 or 2); the network's inputs are the configured features of them. */
  inputDim: number;
  classes: number;
}

export type { Block };

export interface PlaygroundModel {
  model: Sequential;
  /** Hidden blocks, then the output block. */
  blocks: Block[];
  lossName: LossName;
  outputActivation: ActivationName;
}

/** The output and loss the task implies (the library's planOutput), or SSE when chosen. */
export function outputFor(shape: DataShape, loss: PlaygroundConfig['loss']): { units: number; activation: ActivationName; loss: LossName } {
  const target = shape.task === 'regression'
    ? { kind: 'numeric' as const, names: ['y'] }
    : { kind: 'classes' as const, names: ['y'], classes: Array.from({ length: shape.task === 'binary' ? 2 : shape.classes }, (_, k) => k) };
  const plan = planOutput(target);
  return { units: plan.units, activation: plan.activation, loss: loss === 'sse' ? 'sse' : plan.loss };
}

/** The playground's optimiser choice in the training spec's terms ('momentum' is SGD with momentum 0.9). */
export function compileSpec(c: Pick<PlaygroundConfig, 'optimizer' | 'learningRate'>): CompileSpec {
  const learningRate = c.learningRate;
  return c.optimizer === 'momentum' ? { optimizer: 'sgd', learningRate, momentum: 0.9 } : { optimizer: c.optimizer, learningRate };
}

export function makeOptimizer(c: Pick<PlaygroundConfig, 'optimizer' | 'learningRate'>): Optimizer {
  const { optimizer, ...args } = compileSpec(c);
  return getOptimizer(optimizer, args);
}

/** The hidden layers in the training spec's terms. */
export function architectureSpec(c: PlaygroundConfig): ArchitectureSpec {
  return {
    hidden: c.hidden,
    activation: c.hidden.map((_, i) => c.activations[i] ?? 'tanh'),
    dropout: c.dropout,
    batchNorm: c.batchNorm,
    initializer: c.initializer,
    ...(c.regularization === 'l1' ? { l1: c.regularizationRate } : c.regularization === 'l2' ? { l2: c.regularizationRate } : {}),
  };
}

/** Builds, compiles and returns the model with its blocks, through the library's one builder. */
export function buildModel(c: PlaygroundConfig, shape: DataShape): PlaygroundModel {
  const out = outputFor(shape, c.loss);
  // The network's inputs are the chosen features of the points (1-D data: x alone).
  const inputs = effectiveFeatures(shape.inputDim === 1 ? 1 : 2, c.features).length;
  const { model, blocks } = buildNetwork(inputs, { ...out, metrics: [] }, architectureSpec(c), compileSpec(c), { seed: c.seed });
  if (c.initScale !== 1) for (const b of blocks) scale(b.dense.kernel.value, c.initScale);
  return { model, blocks: [...blocks], lossName: out.loss, outputActivation: out.activation };
}

function scale(values: Float32Array | Float64Array, k: number): void {
  for (let i = 0; i < values.length; i++) values[i]! *= k;
}

/** Targets in the layout the loss takes (the library's classTargets): class indices for sparse cross-entropy, one-hot rows for SSE on classes, one column otherwise. */
export function encodeY(y: readonly number[], shape: DataShape, loss: LossName = outputFor(shape, 'default').loss): number[][] {
  if (shape.task === 'regression') return y.map((v) => [v]);
  const units = shape.task === 'multiclass' ? shape.classes : 1;
  return classTargets(y, undefined, { task: shape.task, units, activation: 'linear', loss, metrics: [] }).toArray();
}

/** Fraction of rows whose predicted class (the library's classCodes: p > 0.5, or argmax) equals the label. */
export function accuracyOf(pred: ArrayLike<number>, outputs: number, y: readonly number[]): number {
  if (y.length === 0) return NaN;
  const codes = classCodes(new Matrix(y.length, outputs, Float64Array.from({ length: y.length * outputs }, (_, i) => pred[i]!)));
  let right = 0;
  codes.forEach((k, i) => (k === y[i] ? right++ : 0));
  return right / y.length;
}

export { Dense };
