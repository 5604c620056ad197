import { InputError, UnsupportedError } from '../core/errors.js';
import { Dense, type DenseArgs } from './dense.js';
import { ActivationLayer, type ActivationArgs } from './activationLayer.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batchNormalization.js';
import { initializerFromConfig, type Initializer } from '../initializers.js';
import { regularizerFromConfig } from '../regularizers.js';
import type { Layer, LayerConfig } from './layer.js';

export { Layer, type LayerConfig } from './layer.js';
export { Param } from './param.js';
export { Dense, type DenseArgs, ActivationLayer, type ActivationArgs, Dropout, type DropoutArgs, BatchNormalization, type BatchNormalizationArgs };

/** Layer factories, one options object each, as in TensorFlow.js. */
export const layers = {
  dense: (args: DenseArgs): Dense => new Dense(args),
  activation: (args: ActivationArgs): ActivationLayer => new ActivationLayer(args),
  dropout: (args: DropoutArgs): Dropout => new Dropout(args),
  batchNormalization: (args: BatchNormalizationArgs = {}): BatchNormalization => new BatchNormalization(args),
};

type Json = Record<string, unknown>;

function initializerOf(value: unknown): Initializer | undefined {
  if (value === undefined) return undefined;
  const v = value as { name: string; config?: Record<string, number> };
  return initializerFromConfig(v.name, v.config ?? {});
}

/** Rebuilds a layer from `getConfig()` output. Only the known classes; nothing is evaluated. */
export function layerFromConfig(layerConfig: LayerConfig): Layer {
  const c = layerConfig.config as Json;
  switch (layerConfig.className) {
    case 'Dense': {
      const reg = c.kernelRegularizer as { name: string; l1: number; l2: number } | undefined;
      const args: DenseArgs = {
        units: c.units as number,
        activation: c.activation as DenseArgs['activation'],
        useBias: c.useBias as boolean,
        name: c.name as string,
      };
      const ki = initializerOf(c.kernelInitializer);
      const bi = initializerOf(c.biasInitializer);
      if (ki) args.kernelInitializer = ki;
      if (bi) args.biasInitializer = bi;
      if (reg) args.kernelRegularizer = regularizerFromConfig(reg);
      if (c.inputShape !== undefined) args.inputShape = c.inputShape as number[];
      return new Dense(args);
    }
    case 'Activation':
      return new ActivationLayer(stripUndefined(c) as unknown as ActivationArgs);
    case 'Dropout':
      return new Dropout(stripUndefined(c) as unknown as DropoutArgs);
    case 'BatchNormalization':
      return new BatchNormalization(stripUndefined(c) as BatchNormalizationArgs);
    default:
      if (typeof layerConfig.className !== 'string') throw new InputError('layer config: className must be a string');
      throw new UnsupportedError(`unknown layer class "${layerConfig.className}"; known: Dense, Activation, Dropout, BatchNormalization`);
  }
}

function stripUndefined(c: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v;
  return out;
}
