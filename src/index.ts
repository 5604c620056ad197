/**
 * backprop: multilayer perceptrons trained by backpropagation.
 * The one public entry point; the CLI and the playground use nothing else.
 */
export { Matrix, toMatrix, type DType, type FloatArray, type MatrixLike } from './core/matrix.js';
export { Rng, type RngState } from './core/rng.js';
export {
  BackpropError, InputError, SpecError, ShapeError, NotFittedError, DivergenceError, ModelFormatError, UnsupportedError, type DivergenceData,
  CapError, RecordError, SchemaMismatchError, NonFiniteWeightError, UnsafePathError, UnknownOptionError, ColumnNotFoundError,
  errorToData, errorFromData, type ErrorData,
} from './core/errors.js';
/** How messages quote a user's text (RELIABILITY R1), for front-ends that word their own. */
export { quote, QUOTE_CHARS } from './core/validate.js';

export { activationNames, getActivation, sigmoid, type Activation, type ActivationName, type ActivationSpec } from './activations.js';
/** Weight initialisers: factories (zeros, glorotUniform, heNormal, ...) and the names they go by. */
export * as initializers from './initializers.js';
export { initializerNames, type Initializer, type InitializerName, type InitializerSpec } from './initializers.js';
/** Kernel penalties: l1, l2 and l1l2, added to the loss and its gradient. */
export * as regularizers from './regularizers.js';
export type { Regularizer, RegularizerSpec } from './regularizers.js';

export {
  layers, layerFromConfig, layerRegistry, layerClassNames, layerKind, classOf, visitLayer, Layer, Param, Dense, ActivationLayer, Dropout, BatchNormalization, PeriodicEmbedding,
  type LayerConfig, type LayerClasses, type LayerClassName, type LayerKind, type ConfigFields, type ParamSpec, type PerLayerClass, type DenseArgs, type ActivationArgs, type DropoutArgs, type BatchNormalizationArgs, type PeriodicEmbeddingArgs,
} from './layers/index.js';
export { losses, lossNames, lossAliases, getLoss, type Loss, type LossName, type LossSpec, type CrossentropyArgs } from './losses/index.js';
export {
  optimizers, optimizerNames, optimizerRegistry, optimizerKind, type RuleTerm, type RuleDescription, getOptimizer, Optimizer, Sgd, Adam, Rmsprop, Adagrad,
  type OptimizerName, type OptimizerKind, type OptimizerSpec, type OptimizerBaseArgs, type OptimizerState, type SavedOptimizerState, type LearningRateSchedule,
  type SgdArgs, type AdamArgs, type RmspropArgs, type AdagradArgs,
  schedules, scheduleFromConfig, ExponentialDecay, InverseTimeDecay, CosineDecay, PiecewiseConstantDecay, WarmupCosineDecay, CosLogDecay, type ScheduleConfig,
  type ExponentialDecayArgs, type InverseTimeDecayArgs, type CosineDecayArgs, type PiecewiseConstantDecayArgs, type WarmupCosineDecayArgs, type CosLogDecayArgs,
} from './optimizers/index.js';
export {
  metrics, getMetric, metricNames, accuracyMetric, argmaxRow, ConfusionCounter, r2FromSums, TotalSquares, addToConfusion, confusionCounts,
  type Metric, type MetricFactory, type MetricSpec, type Average, type ClassScoreArgs, type ConfusionMatrixArgs,
  type ClassCounts, type Layout as TargetLayout, type Values as RegressionValues,
} from './metrics/index.js';
export {
  CallbackList, emitWarning, History, EarlyStopping, ModelCheckpoint, CsvLogger, TerminateOnNaN, LearningRateScheduler, ReduceLROnPlateau,
  type Callback, type Logs, type TrainParams, type DivergenceEvent, type Checkpoint, type MonitorMode, type EpochSchedule,
  type EarlyStoppingArgs, type ModelCheckpointArgs, type CsvLoggerArgs, type ReduceLROnPlateauArgs,
} from './callbacks/index.js';

export { sequential, sequentialFromConfig, Sequential, type SequentialConfig, type SequentialArgs, type CompileArgs, type WeightArray } from './model/sequential.js';
export type { Model, CompiledSession } from './model/types.js';
export { TrainingSession, compileArgsFromConfig, type CompileConfig, type SessionArgs, type SessionState, type RunScores } from './model/session.js';
export type { FitArgs, EvaluateArgs, Gradients } from './model/train.js';
export { isDataset, evaluateDataset, type BatchDataset, type Batch, type BatchSource } from './model/dataset.js';
export type { Label, TargetsLike } from './core/labels.js';
export { Backprop, type StepRecorder } from './model/step.js';
export { kernelBackend, setKernelBackend, typescriptBackend, kernelBackendNames, type KernelBackend, type KernelBackendName, type Kernels } from './kernels/backend.js';
export { setDefaultThreads, terminateThreads, KernelThreadError } from './kernels/backend.js';
export { describeThreads, capAtCores } from './model/kernelThreads.js';
export { typescriptLoops } from './kernels/typescript.js';
export { Block as KernelBlock, type KernelLoops, type ActivationKernel, type LossKernel } from './kernels/kernels.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './inspect/index.js';
export * from './training/index.js';
export * from './attribution/index.js';

import { callbacks as trainingCallbacks } from './callbacks/index.js';
import { layerStatistics, parameterTrajectory, diagnostics } from './inspect/index.js';

/**
 * Callback factories, as tfjs' `callbacks` namespace: the training ones (earlyStopping,
 * modelCheckpoint, csvLogger, terminateOnNaN, learningRateScheduler, reduceLROnPlateau) and the
 * seeing-inside ones (layerStatistics, parameterTrajectory, diagnostics).
 */
export const callbacks = {
  ...trainingCallbacks,
  /** Records per layer and epoch the activation statistics, gradient norms and update-to-weight ratios. */
  layerStatistics,
  /** Snapshots every weight during training and projects the path onto its first two principal components. */
  parameterTrajectory,
  /** Warnings that say why a network is not learning: symmetry, saturation, dead units, exploding or vanishing gradients, a flat loss. */
  diagnostics,
};
export * from './search/index.js';
export { VERSION } from './version.js';
