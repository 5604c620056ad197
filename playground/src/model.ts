/**
 * Builds the library model the playground trains from its configuration, and remembers which
 * layers make up each drawn "block" (a hidden layer of the drawing may be Dense → BatchNorm →
 * Activation → Dropout in the library). Used by the worker and by the tests. Pure.
 */
import {
  sequential, layers, optimizers, regularizers, Dense,
  type Layer, type Sequential, type ActivationName, type LossName, type Optimizer, type Regularizer,
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

/** One drawn layer: its Dense (the edges) and the layer whose output is the drawn unit values. */
export interface Block {
  dense: Dense;
  /** Index in model.layers of the block's last layer. */
  end: number;
  units: number;
  activation: ActivationName;
}

export interface PlaygroundModel {
  model: Sequential;
  /** Hidden blocks, then the output block. */
  blocks: Block[];
  lossName: LossName;
  outputActivation: ActivationName;
}

/** The output and loss the task implies (or SSE when chosen). */
export function outputFor(shape: DataShape, loss: PlaygroundConfig['loss']): { units: number; activation: ActivationName; loss: LossName } {
  const units = shape.task === 'multiclass' ? shape.classes : 1;
  const activation: ActivationName = shape.task === 'binary' ? 'sigmoid' : shape.task === 'multiclass' ? 'softmax' : 'linear';
  const implied: LossName = shape.task === 'binary' ? 'binaryCrossentropy' : shape.task === 'multiclass' ? 'categoricalCrossentropy' : 'mse';
  return { units, activation, loss: loss === 'sse' ? 'sse' : implied };
}

export function makeOptimizer(c: Pick<PlaygroundConfig, 'optimizer' | 'learningRate'>): Optimizer {
  const learningRate = c.learningRate;
  switch (c.optimizer) {
    case 'sgd':
      return optimizers.sgd({ learningRate });
    case 'momentum':
      return optimizers.sgd({ learningRate, momentum: 0.9 });
    case 'adam':
      return optimizers.adam({ learningRate });
    case 'rmsprop':
      return optimizers.rmsprop({ learningRate });
  }
}

function makeRegularizer(c: PlaygroundConfig): Regularizer | undefined {
  if (c.regularization === 'l1') return regularizers.l1({ l1: c.regularizationRate });
  if (c.regularization === 'l2') return regularizers.l2({ l2: c.regularizationRate });
  return undefined;
}

/** Builds, compiles and returns the model with its blocks. Throws the library's errors on bad settings. */
export function buildModel(c: PlaygroundConfig, shape: DataShape): PlaygroundModel {
  const inputs = effectiveFeatures(shape.inputDim === 1 ? 1 : 2, c.features).length;
  const model = sequential([], { seed: c.seed });
  const blocks: Block[] = [];
  const add = (layer: Layer): number => {
    model.add(layer);
    return model.layers.length - 1;
  };
  const dense = (units: number, activation: ActivationName, first: boolean): Dense => {
    const reg = makeRegularizer(c);
    return layers.dense({
      units,
      activation,
      kernelInitializer: c.initializer,
      ...(reg ? { kernelRegularizer: reg } : {}),
      ...(first ? { inputShape: [inputs] } : {}),
    });
  };
  c.hidden.forEach((units, i) => {
    const activation = c.activations[i] ?? 'tanh';
    let end: number;
    let d: Dense;
    if (c.batchNorm) {
      // Dense → BatchNorm → activation: normalise the pre-activations, as Ioffe & Szegedy do.
      d = dense(units, 'linear', i === 0);
      add(d);
      add(layers.batchNormalization());
      end = add(layers.activation({ activation }));
    } else {
      d = dense(units, activation, i === 0);
      end = add(d);
    }
    if (c.dropout > 0) end = add(layers.dropout({ rate: c.dropout }));
    blocks.push({ dense: d, end, units, activation });
  });
  const out = outputFor(shape, c.loss);
  const outDense = dense(out.units, out.activation, c.hidden.length === 0);
  blocks.push({ dense: outDense, end: add(outDense), units: out.units, activation: out.activation });
  model.compile({ optimizer: makeOptimizer(c), loss: out.loss, metrics: [] });
  if (c.initScale !== 1) for (const b of blocks) scale(b.dense.kernel.value, c.initScale);
  return { model, blocks, lossName: out.loss, outputActivation: out.activation };
}

function scale(values: Float32Array | Float64Array, k: number): void {
  for (let i = 0; i < values.length; i++) values[i]! *= k;
}

/** Targets in the layout the loss takes: one-hot rows for several classes, one column otherwise. */
export function encodeY(y: readonly number[], shape: DataShape): number[][] {
  if (shape.task === 'multiclass') return y.map((k) => Array.from({ length: shape.classes }, (_, j) => (j === k ? 1 : 0)));
  return y.map((v) => [v]);
}

/** Fraction of rows whose predicted class (threshold 0.5, or argmax) equals the label. */
export function accuracyOf(pred: ArrayLike<number>, outputs: number, y: readonly number[]): number {
  if (y.length === 0) return NaN;
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let k: number;
    if (outputs === 1) k = pred[i]! >= 0.5 ? 1 : 0;
    else {
      k = 0;
      for (let j = 1; j < outputs; j++) if (pred[i * outputs + j]! > pred[i * outputs + k]!) k = j;
    }
    if (k === y[i]) right++;
  }
  return right / y.length;
}

export { Dense };
