import { parse as parseCsv } from 'csv-parse/sync';
import {
  gatherRows, kFold, prepareTraining, scalerFromJSON, splitRows, startRun, tableFromRecords,
  type History, type JsonValue, type Table, type TableArgs, type TrainingSpec, type TrialOutcome,
} from '../../src/index.js';
import { measure, type SetMetrics } from '../evaluation.js';
import { loadSource, type SyntheticOptions } from '../source.js';

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
  /** The library's training spec of this trial (fixed options with the trial's parameters); its seed seeds the weights. */
  readonly spec: TrainingSpec;
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
  task: string;
  metrics: SetMetrics;
  train: SetMetrics;
  epochs: number;
  bestEpoch: number;
  pruned: boolean;
}

/**
 * Trains and scores one configuration with the library's training spec, exactly as `backprop
 * train` does (prepareTraining + startRun), on folds or a split fixed by the search's seed. With a
 * reporter, the run advances one epoch at a time and reports the validation metric of the first
 * fold, stopping when the pruner says so. This is the one adapter between search and training.
 */
export async function runTrainingTrial(job: TrialJob, report?: Reporter): Promise<TrialOutcome> {
  const table = await loadTable(job.data);
  const folds = job.scoring.folds !== undefined
    ? kFold(table.rows, job.scoring.folds, table.y?.kind === 'classes' ? table.y.codes : undefined, job.scoring.seed)
    : [splitRowsOf(table, job.scoring.validationSplit ?? 0.2, job.scoring.seed)];
  const results: FoldResult[] = [];
  let task = '';
  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f]!;
    if (fold.validation.length === 0) throw new Error(`${table.rows} rows are too few for a validation split; use --cv or a larger --validation-split`);
    const r = await runFold(table, job.spec, fold.train, fold.validation, job.metric, f === 0 && job.prune ? report : undefined);
    task = r.task;
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
    ...(task !== 'regression' ? { val_accuracy: avg((r) => r.metrics.accuracy) } : { val_r2: avg((r) => r.metrics.r2) }),
    epochs_run: avg((r) => r.epochs),
    best_epoch: results[0]!.bestEpoch,
    folds: results.length,
  };
  return { value: mean, attrs };
}

function splitRowsOf(table: Table, fraction: number, seed: number): { train: readonly number[]; validation: readonly number[] } {
  const { train, validation } = splitRows(table, fraction, seed);
  return { train, validation };
}

async function runFold(table: Table, spec: TrainingSpec, train: readonly number[], validation: readonly number[], metric: MetricName, report: Reporter | undefined): Promise<FoldResult> {
  const prepared = prepareTraining(spec, table, { split: { train, validation, note: undefined } });
  const model = prepared.network.model;
  const run = startRun(prepared);
  let pruned = false;
  let history: History;
  if (report !== undefined && (metric === 'loss' || metric === 'accuracy')) {
    while (!run.done) {
      const s = await run.advance(1);
      const v = s.logs[`val_${metric}`];
      if (!s.done && v !== undefined && (await report(s.epoch, v))) {
        pruned = true;
        break;
      }
    }
    history = pruned ? await run.stop() : await run.finish();
  } else {
    history = await run.finish();
  }
  const { preprocessing, plan } = prepared;
  const targetScaler = preprocessing.targetScaler ? scalerFromJSON(preprocessing.targetScaler) : undefined;
  const raw = (rows: readonly number[]) => (table.y?.kind === 'numeric' ? gatherRows(table.y.values, rows) : undefined);
  const valLoss = history.history.val_loss ?? [];
  let bestEpoch = 0;
  valLoss.forEach((v, i) => {
    if (v < valLoss[bestEpoch]!) bestEpoch = i;
  });
  return {
    task: plan.task,
    metrics: measure(model, plan.task, prepared.validation!.x, prepared.validation!.y, targetScaler, raw(validation)),
    train: measure(model, plan.task, prepared.train.x, prepared.train.y, targetScaler, raw(train)),
    epochs: history.epoch.length,
    bestEpoch: bestEpoch + 1,
    pruned,
  };
}
