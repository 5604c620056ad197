import { DivergenceError } from '../core/errors.js';
import type { Logs } from './callback.js';
import type { History } from './history.js';
import type { Sequential } from './sequential.js';
import { prepareData } from './evaluate.js';
import { takeStep } from './session.js';
import type { FitArgs } from './runData.js';
import { WeightGuard, describeDivergence } from './divergence.js';

export type { FitArgs } from './runData.js';
export { prepareData, evaluate, computeGradients, predictMatrix, type EvaluateArgs, type Gradients } from './evaluate.js';

/**
 * The training loop behind `model.fit`: a run of the model's session, advanced an epoch at a time
 * to its end. Each epoch's logs hold loss and metrics (training, then `val_` ones), and `lr`, the
 * rate the epoch's last step used. A step whose loss, gradient or updated weights are not finite
 * is undone; fit then throws a DivergenceError naming the epoch, batch, layer and tensor (its
 * `event`), unless a callback (terminateOnNaN) sets stopTraining, in which case it ends cleanly
 * with the message in history.warnings.
 */
export async function fit(model: Sequential, x: unknown, y: unknown, args: FitArgs): Promise<History> {
  const session = model.session.start(x, y, { ...args, epochs: args.epochs ?? 1 });
  while (!session.done) await session.advance(1);
  return session.history;
}

export async function trainOnBatch(model: Sequential, x: unknown, y: unknown): Promise<Logs> {
  const data = prepareData(model, x, y, 'trainOnBatch');
  const metrics = model.session.createMetrics();
  const engine = model.backprop();
  const optimizer = model.session.optimizer;
  optimizer.prepare(engine.params);
  const loss = takeStep(optimizer, engine, new WeightGuard(engine.params), data.x, data.y, metrics);
  if (typeof loss !== 'number') {
    const event = describeDivergence(engine, data.x, loss, optimizer.learningRateAt(optimizer.iterations));
    throw new DivergenceError(event.message, event);
  }
  const logs: Logs = { loss };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

