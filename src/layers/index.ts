import { Dense, type DenseArgs } from './dense.js';
import { ActivationLayer, type ActivationArgs } from './activationLayer.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batchNormalization.js';

export { Layer, type LayerConfig } from './layer.js';
export { Param } from './param.js';
export { layerFromConfig, layerRegistry, layerClassNames, layerKind, classOf, visitLayer, type LayerClasses, type LayerClassName, type LayerKind, type ParamSpec, type PerLayerClass } from './registry.js';
export { Dense, type DenseArgs, ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, BatchNormalization, type BatchNormalizationArgs };

/** Layer factories, one options object each, as in TensorFlow.js. */
export const layers = {
  dense: (args: DenseArgs): Dense => new Dense(args),
  activation: (args: ActivationArgs): ActivationLayer => new ActivationLayer(args),
  dropout: (args: DropoutArgs): Dropout => new Dropout(args),
  batchNormalization: (args: BatchNormalizationArgs = {}): BatchNormalization => new BatchNormalization(args),
};
