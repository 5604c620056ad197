// A trial on a table already in memory: the part of trial.ts a search's worker thread needs, with
// the few library modules it takes (not the whole library, nor the CLI's readers), so that the
// thread loads fast.
import type { EpochReporter, Table, TableArgs, TrainingMetric, TrainingSpec, TrialOutcome, TrialScoring } from '../../src/index.js';
import { runTrainingTrial } from '../../src/search/training.js';

// What of trial.ts's DataRef and TrialJob these read (trial.ts imports this file).
type TableRef = { readonly hash: string; readonly tableArgs: TableArgs; readonly delimiter?: string };
type JobOnTable = { readonly spec: TrainingSpec; readonly scoring: TrialScoring; readonly metric: TrainingMetric; readonly prune: boolean };

/** What identifies a parsed table: the data's hash and how it is read. */
export function tableKey(data: TableRef): string {
  return `${data.hash}:${JSON.stringify(data.tableArgs)}:${data.delimiter ?? ''}`;
}

/** Runs one trial job on its table with the library's runTrainingTrial. */
export function runJobOnTable(table: Table, job: JobOnTable, report?: EpochReporter): Promise<TrialOutcome> {
  return runTrainingTrial(table, job.spec, job.scoring, job.metric, job.prune ? report : undefined);
}
