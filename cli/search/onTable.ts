// A trial on a table already in memory: the part of trial.ts a search's worker thread needs, with
// the few library modules it takes (not the whole library, nor the CLI's readers), so that the
// thread loads fast.
import type { Table, TrialOutcome } from '../../src/index.js';
import { runTrainingTrial } from '../../src/search/training.js';
import type { DataRef, Reporter, TrialJob } from './trial.js';

/** What identifies a parsed table: the data's hash and how it is read. */
export function tableKey(data: DataRef): string {
  return `${data.hash}:${JSON.stringify(data.tableArgs)}:${data.delimiter ?? ''}`;
}

/** Runs one trial job on its table with the library's runTrainingTrial. */
export function runJobOnTable(table: Table, job: TrialJob, report?: Reporter): Promise<TrialOutcome> {
  return runTrainingTrial(table, job.spec, job.scoring, job.metric, job.prune ? report : undefined);
}
