import { parse as parseCsv } from 'csv-parse/sync';
import {
  MAXIMIZED_METRICS, tableFromRecords, trainingMetrics,
  type JobPlacement, type Params, type Table, type TableArgs, type TrainingMetric, type TrainingSpec, type TrialOutcome, type TrialScoring,
} from '../../src/index.js';
import { loadSource, type SyntheticOptions } from '../source.js';
import { jsonTableFromText } from '../jsonFile.js';
import { runJobOnTable, tableKey } from './onTable.js';

export { tableKey };

/** Where a trial's rows come from: a file on this machine, a named set, or the CSV text itself (for other machines). */
export interface DataRef {
  readonly file?: string;
  readonly dataset?: string;
  /** The data's text, for a trial on another machine: CSV, or JSON when `json` is true. */
  readonly csv?: string;
  /** The text is a JSON data file's (read as jsonFile.ts reads the file named tableArgs.source). */
  readonly json?: boolean;
  /** SHA-256 of the data, so a worker caches one table per data set. */
  readonly hash: string;
  readonly tableArgs: TableArgs;
  readonly synthetic: SyntheticOptions;
  /** CSV field separator; default: sniffed from the header line. */
  readonly delimiter?: string;
}

export type MetricName = TrainingMetric;
export const metricNames = trainingMetrics;
/** Whether larger is better. */
export const MAXIMIZED = MAXIMIZED_METRICS;

/** Everything one trial needs, as plain JSON: it crosses worker threads and machines unchanged. */
export interface TrialJob {
  readonly data: DataRef;
  /** The library's training spec of this trial (fixed options with the trial's parameters); its seed seeds the weights. */
  readonly spec: TrainingSpec;
  /** k-fold cross-validation (stratified for classes) or one validation split; the split's seed is the search's, the same for every trial. */
  readonly scoring: TrialScoring;
  readonly metric: MetricName;
  /** Report the validation metric after every epoch (of the first fold) for a pruner. */
  readonly prune: boolean;
  /** Which trial this is, for what a queue worker prints (not used to train). */
  readonly label?: { readonly trial: number; readonly params: Params };
}

/** Asked after each epoch when pruning: true means stop this trial now. */
export type Reporter = (step: number, value: number) => boolean | Promise<boolean>;

const tables = new Map<string, Promise<Table>>();


/** Keeps a table parsed elsewhere (a search's worker threads get the main thread's, never parse again). */
export function keepTable(key: string, table: Table): void {
  tables.set(key, Promise.resolve(table));
}

/**
 * A table from CSV text sent with the trial, read as the file readers read one: its lines before
 * the header skipped as lines (a blank one among them counts), not as records.
 */
function csvTable(csv: string, args: TableArgs, delimiter: string | undefined): Table {
  const { skipRows, ...rest } = args;
  const records = parseCsv(csv, { bom: true, relax_column_count: true, skip_empty_lines: true, from_line: (skipRows ?? 0) + 1, ...(delimiter !== undefined ? { delimiter } : {}) }) as string[][];
  return tableFromRecords(records, { dtype: 'float32', ...rest, source: args.source ?? 'data' });
}

/** The trial's table, read once per process and data set. */
export function loadTable(data: DataRef): Promise<Table> {
  const key = tableKey(data);
  let t = tables.get(key);
  if (t === undefined) {
    t = data.csv !== undefined
      ? Promise.resolve(data.json === true ? jsonTableFromText(data.csv, data.tableArgs.source ?? 'data.json', { dtype: 'float32', ...data.tableArgs }) : csvTable(data.csv, data.tableArgs, data.delimiter))
      : loadSource(data.file, data.dataset, data.tableArgs, data.synthetic, data.delimiter).then((s) => s.table);
    tables.set(key, t);
    t.catch(() => tables.delete(key));
  }
  return t;
}

/**
 * Runs one trial job with the library's runTrainingTrial on the job's table (read once per
 * process): the one adapter between the CLI's plain-JSON jobs and the library's training search.
 */
export async function runTrainingJob(job: TrialJob, report?: Reporter): Promise<TrialOutcome> {
  return runJobOnTable(await loadTable(job.data), job, report);
}

/** Runs trials somewhere: in this process, on threads, or through a queue. */
export interface TrialRunner {
  run(job: TrialJob, report: Reporter): Promise<TrialOutcome>;
  close(): Promise<void>;
  /** Where the trials ran (this thread and worker threads), for runners that have jobs on this machine. */
  placement?(): JobPlacement;
}
