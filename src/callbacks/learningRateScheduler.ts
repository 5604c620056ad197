import { InputError } from '../core/errors.js';
import { checkKeys, describe } from '../core/validate.js';
import type { Sequential } from '../model/sequential.js';
import type { Callback } from '../model/callback.js';

/** (epoch (0-based), current rate) → the rate for this epoch. */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

/**
 * Keras' LearningRateScheduler: at the start of each epoch sets the optimiser's rate to
 * schedule(epoch, rate). A result that is not a finite number > 0 is an error naming the epoch.
 * It needs a numeric learningRate (a step schedule already decides the rate).
 */
export class LearningRateScheduler implements Callback {
  private model: Sequential | undefined;
  private readonly verbose: 0 | 1;

  constructor(private readonly schedule: EpochSchedule, args: { verbose?: 0 | 1 } = {}) {
    checkKeys('learningRateScheduler', args, ['verbose']);
    if (typeof schedule !== 'function') throw new InputError(`learningRateScheduler: schedule must be a function (epoch, lr) => lr, got ${describe(schedule)}`);
    this.verbose = args.verbose === 1 ? 1 : 0;
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onTrainBegin(): void {
    numericRate('learningRateScheduler', this.model!);
  }

  onEpochBegin(epoch: number): void {
    const optimizer = this.model!.session.optimizer;
    const lr = this.schedule(epoch, numericRate('learningRateScheduler', this.model!));
    if (typeof lr !== 'number' || !Number.isFinite(lr) || !(lr > 0)) {
      throw new InputError(`learningRateScheduler: the schedule returned ${describe(lr)} for epoch ${epoch + 1}; a learning rate must be a finite number > 0`);
    }
    optimizer.learningRate = lr;
    if (this.verbose) console.log(`Epoch ${epoch + 1}: learningRateScheduler setting the learning rate to ${lr}.`);
  }
}

/** The optimiser's rate when it is a plain number; an error naming the schedule otherwise. */
export function numericRate(where: string, model: Sequential): number {
  const lr = model.optimizer?.learningRate;
  if (typeof lr !== 'number') {
    throw new InputError(`${where}: the optimizer's learningRate is the schedule ${lr?.name ?? 'none'}; give a numeric learningRate to use this callback`);
  }
  return lr;
}
