import { Dense, type DenseArgs } from './dense.js';
import { ActivationLayer, type ActivationArgs } from './activationLayer.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batchNormalization.js';
import { PeriodicEmbedding, type PeriodicEmbeddingArgs } from './periodicEmbedding.js';

export { Layer, type LayerConfig } from './layer.js';
export { Param } from './param.js';
export { layerFromConfig, layerRegistry, layerClassNames, layerKind, classOf, visitLayer, type LayerClasses, type LayerClassName, type LayerKind, type ConfigFields, type ParamSpec, type PerLayerClass } from './registry.js';
export { Dense, type DenseArgs, ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, BatchNormalization, type BatchNormalizationArgs, PeriodicEmbedding, type PeriodicEmbeddingArgs };

/** Layer factories, one options object each, as in TensorFlow.js. */
export const layers = {
  /** A fully connected layer: a = g(x·W + b). */
  dense: (args: DenseArgs): Dense => new Dense(args),
  /** An activation applied on its own: a = g(x). */
  activation: (args: ActivationArgs): ActivationLayer => new ActivationLayer(args),
  /** Inverted dropout: zeroes a fraction `rate` of its inputs in training and scales the rest by 1/(1 − rate). */
  dropout: (args: DropoutArgs): Dropout => new Dropout(args),
  /** Batch normalisation: standardises each unit over the batch, then scales by γ and shifts by β. */
  batchNormalization: (args: BatchNormalizationArgs = {}): BatchNormalization => new BatchNormalization(args),
  /** PLR embeddings of numeric inputs: each becomes ReLU([cos 2πfx, sin 2πfx]·W + b), d values from k learnt frequencies; the other inputs pass through. */
  periodicEmbedding: (args: PeriodicEmbeddingArgs = {}): PeriodicEmbedding => new PeriodicEmbedding(args),
};
