import { InputError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import type { ActivationName, ActivationSpec } from '../activations.js';
import { l1l2 } from '../regularizers.js';
import { Dense } from '../layers/dense.js';
import { ActivationLayer } from '../layers/activationLayer.js';
import { BatchNormalization } from '../layers/batchNormalization.js';
import { Dropout } from '../layers/dropout.js';
import { PeriodicEmbedding } from '../layers/periodicEmbedding.js';
import type { Layer } from '../layers/layer.js';
import { getOptimizer } from '../optimizers/index.js';
import { getLoss } from '../losses/index.js';
import { cosLogDecay, warmupCosineDecay, type LearningRateSchedule } from '../optimizers/schedules.js';
import { Sequential } from '../model/sequential.js';
import { hiddenActivation, type ArchitectureSpec, type CompileSpec } from './spec.js';
import type { OutputPlan } from './output.js';

/** One drawn layer of the network: its Dense layer and the index of its last library layer. */
export interface Block {
  readonly dense: Dense;
  /** Index in model.layers of the block's last layer (its output is the block's activations). */
  readonly end: number;
  readonly units: number;
  readonly activation: ActivationName;
}

/** A built network: the compiled model and its drawn blocks. */
export interface Network {
  readonly model: Sequential;
  /** Hidden blocks, then the output block. */
  readonly blocks: readonly Block[];
}

/** Options of buildNetwork. */
export interface BuildOptions {
  /** Seed of the initial weights, shuffling and dropout masks. */
  readonly seed: number;
  /** Default 'float32'. */
  readonly dtype?: DType;
  /** Whether each Dense layer (hidden ones, then the output) has a bias; default all. */
  readonly useBias?: readonly boolean[];
  /** The run's total optimiser steps, which a compile.schedule other than 'constant' needs. */
  readonly steps?: number;
  /** Indices of the numeric inputs, which architecture.embedding embeds (default every input; see numericFeatureIndices). */
  readonly numericInputs?: readonly number[];
}

/** The spec's learning rate, as a schedule over `steps` when it asks for one. */
function learningRateOf(compile: CompileSpec, steps: number | undefined): number | LearningRateSchedule | undefined {
  const schedule = compile.schedule ?? 'constant';
  if (schedule === 'constant') return compile.learningRate;
  if (steps === undefined) throw new InputError(`spec.compile.schedule ${JSON.stringify(schedule)} needs the run's step count (buildNetwork's steps option)`);
  const peak = compile.learningRate ?? getOptimizer(compile.optimizer, {}).currentLearningRate();
  const total = Math.max(1, steps);
  if (schedule === 'cosLog') return cosLogDecay({ initialLearningRate: peak, decaySteps: total });
  const warmupSteps = Math.round(0.05 * total);
  // The rate ends at 1 % of the peak, never 0: a run that takes a step more than counted still moves.
  return warmupCosineDecay({ initialLearningRate: peak, warmupSteps, decaySteps: Math.max(1, total - warmupSteps), alpha: 0.01 });
}

/**
 * The one network builder: a periodic embedding of the numeric inputs when the spec asks for one
 * (and there are any), hidden blocks (Dense, or Dense → BatchNorm → activation; then
 * dropout when asked), the output layer the plan gives, compiled with the spec's optimizer and
 * the plan's loss and metrics.
 */
export function buildNetwork(inputUnits: number, output: Pick<OutputPlan, 'units' | 'loss' | 'metrics'> & { readonly activation: ActivationSpec }, arch: ArchitectureSpec, compile: CompileSpec, options: BuildOptions): Network {
  const stack: Layer[] = [];
  const blocks: Block[] = [];
  const embed = arch.embedding !== undefined && options.numericInputs?.length !== 0;
  if (embed) stack.push(new PeriodicEmbedding({ ...arch.embedding, ...(options.numericInputs ? { columns: options.numericInputs } : {}), inputShape: [inputUnits] }));
  const reg = (arch.l1 ?? 0) > 0 || (arch.l2 ?? 0) > 0 ? l1l2({ l1: arch.l1 ?? 0, l2: arch.l2 ?? 0 }) : undefined;
  const dense = (units: number, activation: ActivationSpec, i: number) => new Dense({
    units,
    activation,
    ...(options.useBias?.[i] === false ? { useBias: false } : {}),
    ...(arch.initializer ? { kernelInitializer: arch.initializer } : {}),
    ...(reg ? { kernelRegularizer: reg } : {}),
    ...(i === 0 && !embed ? { inputShape: [inputUnits] } : {}),
  });
  arch.hidden.forEach((units, i) => {
    const activation = hiddenActivation(arch, i);
    let d: Dense;
    if (arch.batchNorm) {
      // Dense → BatchNorm → activation: normalise the pre-activations, as Ioffe & Szegedy do.
      d = dense(units, 'linear', i);
      stack.push(d, new BatchNormalization(), new ActivationLayer({ activation }));
    } else {
      d = dense(units, activation, i);
      stack.push(d);
    }
    if (arch.dropout > 0) stack.push(new Dropout({ rate: arch.dropout }));
    blocks.push({ dense: d, end: stack.length - 1, units, activation: nameOf(activation) });
  });
  const out = dense(output.units, output.activation, arch.hidden.length);
  stack.push(out);
  blocks.push({ dense: out, end: stack.length - 1, units: output.units, activation: nameOf(output.activation) });
  const model = new Sequential(stack, { seed: options.seed, ...(options.dtype ? { dtype: options.dtype } : {}) });
  const optimizerArgs: Record<string, unknown> = {};
  const learningRate = learningRateOf(compile, options.steps);
  if (learningRate !== undefined) optimizerArgs.learningRate = learningRate;
  if (compile.momentum !== undefined) optimizerArgs.momentum = compile.momentum;
  if (compile.beta2 !== undefined) optimizerArgs.beta2 = compile.beta2;
  const loss = compile.labelSmoothing ? getLoss(output.loss, { labelSmoothing: compile.labelSmoothing }) : output.loss;
  model.compile({ optimizer: getOptimizer(compile.optimizer, optimizerArgs), loss, metrics: [...output.metrics] });
  return { model, blocks };
}

/** "4 → 32 relu → 16 relu → 3 softmax". */
export function describeNetwork(model: Sequential): string {
  const parts = [String(model.inputUnits)];
  for (const layer of model.layers) {
    const config = layer.getConfig().config;
    if (layer.className === 'Dense') parts.push(`${String(config.units)} ${typeof config.activation === 'string' ? config.activation : 'leakyRelu'}`);
    else if (layer.className === 'Dropout') parts.push(`dropout ${String(config.rate)}`);
    else if (layer.className === 'PeriodicEmbedding') parts.push(`${layer.outputUnits} periodic embedding`);
    else parts.push(layer.className);
  }
  return parts.join(' → ');
}

function nameOf(a: ActivationSpec): ActivationName {
  return typeof a === 'string' ? a : a.name;
}
