import { parse as parseCsv } from 'csv-parse/sync';
import { EarlyStopping, kFold, tableFromRecords, type Callback, type JsonValue, type Table, type TableArgs, type TrialOutcome } from '../../src/index.js';
import { measure, type SetMetrics } from '../evaluation.js';
import { gatherRows, inputs, makeScaler, scaleInPlace, splitRows, targets } from '../prepare.js';
import type { TrainSettings } from '../settings.js';
import { loadSource, type SyntheticOptions } from '../source.js';
import { buildModel, planOutput } from '../task.js';

/** Where a trial's rows come from: a file on this machine, a named set, or the CSV text itself (for other machines). */
export interface DataRef {
  readonly file?: string;
  readonly dataset?: string;
  readonly csv?: string;
  /** SHA-256 of the data, so a worker caches one table per data set. */
  readonly hash: string;
  readonly tableArgs: TableArgs;
  readonly synthetic: SyntheticOptions;
}

export type MetricName = 'loss' | 'accuracy' | 'mae' | 'rmse' | 'r2';
export const metricNames: readonly MetricName[] = ['loss', 'accuracy', 'mae', 'rmse', 'r2'];
/** Whether larger is better. */
export const MAXIMIZED: ReadonlySet<MetricName> = new Set(['accuracy', 'r2']);

/** Everything one trial needs, as plain JSON: it crosses worker threads and machines unchanged. */
export interface TrialJob {
  readonly data: DataRef;
  /** The train settings of this trial (fixed options with the trial's parameters); `seed` seeds the weights. */
  readonly settings: TrainSettings;
  /** k-fold cross-validation (stratified for classes) or one validation split; the split's seed is the search's, the same for every trial. */
  readonly scoring: { readonly folds?: number; readonly validationSplit?: number; readonly seed: number };
  readonly metric: MetricName;
  /** Report the validation metric after every epoch (of the first fold) for a pruner. */
  readonly prune: boolean;
}

/** Asked after each epoch when pruning: true means stop this trial now. */
export type Reporter = (step: number, value: number) => boolean | Promise<boolean>;

const tables = new Map<string, Promise<Table>>();

/** The trial's table, read once per process and data set. */
export function loadTable(data: DataRef): Promise<Table> {
  const key = `${data.hash}:${JSON.stringify(data.tableArgs)}`;
  let t = tables.get(key);
  if (t === undefined) {
    t = data.csv !== undefined
      ? Promise.resolve(tableFromRecords(parseCsv(data.csv, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][], { dtype: 'float32', ...data.tableArgs, source: data.tableArgs.source ?? 'data' }))
      : loadSource(data.file, data.dataset, data.tableArgs, data.synthetic).then((s) => s.table);
    tables.set(key, t);
    t.catch(() => tables.delete(key));
  }
  return t;
}

interface FoldResult {
  metrics: SetMetrics;
  train: SetMetrics;
  epochs: number;
  bestEpoch: number;
  pruned: boolean;
}

/**
 * Trains and scores one configuration the way `backprop train` trains: the same output plan,
 * scaling fitted on the training rows, network, optimiser and fit settings. This is the one
 * adapter between the search and the training pipeline.
 */
export async function runTrainingTrial(job: TrialJob, report?: Reporter): Promise<TrialOutcome> {
  const table = await loadTable(job.data);
  const s = job.settings;
  const plan = planOutput(table, s.loss);
  const folds = job.scoring.folds !== undefined
    ? kFold(table.rows, job.scoring.folds, table.y?.kind === 'classes' ? table.y.codes : undefined, job.scoring.seed)
    : [splitRows(table, job.scoring.validationSplit ?? 0.2, job.scoring.seed)];
  const results: FoldResult[] = [];
  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f]!;
    if (fold.validation.length === 0) throw new Error(`${table.rows} rows are too few for a validation split; use --cv or a larger --validation-split`);
    const r = await runFold(table, plan, s, fold.train, fold.validation, job.metric, f === 0 && job.prune ? report : undefined);
    results.push(r);
    if (r.pruned) break;
  }
  const values = results.map((r) => r.metrics[job.metric] ?? NaN);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  const avg = (pick: (r: FoldResult) => number | undefined): number => results.reduce((a, r) => a + (pick(r) ?? NaN), 0) / results.length;
  const attrs: Record<string, JsonValue> = {
    value_std: std,
    ...Object.fromEntries(values.map((v, k) => [`split${k}_value`, v])),
    train_loss: avg((r) => r.train.loss),
    val_loss: avg((r) => r.metrics.loss),
    ...(plan.task !== 'regression' ? { val_accuracy: avg((r) => r.metrics.accuracy) } : { val_r2: avg((r) => r.metrics.r2) }),
    epochs_run: avg((r) => r.epochs),
    best_epoch: results[0]!.bestEpoch,
    folds: results.length,
  };
  return { value: mean, attrs };
}

async function runFold(table: Table, plan: ReturnType<typeof planOutput>, s: TrainSettings, train: readonly number[], validation: readonly number[], metric: MetricName, report: Reporter | undefined): Promise<FoldResult> {
  const scaler = makeScaler(s.scale);
  const xTrain = gatherRows(table.x, train);
  if (scaler) {
    scaler.fit(xTrain);
    scaleInPlace(xTrain, scaler);
  }
  const targetScaler = plan.task === 'regression' && s.scale !== 'none' && table.y?.kind === 'numeric' ? makeScaler('standard')!.fit(gatherRows(table.y.values, train)) : undefined;
  const model = buildModel(table.x.cols, plan, { hidden: s.layers, activation: s.activation, dropout: s.dropout, optimizer: s.optimizer, lr: s.lr, seed: s.seed });
  if (table.y?.kind === 'classes') model.classes = [...table.y.classes];
  const yTrain = targets(table.y!, train, plan, targetScaler);
  const xVal = inputs(table, validation, scaler);
  const yVal = targets(table.y!, validation, plan, targetScaler);
  let pruned = false;
  const callbacks: Callback[] = [];
  if (report !== undefined && (metric === 'loss' || metric === 'accuracy')) {
    callbacks.push({
      onEpochEnd: async (epoch, logs) => {
        const v = logs[`val_${metric}`];
        if (v !== undefined && (await report(epoch + 1, v))) {
          pruned = true;
          model.stopTraining = true;
        }
      },
    });
  }
  if (s.earlyStopping !== undefined) callbacks.push(new EarlyStopping({ monitor: 'val_loss', patience: s.earlyStopping, restoreBestWeights: true }));
  const history = await model.fit(xTrain, yTrain, { epochs: s.epochs, batchSize: s.batchSize, validationData: [xVal, yVal], callbacks, verbose: 0 });
  const rawTrain = table.y?.kind === 'numeric' ? gatherRows(table.y.values, train) : undefined;
  const rawVal = table.y?.kind === 'numeric' ? gatherRows(table.y.values, validation) : undefined;
  const valLoss = history.history.val_loss ?? [];
  let bestEpoch = 0;
  valLoss.forEach((v, i) => {
    if (v < valLoss[bestEpoch]!) bestEpoch = i;
  });
  return {
    metrics: measure(model, plan.task, xVal, yVal, targetScaler, rawVal),
    train: measure(model, plan.task, xTrain, yTrain, targetScaler, rawTrain),
    epochs: history.epoch.length,
    bestEpoch: bestEpoch + 1,
    pruned,
  };
}
