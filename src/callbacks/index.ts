import { EarlyStopping, type EarlyStoppingArgs } from './earlyStopping.js';
import { ModelCheckpoint, type ModelCheckpointArgs } from './modelCheckpoint.js';
import { CsvLogger, type CsvLoggerArgs } from './csvLogger.js';
import { TerminateOnNaN } from './terminateOnNaN.js';
import { LearningRateScheduler, type EpochSchedule } from './learningRateScheduler.js';
import { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduceLROnPlateau.js';

export { CallbackList, emitWarning, type Callback, type Logs, type TrainParams, type DivergenceEvent } from '../model/callback.js';
export { History } from '../model/history.js';
export { EarlyStopping, type EarlyStoppingArgs, ModelCheckpoint, type ModelCheckpointArgs, CsvLogger, type CsvLoggerArgs };
export { TerminateOnNaN, LearningRateScheduler, type EpochSchedule, ReduceLROnPlateau, type ReduceLROnPlateauArgs };
export type { Checkpoint } from './modelCheckpoint.js';
export type { MonitorMode } from './monitor.js';

/**
 * The built-in callbacks, as `tf.callbacks` in TensorFlow.js:
 * @example
 * await model.fit(x, y, { epochs: 500, validationSplit: 0.2,
 *   callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: 20, restoreBestWeights: true })] });
 * History is always recorded (fit returns it); the terminal progress bar lives in the CLI.
 */
export const callbacks = {
  /** Stops training when a monitored log stops improving; can restore the best weights. */
  earlyStopping: (args: EarlyStoppingArgs = {}): EarlyStopping => new EarlyStopping(args),
  /** Saves the model (or keeps the weights in memory) after epochs, optionally only the best. */
  modelCheckpoint: (args: ModelCheckpointArgs = {}): ModelCheckpoint => new ModelCheckpoint(args),
  /** Writes each epoch's logs as a CSV row (to a file, or to a function in the browser). */
  csvLogger: (args: CsvLoggerArgs): CsvLogger => new CsvLogger(args),
  /** Stops training cleanly at the first non-finite loss, gradient or weight, naming the layer and tensor. */
  terminateOnNaN: (args: { verbose?: 0 | 1 } = {}): TerminateOnNaN => new TerminateOnNaN(args),
  /** Sets the learning rate at the start of each epoch from a function of the epoch. */
  learningRateScheduler: (schedule: EpochSchedule, args: { verbose?: 0 | 1 } = {}): LearningRateScheduler => new LearningRateScheduler(schedule, args),
  /** Multiplies the learning rate by `factor` when a monitored log stops improving. */
  reduceLROnPlateau: (args: ReduceLROnPlateauArgs = {}): ReduceLROnPlateau => new ReduceLROnPlateau(args),
};
