/**
 * What crosses the Redis queue, checked on the worker's side. Anyone who can write to the queue
 * can add a job, so a worker trusts nothing in it: it accepts only inline data (never a path or
 * a data set name to read on its own machine), checks that the data is what its hash says, and
 * hands back failures as codes and fields, never as messages that could quote cells.
 */
import { createHash } from 'node:crypto';
import { DivergenceError, InputError, SpecError, type DivergenceData } from '../../src/index.js';
import type { TrialJob } from './trial.js';

/** Why a worker refused or failed a trial, as data: no message text from the trial crosses the queue. */
export interface RemoteError {
  /** 'not-inline' | 'bad-job' | 'hash-mismatch' | 'spec' | 'divergence' | 'data' | 'internal'. */
  readonly code: RemoteErrorCode;
  /** The error class on the worker (InputError, SpecError, DivergenceError, ...). */
  readonly name: string;
  /** The spec field of a SpecError ('fit.learningRate'), or the job field a refused job got wrong ('data.file'). */
  readonly field?: string;
  /** Where a run diverged. */
  readonly divergence?: Pick<DivergenceData, 'epoch' | 'batch' | 'kind'>;
}

export type RemoteErrorCode = 'not-inline' | 'bad-job' | 'hash-mismatch' | 'spec' | 'divergence' | 'data' | 'internal';

/** A job the worker refuses before reading anything; `field` names the offending part of the job. */
export class RefusedJob extends Error {
  constructor(readonly code: 'not-inline' | 'bad-job' | 'hash-mismatch', readonly field: string) {
    super(`refused job: ${code} (${field})`);
  }
}

const JOB_KEYS = new Set(['data', 'spec', 'scoring', 'metric', 'prune', 'label']);
const DATA_KEYS = new Set(['csv', 'hash', 'tableArgs', 'synthetic', 'delimiter']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The job as a worker may run it: data given inline as CSV text whose SHA-256 is its `hash`,
 * no key that names a file or data set on this machine. Throws RefusedJob otherwise.
 */
export function acceptRemoteJob(job: unknown): TrialJob {
  if (!isObject(job)) throw new RefusedJob('bad-job', 'job');
  for (const k of Object.keys(job)) if (!JOB_KEYS.has(k)) throw new RefusedJob('bad-job', k);
  const data = job.data;
  if (!isObject(data)) throw new RefusedJob('bad-job', 'data');
  for (const k of Object.keys(data)) {
    if (k === 'file' || k === 'dataset') throw new RefusedJob('not-inline', `data.${k}`);
    if (!DATA_KEYS.has(k)) throw new RefusedJob('bad-job', `data.${k}`);
  }
  if (typeof data.csv !== 'string') throw new RefusedJob('not-inline', 'data.csv');
  if (typeof data.hash !== 'string' || createHash('sha256').update(data.csv).digest('hex') !== data.hash) throw new RefusedJob('hash-mismatch', 'data.hash');
  if (!isObject(data.tableArgs) || !isObject(job.spec) || !isObject(job.scoring) || typeof job.metric !== 'string') throw new RefusedJob('bad-job', 'spec');
  if (typeof job.prune !== 'boolean') throw new RefusedJob('bad-job', 'prune');
  return job as unknown as TrialJob;
}

/** A worker's failure as data: the error's class and code, the spec field or where it diverged; never its message. */
export function remoteError(e: unknown): RemoteError {
  const name = e instanceof Error ? e.name : 'Error';
  if (e instanceof RefusedJob) return { code: e.code, name: 'RefusedJob', field: e.field };
  if (e instanceof SpecError) return { code: 'spec', name, field: e.field };
  if (e instanceof DivergenceError) return { code: 'divergence', name, ...(e.event ? { divergence: { epoch: e.event.epoch, batch: e.event.batch, kind: e.event.kind } } : {}) };
  if (e instanceof InputError) return { code: 'data', name };
  return { code: 'internal', name };
}

const SAID: Record<RemoteErrorCode, string> = {
  'not-inline': 'the worker refused the job: its data was not given inline',
  'bad-job': 'the worker refused the job: it is not a trial job of this version',
  'hash-mismatch': 'the worker refused the job: its data does not match its hash',
  spec: 'the trial\'s spec was refused',
  divergence: 'the trial diverged',
  data: 'the trial\'s data was refused (run it without --queue to see the row and column)',
  internal: 'the trial failed',
};

/** One line for a trial a worker failed, from the error's data alone. */
export function describeRemoteError(r: RemoteError, worker: string): string {
  const where = r.divergence !== undefined ? ` (non-finite ${r.divergence.kind} at epoch ${r.divergence.epoch}, batch ${r.divergence.batch})` : r.field !== undefined ? ` (${r.field})` : '';
  return `${SAID[r.code] ?? 'the trial failed'}${where}: ${r.name} on ${worker}`;
}
