import {
  layers, sequential, getOptimizer, lossNames, optimizerNames, activationNames,
  type ActivationName, type Layer, type LossName, type OptimizerName, type Sequential, type Table,
} from '../src/index.js';
import { UsageError } from './errors.js';

export type Task = 'binary' | 'multiclass' | 'regression';

/** What the output end of the network is, given the target. */
export interface OutputPlan {
  readonly task: Task;
  readonly units: number;
  readonly activation: ActivationName;
  readonly loss: LossName;
  readonly metrics: string[];
}

export function inferTask(table: Table): Task {
  const y = table.y;
  if (y === undefined) throw new UsageError('the data has no target column');
  if (y.kind === 'numeric') return 'regression';
  return y.classes.length === 2 ? 'binary' : 'multiclass';
}

const CLASSIFICATION_LOSSES: readonly LossName[] = ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'];

/**
 * Picks output units, activation, loss and metrics from the task (Keras' usual choices):
 * binary → 1 sigmoid + binary cross-entropy; multi-class → k softmax + sparse categorical
 * cross-entropy; regression → linear + mse. A given loss must suit the task.
 */
export function planOutput(table: Table, loss: string | undefined): OutputPlan {
  const task = inferTask(table);
  if (loss !== undefined && !(lossNames as readonly string[]).includes(loss)) {
    throw new UsageError(`unknown loss ${JSON.stringify(loss)}`, `known: ${lossNames.join(', ')}`);
  }
  const l = loss as LossName | undefined;
  if (task === 'regression') {
    if (l !== undefined && CLASSIFICATION_LOSSES.includes(l)) {
      throw new UsageError(`loss ${l} is for classification but the target ${JSON.stringify(table.schema.target!.names.join(', '))} is numeric`, 'use mse, mae or sse, or --task classification');
    }
    const units = table.y!.kind === 'numeric' ? table.y!.names.length : 1;
    return { task, units, activation: 'linear', loss: l ?? 'mse', metrics: [] };
  }
  const k = table.y!.kind === 'classes' ? table.y!.classes.length : 2;
  if (task === 'binary') {
    if (l === 'categoricalCrossentropy' || l === 'sparseCategoricalCrossentropy') {
      return { task, units: 2, activation: 'softmax', loss: l, metrics: ['accuracy'] };
    }
    return { task, units: 1, activation: 'sigmoid', loss: l ?? 'binaryCrossentropy', metrics: ['accuracy'] };
  }
  if (l === 'binaryCrossentropy') throw new UsageError(`binaryCrossentropy needs two classes; the target has ${k}`, 'use sparseCategoricalCrossentropy or categoricalCrossentropy');
  return { task, units: k, activation: 'softmax', loss: l ?? 'sparseCategoricalCrossentropy', metrics: ['accuracy'] };
}

export interface ArchitectureArgs {
  readonly hidden: readonly number[];
  readonly activation: string;
  readonly dropout: number;
  readonly optimizer: string;
  readonly lr: number | undefined;
  readonly seed: number;
}

/** The network: hidden Dense layers (each followed by dropout when asked), then the output layer. */
export function buildModel(inputUnits: number, plan: OutputPlan, args: ArchitectureArgs): Sequential {
  if (!(activationNames as readonly string[]).includes(args.activation)) {
    throw new UsageError(`unknown activation ${JSON.stringify(args.activation)}`, `known: ${activationNames.join(', ')}`);
  }
  if (!(optimizerNames as readonly string[]).includes(args.optimizer)) {
    throw new UsageError(`unknown optimizer ${JSON.stringify(args.optimizer)}`, `known: ${optimizerNames.join(', ')}`);
  }
  const stack: Layer[] = [];
  args.hidden.forEach((units, i) => {
    stack.push(layers.dense({ units, activation: args.activation as ActivationName, ...(i === 0 ? { inputShape: [inputUnits] } : {}) }));
    if (args.dropout > 0) stack.push(layers.dropout({ rate: args.dropout }));
  });
  stack.push(layers.dense({ units: plan.units, activation: plan.activation, ...(args.hidden.length === 0 ? { inputShape: [inputUnits] } : {}) }));
  const model = sequential(stack, { seed: args.seed });
  model.compile({
    optimizer: getOptimizer(args.optimizer as OptimizerName, args.lr === undefined ? {} : { learningRate: args.lr }),
    loss: plan.loss,
    metrics: plan.metrics,
  });
  return model;
}

/** "4 → 32 relu → 16 relu → 3 softmax". */
export function describeArchitecture(model: Sequential): string {
  const parts = [String(model.inputUnits)];
  for (const layer of model.layers) {
    const config = layer.getConfig().config;
    if (layer.className === 'Dense') parts.push(`${String(config.units)} ${typeof config.activation === 'string' ? config.activation : 'leakyRelu'}`);
    else if (layer.className === 'Dropout') parts.push(`dropout ${String(config.rate)}`);
    else parts.push(layer.className);
  }
  return parts.join(' → ');
}
